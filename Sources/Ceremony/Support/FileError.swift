import Foundation

/// A file operation that failed, with the system's reason.
package struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var operation: String
    package var code: Int32

    init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    package var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}
