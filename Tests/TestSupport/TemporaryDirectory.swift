import Foundation

/// A fresh directory under the system temporary directory, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "trustmetadata") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    public func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    public func write(_ bytes: [UInt8], to relative: String) throws {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to `relative` (creating folders) and returns its URL.
    @discardableResult
    public func write(_ text: String, to relative: String) throws -> URL {
        try write(Array(text.utf8), to: relative)
        return url.appendingPathComponent(relative)
    }

    /// Names of the entries directly inside the directory, sorted.
    public func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}
