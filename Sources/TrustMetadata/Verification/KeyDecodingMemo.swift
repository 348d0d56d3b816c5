import Foundation

/// Key entries already decoded during one verification, shared by every ring made from them.
///
/// A root chain lists the same few keys in version after version; each key entry's ID
/// (SHA-256 of its canonical JSON) and material (PEM or hex decoded, the point or modulus
/// checked) depend only on the entry and the dialect, so they are worked out once per
/// distinct entry. Rings are made on several threads at once (``ParallelWork``), so the
/// table is behind a lock.
final class KeyDecodingMemo: @unchecked Sendable {
    /// What decoding one key entry gave.
    struct Decoded: Sendable {
        /// The key ID the entry hashes to.
        var keyID: String
        var material: Result<PublicKeyMaterial, KeyError>
        /// The TUF scheme, when the entry has a valid one.
        var scheme: SignatureScheme?
    }

    /// One key entry under the ID a file lists it by. Hashed by that ID alone (one run of
    /// 64 bytes, where hashing the entry would hash every member of it), compared whole.
    private struct Entry: Hashable {
        var dialect: Dialect
        var listedAs: String
        var key: MetadataKey

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.dialect == rhs.dialect && isSameText(lhs.listedAs, rhs.listedAs) && lhs.key == rhs.key
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(dialect)
            var id = listedAs
            id.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private let lock = NSLock()
    private var decoded: [Entry: Decoded] = [:]

    /// The decoded key, from the table or decoded now.
    ///
    /// - Parameter keyID: the ID the file lists the key under (only a way to find it again:
    ///   what is decoded depends on the entry alone).
    func decode(_ key: MetadataKey, listedAs keyID: String, dialect: Dialect) -> Decoded {
        let entry = Entry(dialect: dialect, listedAs: keyID, key: key)
        if let known = lock.withLock({ decoded[entry] }) { return known }
        let result = Self.decodeNow(key, dialect: dialect)
        lock.withLock { decoded[entry] = result }
        return result
    }

    /// Decodes a key entry without a table.
    static func decodeNow(_ key: MetadataKey, dialect: Dialect) -> Decoded {
        let material = Result { () throws(KeyError) in try key.material(dialect: dialect) }
        let scheme = dialect == .tuf ? try? key.tufScheme() : nil
        return Decoded(keyID: key.keyID, material: material, scheme: scheme)
    }
}
