import PKCS11
import SLIP39

/// The time between two ``TimingMark``s and how it divides: time inside PKCS#11 calls (the
/// token's), time in the SLIP-39 KDF, and the rest — the tool's own overhead.
///
/// Encoded as JSON with every duration in nanoseconds of the monotonic clock:
/// `{"wall_ns", "token_ns", "token_calls", "kdf_ns", "kdf_rounds", "overhead_ns", "flush_ns",
/// "flushes", "functions": {"C_Sign": {"count", "ns"}, …}}`. `overhead_ns` = wall − token − KDF
/// (never below 0 in practice: the token and KDF time are measured inside the wall time);
/// `flush_ns` is the part of the overhead spent in `fsync(2)`, waiting for the disk.
package struct TimingSpan: Sendable, Encodable {
    /// Wall time from the first mark to the second, in nanoseconds.
    package var wallNanoseconds: UInt64
    /// PKCS#11 calls made in between, by function name (calls that did not happen are left out).
    package var calls: [String: PKCS11CallTime]
    /// SLIP-39 KDF round functions run in between.
    package var kdf: KDFTimes.Tally
    /// The tool's own `fsync(2)` calls in between (part of the overhead).
    package var flushes: FlushTimes.Tally

    package init(from start: TimingMark, to end: TimingMark) {
        wallNanoseconds = Self.nanoseconds(start.instant.duration(to: end.instant))
        var calls: [String: PKCS11CallTime] = [:]
        for (function, after) in end.calls {
            let before = start.calls[function] ?? PKCS11CallTime()
            guard after.count > before.count else { continue }
            calls[function] = PKCS11CallTime(count: after.count - before.count, nanoseconds: after.nanoseconds - before.nanoseconds)
        }
        self.calls = calls
        kdf = KDFTimes.Tally(count: end.kdf.count - start.kdf.count, nanoseconds: end.kdf.nanoseconds - start.kdf.nanoseconds)
        flushes = FlushTimes.Tally(count: end.flushes.count - start.flushes.count, nanoseconds: end.flushes.nanoseconds - start.flushes.nanoseconds)
    }

    /// Total time inside PKCS#11 calls, in nanoseconds.
    package var tokenNanoseconds: UInt64 { calls.values.reduce(0) { $0 + $1.nanoseconds } }
    /// Number of PKCS#11 calls.
    package var tokenCalls: Int { calls.values.reduce(0) { $0 + $1.count } }
    /// Wall − token − KDF, in nanoseconds.
    package var overheadNanoseconds: Int64 { Int64(wallNanoseconds) - Int64(tokenNanoseconds) - Int64(kdf.nanoseconds) }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    private enum CodingKeys: String, CodingKey {
        case wall = "wall_ns", token = "token_ns", tokenCalls = "token_calls", kdf = "kdf_ns", kdfRounds = "kdf_rounds"
        case overhead = "overhead_ns", flush = "flush_ns", flushes, functions
    }

    private struct FunctionTime: Encodable {
        var count: Int
        var ns: UInt64
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(wallNanoseconds, forKey: .wall)
        try container.encode(tokenNanoseconds, forKey: .token)
        try container.encode(tokenCalls, forKey: .tokenCalls)
        try container.encode(kdf.nanoseconds, forKey: .kdf)
        try container.encode(kdf.count, forKey: .kdfRounds)
        try container.encode(overheadNanoseconds, forKey: .overhead)
        try container.encode(flushes.nanoseconds, forKey: .flush)
        try container.encode(flushes.count, forKey: .flushes)
        try container.encode(calls.mapValues { FunctionTime(count: $0.count, ns: $0.nanoseconds) }, forKey: .functions)
    }
}
