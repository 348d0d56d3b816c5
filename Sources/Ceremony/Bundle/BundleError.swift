import Foundation

/// Why an output directory could not be assembled.
package enum BundleError: Error, Sendable, Equatable, CustomStringConvertible {
    case destinationExists(path: String, reason: String)
    case parentMissing(path: String)
    case unsafePath(String)
    case unexpectedFile(path: String)
    case finished

    package var description: String {
        switch self {
        case .destinationExists(let path, let reason):
            return "refusing to write to \(path): \(reason); choose a new output directory"
        case .parentMissing(let path):
            return "the folder \(path) does not exist; create it first"
        case .unsafePath(let path):
            return "'\(path)' is not a plain relative path inside the output directory"
        case .unexpectedFile(let path):
            return "\(path) is neither a regular file nor a folder"
        case .finished:
            return "the output directory is already complete or failed"
        }
    }
}
