import Foundation

/// Key rings already made during one chain's verification, found again by the canonical
/// bytes of the `keys` and `roles` they were made from.
///
/// A root's ring (every key ID recomputed, every key decoded and checked, the keys some role
/// lists marked) depends only on the root's `keys` and `roles`, its dialect, and the
/// verification's options, all fixed for the chain. Roots that repeat both members byte for
/// byte (``ParsedValueMemo`` finds them, with their canonical bytes) therefore share one ring.
/// Only rings made without a finding are kept: a finding names its file, so a root whose
/// ring has something to report makes its own. Chains are read on several threads at once,
/// so the table is behind a lock.
final class KeyRingMemo: @unchecked Sendable {
    /// What a ring is made from: the dialect and the canonical bytes of `keys` and `roles`.
    struct Source: Hashable, Sendable {
        var dialect: Dialect
        var keys: [UInt8]
        var roles: [UInt8]

        /// The source of `file`'s ring, when the canonical bytes of both members are known.
        init?(_ file: ParsedFile, dialect: Dialect) {
            guard let keys = file.knownCanonical.first(where: { isSameText($0.name, "keys") }),
                  let roles = file.knownCanonical.first(where: { isSameText($0.name, "roles") }) else { return nil }
            (self.dialect, self.keys, self.roles) = (dialect, keys.canonical, roles.canonical)
        }

        func hash(into hasher: inout Hasher) {
            // Lengths and first bytes choose the bucket; equality compares the whole (arrays
            // shared from the parsed-value table compare by identity first).
            hasher.combine(dialect)
            hasher.combine(keys.count)
            hasher.combine(roles.count)
            keys.prefix(64).withUnsafeBytes { hasher.combine(bytes: $0) }
            roles.prefix(64).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    private let lock = NSLock()
    private var rings: [Source: KeyRing] = [:]

    /// The ring made earlier from `source`, if any.
    func ring(for source: Source) -> KeyRing? {
        lock.withLock { rings[source] }
    }

    /// Keeps `ring`, made from `source` without a finding.
    func keep(_ ring: KeyRing, for source: Source) {
        lock.withLock { rings[source] = ring }
    }
}
