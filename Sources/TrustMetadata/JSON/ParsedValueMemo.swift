import Foundation

/// Values already parsed during one verification, found again by their exact bytes.
///
/// The roots of a chain repeat `signed.keys` and `signed.roles` byte for byte from one
/// version to the next. ``JSONParser`` looks those two members up here before parsing them
/// and keeps what it parsed after. An object's parse depends only on its own bytes (the
/// parser stops at its closing brace, whatever follows), so where the input continues with
/// the exact bytes of a value kept here, parsing would give that value and stop at the same
/// byte. A repeat then costs a hash of its first bytes and a comparison, and every root
/// shares the one parsed value (storage included) and its canonical bytes, worked out once.
/// Only values that parsed without error are kept, so a hit never hides an error, and bytes
/// never seen are parsed exactly as without the table. Chains are read on several threads
/// at once (``ParallelWork``), so the table is behind a lock.
final class ParsedValueMemo: @unchecked Sendable {
    /// The member names looked up here, directly under the document's `signed`.
    static let members = ["keys", "roles"]

    /// How many leading bytes choose the candidates compared in full. A lookup hashes that
    /// many bytes of the rest of the input, so only values at least that long are kept
    /// (shorter ones cost little to parse).
    private static let prefixLength = 64
    /// The most values kept under one prefix, so that input made to share a prefix many
    /// times over costs a few comparisons per lookup, not one per value.
    private static let candidatesPerPrefix = 8

    private struct Kept {
        let bytes: [UInt8]
        let value: JSONValue
        /// The value's canonical bytes, when it has them (a decimal number has none).
        let canonical: [UInt8]?
    }

    private let lock = NSLock()
    private var kept: [Int: [Kept]] = [:]

    private static func bucket(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.prefix(prefixLength))))
        return hasher.finalize()
    }

    /// A value kept earlier whose bytes are how `input` begins, with their length and the
    /// value's canonical bytes.
    func value(atStartOf input: UnsafeBufferPointer<UInt8>) -> (value: JSONValue, length: Int, canonical: [UInt8]?)? {
        let bucket = Self.bucket(input)
        return lock.withLock {
            for candidate in kept[bucket] ?? [] where candidate.bytes.count <= input.count {
                let same = candidate.bytes.withUnsafeBytes { memcmp($0.baseAddress!, input.baseAddress!, $0.count) == 0 }
                if same { return (candidate.value, candidate.bytes.count, candidate.canonical) }
            }
            return nil
        }
    }

    /// Keeps `value`, parsed without error from exactly `bytes`, when it is an object or an
    /// array (whose closing bracket ends it: a number does not end where its digits stop in
    /// other input) of at least ``prefixLength`` bytes.
    func keep(_ value: JSONValue, parsedFrom bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= Self.prefixLength, bytes[0] == UInt8(ascii: "{") || bytes[0] == UInt8(ascii: "[") else { return }
        let bucket = Self.bucket(bytes)
        let entry = Kept(bytes: Array(bytes), value: value, canonical: try? CanonicalJSONEncoder.encode(value))
        lock.withLock {
            let known = kept[bucket] ?? []
            guard known.count < Self.candidatesPerPrefix, !known.contains(where: { $0.bytes == entry.bytes }) else { return }
            kept[bucket] = known + [entry]
        }
    }
}
