import Foundation
import TrustMetadata

/// An input file's exact bytes and their digest.
///
/// The bytes are what was reviewed: they are hashed as read, copied verbatim
/// into the bundle, and never re-serialised.
package struct SourceFile: Sendable, Equatable {
    package var url: URL
    /// The name used in messages, as the officer typed it.
    package var displayName: String
    package var bytes: Data
    package var digest: PlanDigest

    package init(url: URL, displayName: String, bytes: Data) {
        self.url = url
        self.displayName = displayName
        self.bytes = bytes
        self.digest = PlanDigest(of: bytes)
    }

    /// The folder relative paths in the file are resolved against.
    package var directory: URL { url.deletingLastPathComponent() }

    /// The largest plan, profile or key file read: they are short text files.
    package static let maximumSize = 1 << 20

    /// Reads `url`, refusing anything but a regular file of at most ``maximumSize`` bytes.
    package static func read(_ url: URL) throws(InputFileError) -> SourceFile {
        do {
            let bytes = try BoundedFile.read(url.path, limit: maximumSize, what: "an input file")
            return SourceFile(url: url, displayName: url.relativePath, bytes: Data(bytes))
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
    }
}

/// A plan, profile or other input that could not be read at all.
package enum InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}
