import Foundation

/// An input file's exact bytes and their digest.
///
/// The bytes are what was reviewed: they are hashed as read, copied verbatim
/// into the bundle, and never re-serialised.
public struct SourceFile: Sendable, Equatable {
    public var url: URL
    /// The name used in messages, as the officer typed it.
    public var displayName: String
    public var bytes: Data
    public var digest: PlanDigest

    public init(url: URL, displayName: String, bytes: Data) {
        self.url = url
        self.displayName = displayName
        self.bytes = bytes
        self.digest = PlanDigest(of: bytes)
    }

    /// The folder relative paths in the file are resolved against.
    public var directory: URL { url.deletingLastPathComponent() }

    /// Reads `url`, refusing anything but a regular file of at most 1 MiB.
    public static func read(_ url: URL) throws(InputFileError) -> SourceFile {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw .unreadable(path: path, reason: "it is a directory, expected a YAML file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard data.count <= 1 << 20 else {
            throw .unreadable(path: path, reason: "larger than 1 MiB; a plan is a short text file")
        }
        return SourceFile(url: url, displayName: url.relativePath, bytes: data)
    }
}

/// A plan, profile or other input that could not be read at all.
public enum InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}
