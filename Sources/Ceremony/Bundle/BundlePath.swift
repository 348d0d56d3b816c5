import Foundation
import TrustMetadata

/// Paths inside an output directory, and the rules that keep them inside it.
package enum BundlePath {
    package static let publicFolder = "public"
    package static let backupFolder = "backup"
    /// Rehearsal shares and share cards: never carried online.
    package static let sharesFolder = "shares"
    package static let manifest = "manifest.json"
    package static let sums = "SHA256SUMS"
    package static let transcript = "transcript.jsonl"
    package static let plan = "plan.yaml"
    /// The site profile's exact bytes, when the ceremony used one.
    package static let profile = "profile.yaml"

    /// Reads a file of a bundle, bounded as metadata is (``BoundedFile``): never a FIFO or a
    /// device, never more than ``PathVerifier/maximumFileSize`` bytes.
    package static func read(_ url: URL) throws(BoundedFile.Failure) -> Data {
        Data(try BoundedFile.read(url.path, limit: PathVerifier.maximumFileSize, what: "a bundle file"))
    }

    /// `keys/<keyid>.pem`, relative to `public/`.
    package static func publicKey(keyID: String) -> String { "keys/\(keyID).pem" }

    /// `keys/<keyid>.crt.pem`, relative to `public/`.
    package static func certificate(keyID: String) -> String { "keys/\(keyID).crt.pem" }

    /// `metadata/<repository>/`, a GUN's slashes becoming folders, relative to `public/`.
    package static func metadataFolder(repository: String) -> String { "metadata/\(repository)" }

    /// A key ID usable as a file name: 1 to 128 letters, digits, `.`, `_`, `-`, not starting with `.`.
    package static func isSafeKeyID(_ keyID: String) -> Bool {
        !keyID.isEmpty && keyID.count <= 128 && keyID.first != "." &&
            keyID.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSetLite.isAlphanumeric($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// A relative path of plain parts: no leading `/`, no empty, `.` or `..` parts.
    package static func isSafeRelative(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), path.utf8.count <= 1024 else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && !part.contains("\0") && !part.contains("\n")
        }
    }

    /// Every regular file under `root`, as sorted relative paths with `/`.
    /// Symbolic links and other special files are reported as errors: an
    /// output directory holds only plain files and folders.
    static func regularFiles(under root: URL) throws -> [String] {
        var result: [String] = []
        func walk(_ url: URL, _ prefix: String) throws {
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            for name in names {
                let child = url.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : "\(prefix)/\(name)"
                let attributes = try FileManager.default.attributesOfItem(atPath: child.path)
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?: try walk(child, relative)
                case .typeRegular?: result.append(relative)
                default: throw BundleError.unexpectedFile(path: child.path)
                }
            }
        }
        try walk(root, "")
        return result.sorted()
    }
}
