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
        let target = url.resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        // A FIFO or a device such as /dev/zero would block or never end; only regular files are read.
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            let kind = attributes[.type] as? FileAttributeType == .typeDirectory ? "a directory" : "not a regular file"
            throw .unreadable(path: path, reason: "it is \(kind), expected a regular file")
        }
        let limit = 1 << 20
        guard let handle = FileHandle(forReadingAtPath: target) else {
            throw .unreadable(path: path, reason: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard data.count <= limit else {
            throw .unreadable(path: path, reason: "larger than 1 MiB; plans, profiles and key files are short text files")
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
