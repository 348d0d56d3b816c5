import Foundation
import TrustMetadata

/// A notary-server's snapshot and timestamp public keys, carried as files from the online side
/// (`keyceremony-online notary-keys` writes them) to a rehearsal (`keyceremony rehearse
/// --online-keys DIR` reads them), so that the executable run in the room needs no network code.
///
/// The folder holds `snapshot.key.json` and `timestamp.key.json`, each the exact body notary-server
/// answered to `GET /v2/<GUN>/_trust/tuf/<role>.key` (a Notary key in JSON, as notary 0.7's
/// `notary key list` trusts it). Nothing else in the folder is read.
package enum NotaryServerKeys {
    /// The roles whose keys notary-server holds.
    package static let roles = ["snapshot", "timestamp"]

    /// `snapshot.key.json`, `timestamp.key.json`.
    package static func fileName(_ role: String) -> String { "\(role).key.json" }

    /// A key file missing, unreadable or not a Notary public key, in words.
    package struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        package var description: String
        /// True when the server's answer was wrong (not a key), false for a local file problem.
        package var fromServer = false
    }

    /// Reads both key files from `directory` and checks each is a Notary public key.
    ///
    /// - Returns: role → the file's exact bytes.
    /// - Throws: ``Failure`` naming the file, for a file missing, not a regular file, larger than
    ///   ``SourceFile/maximumSize``, or not a Notary key.
    package static func read(from directory: URL) throws(Failure) -> [String: Data] {
        var keys: [String: Data] = [:]
        for role in roles {
            let url = directory.appendingPathComponent(fileName(role))
            let file: SourceFile
            do {
                file = try SourceFile.read(url)
            } catch {
                throw Failure(description: "the \(role) key from notary-server: \(error); write the folder with 'keyceremony-online notary-keys --out \(directory.path)'")
            }
            try check(file.bytes, role: role, source: url.path)
            keys[role] = file.bytes
        }
        return keys
    }

    /// Writes the keys into `directory`, made if missing, never over an existing file.
    ///
    /// - Parameter keys: role → the key JSON notary-server answered; each is checked first.
    /// - Returns: the files written, in ``roles`` order.
    /// - Throws: ``Failure`` for a key that is not a Notary public key (nothing is written), or a
    ///   file that cannot be created.
    package static func write(_ keys: [String: Data], to directory: URL) throws(Failure) -> [URL] {
        for role in roles {
            guard let key = keys[role] else { throw Failure(description: "notary-server gave no \(role) key", fromServer: true) }
            do {
                try check(key, role: role, source: "notary-server's answer")
            } catch {
                throw Failure(description: error.description, fromServer: true)
            }
        }
        for role in roles where FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName(role)).path) {
            throw Failure(description: "\(directory.appendingPathComponent(fileName(role)).path) exists; keys are never written over a file")
        }
        var written: [URL] = []
        do {
            try SafeFile.makeDirectories(directory)
            for role in roles {
                let url = directory.appendingPathComponent(fileName(role))
                try SafeFile.create(url, contents: keys[role]!)
                written.append(url)
            }
        } catch {
            throw Failure(description: "\(error)")
        }
        return written
    }

    private static func check(_ bytes: Data, role: String, source: String) throws(Failure) {
        do {
            _ = try MetadataKey.importKey(Array(bytes), dialect: .notary)
        } catch {
            throw Failure(description: "\(source): the \(role) key is not a Notary public key: \(error)")
        }
    }
}
