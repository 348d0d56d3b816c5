import Foundation
import PKCS11
import TrustMetadata

/// `backup/<key id>.wrapped.json`: one root key, wrapped on its token under the ceremony's
/// backup key with `CKM_AES_KEY_WRAP_PAD` (RFC 5649). It stays in the vault, never online.
///
/// The file holds no secret in the clear: the wrapped blob needs the backup key, which exists
/// only as SLIP-39 shares. `backupKeyCheck` (``BackupKeyCheck``) lets a recovery tell that the
/// shares it combined give the right key before anything touches a token.
package struct WrappedKeyFile: Sendable, Equatable, Codable {
    package static let type = "keyceremony-wrapped-key"

    package struct SourceToken: Sendable, Equatable, Codable {
        package var label: String
        package var serial: String
        package var manufacturer: String
        package var model: String
    }

    package var type: String = WrappedKeyFile.type
    package var version: Int = 1
    /// Whether a rehearsal made it (rehearsal backups restore onto rehearsal tokens only).
    package var rehearsal: Bool
    /// The plan's key name and its holder.
    package var key: String
    package var holder: String
    /// The key's ID as the file is named (TUF key ID of the public key; Notary's `ecdsa` key ID).
    package var keyID: String
    package var algorithm: KeyAlgorithm
    /// PEM `PUBLIC KEY` (SubjectPublicKeyInfo) of the key.
    package var publicKey: String
    /// `CKA_ID` (hex) on the source token.
    package var ckaID: String
    package var sourceToken: SourceToken
    /// `aes-key-wrap-pad` (``WrapMechanism``).
    package var mechanism: WrapMechanism
    /// The wrapped private key, base64.
    package var wrappedKey: String
    /// The SLIP-39 share set identifier of the shares that hold the backup key.
    package var shareSet: Int
    package var backupKeyCheck: String
    /// Whether the shares need a SLIP-39 passphrase as well.
    package var passphrase: Bool
    /// The plan digest of the ceremony that made it.
    package var ceremonyPlanSHA256: String

    enum CodingKeys: String, CodingKey {
        case type, version, rehearsal, key, holder, algorithm, mechanism, passphrase
        case keyID = "key_id", publicKey = "public_key", ckaID = "cka_id", sourceToken = "source_token",
             wrappedKey = "wrapped_key", shareSet = "share_set", backupKeyCheck = "backup_key_check",
             ceremonyPlanSHA256 = "ceremony_plan_sha256"
    }

    /// The file's name inside `backup/`.
    package var fileName: String { "\(keyID).wrapped.json" }

    /// The wrapped bytes, or nil when the base64 is damaged.
    package var wrappedBytes: [UInt8]? { Data(base64Encoded: wrappedKey).map { Array($0) } }
}

/// The `backup/` folder of a ceremony: its wrapped key files, read strictly.
package enum BackupFolder {
    package struct Entry: Sendable {
        package var file: WrappedKeyFile
        /// `backup/<name>`, as the transcript names it.
        package var path: String
        package var sha256: String
    }

    package enum Failure: Error, CustomStringConvertible {
        case noFolder(String)
        case unreadable(path: String, reason: String)

        package var description: String {
            switch self {
            case let .noFolder(path): return "\(path) holds no backup/ folder with wrapped key files"
            case let .unreadable(path, reason): return "backup file \(path) cannot be used: \(reason)"
            }
        }
    }

    /// Reads every `*.wrapped.json` under `location` (a ceremony's output directory or its
    /// `backup/` folder itself).
    ///
    /// - Throws: ``Failure`` for a missing folder or any file that is not a wrapped key file.
    package static func read(_ location: URL) throws(Failure) -> [Entry] {
        var folder = location
        if FileManager.default.fileExists(atPath: location.appendingPathComponent(BundlePath.backupFolder).path) {
            folder = location.appendingPathComponent(BundlePath.backupFolder)
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw .noFolder(location.path)
        }
        var entries: [Entry] = []
        for name in names.sorted() where name.hasSuffix(".wrapped.json") {
            let url = folder.appendingPathComponent(name)
            let data: Data
            do { data = try BundlePath.read(url) } catch { throw .unreadable(path: url.path, reason: "\(error)") }
            guard let file = try? JSONDecoder().decode(WrappedKeyFile.self, from: data), file.type == WrappedKeyFile.type,
                  file.version == 1, file.wrappedBytes != nil else {
                throw .unreadable(path: url.path, reason: "it is not a version 1 keyceremony wrapped key file")
            }
            guard file.fileName == name else {
                throw .unreadable(path: url.path, reason: "its key ID \(file.keyID) does not match its name")
            }
            entries.append(Entry(file: file, path: "\(BundlePath.backupFolder)/\(name)", sha256: ByteEncoding.sha256Hex(data)))
        }
        guard !entries.isEmpty else { throw .noFolder(location.path) }
        return entries
    }
}
