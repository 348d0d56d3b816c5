import Foundation
import PKCS11
import TrustMetadata

/// The PINs of rehearsal tokens, written by `keyceremony rehearsal tokens` and read by
/// `--rehearsal --pins FILE`.
///
/// This is the one place a PIN may live in a file, and only for throwaway SoftHSM2 tokens: the
/// file must be mode 0600 and owned by the user, or it is refused.
package struct RehearsalPINFile: Codable, Sendable {
    package struct Entry: Codable, Sendable {
        package let userPIN: String
        package let soPIN: String
        enum CodingKeys: String, CodingKey { case userPIN = "user_pin", soPIN = "so_pin" }
    }

    package let rehearsal: Bool
    package var tokens: [String: Entry]
    /// A rehearsal backup's SLIP-39 passphrase (`protection: passphrase`), if one is rehearsed.
    package var slip39Passphrase: String?

    enum CodingKeys: String, CodingKey {
        case rehearsal, tokens
        case slip39Passphrase = "slip39_passphrase"
    }

    package enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String)
        case tooOpen(path: String, mode: Int)
        case malformed(path: String)
        case notRehearsal(path: String)
        case noEntry(path: String, token: String)

        package var description: String {
            switch self {
            case let .unreadable(path): return "cannot read the rehearsal PIN file '\(path)'"
            case let .tooOpen(path, mode): return "the rehearsal PIN file '\(path)' has mode \(String(mode, radix: 8)); it must be 600"
            case let .malformed(path): return "the rehearsal PIN file '\(path)' is not a PIN file written by 'keyceremony rehearsal tokens'"
            case let .notRehearsal(path): return "'\(path)' is not marked as a rehearsal PIN file"
            case let .noEntry(path, token): return "the rehearsal PIN file '\(path)' has no PIN for token '\(token)'"
            }
        }
    }

    package init(tokens: [String: Entry]) {
        rehearsal = true
        self.tokens = tokens
    }

    package static func load(_ path: String) throws(Failure) -> RehearsalPINFile {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue,
              let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard mode & 0o077 == 0 else { throw .tooOpen(path: path, mode: mode) }
        guard let file = try? JSONDecoder().decode(RehearsalPINFile.self, from: data) else { throw .malformed(path: path) }
        guard file.rehearsal else { throw .notRehearsal(path: path) }
        // JSONDecoder merges labels that are only canonically equivalent (NFC/NFD); read the
        // names as bytes and refuse such a pair rather than hand one token the other's PIN.
        guard case .object(let top)? = try? JSONParser.parse(Array(data)),
              let names = top["tokens"]?.objectValue?.names,
              Set(names.map(ExactText.init)).count == Set(names).count else { throw .malformed(path: path) }
        return file
    }

    package func userPIN(for token: String, path: String) throws(Failure) -> SecretBytes {
        // Labels match as bytes, as the token compares them.
        guard let entry = tokens.first(where: { isSameText($0.key, token) })?.value else {
            throw .noEntry(path: path, token: token)
        }
        return SecretBytes(utf8: entry.userPIN)
    }

    /// Writes the file with mode 0600 from the start; it is never world-readable, even briefly.
    package func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw CocoaError(.fileWriteUnknown) }
    }
}
