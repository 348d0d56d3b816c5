import Foundation

/// What `keyceremony rehearse --timings FILE` writes: how a whole rehearsed lifecycle's wall time
/// divides between the tokens (every PKCS#11 call, timed in the token layer), the SLIP-39 KDF
/// (the PBKDF2 round functions of SLIP-0039's Feistel cipher) and the tool's own overhead.
///
/// JSON (schema 1), every duration in nanoseconds of the monotonic clock, each span as
/// ``TimingSpan`` encodes it:
/// `{"schema": 1, "total": span, "overhead_per_token": 0.42, "prepare": span,
///   "stages": [{"name", "total", "planning", "ceremony", "verification"}]}`.
/// `total` runs from the start of the command's work (after its arguments are read) to the
/// moment the file is written, so it includes making the tokens and online keys (`prepare`),
/// every stage and the printed summary, but not process start-up. A rehearsal starts no other
/// process and talks to no peer, so there is no external wait to report.
///
/// Only function names, counts and durations are recorded: no PIN, key, path or metadata. The
/// file is never part of a bundle and nothing in a transcript depends on it.
package struct RehearsalTimings: Sendable, Encodable {
    package var total: TimingSpan
    package var prepare: TimingSpan
    package var stages: [StageTiming]

    package init(total: TimingSpan, prepare: TimingSpan, stages: [StageTiming]) {
        self.total = total
        self.prepare = prepare
        self.stages = stages
    }

    /// Overhead divided by token time (issue 11's goal: at most 0.5); nil when no token time was spent.
    package var overheadPerToken: Double? {
        total.tokenNanoseconds == 0 ? nil : Double(total.overheadNanoseconds) / Double(total.tokenNanoseconds)
    }

    private enum CodingKeys: String, CodingKey {
        case schema, total, overheadPerToken = "overhead_per_token", prepare, stages
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(1, forKey: .schema)
        try container.encode(total, forKey: .total)
        try container.encode(overheadPerToken, forKey: .overheadPerToken)
        try container.encode(prepare, forKey: .prepare)
        try container.encode(stages, forKey: .stages)
    }

    /// The JSON document, pretty-printed with sorted keys, ending in a newline.
    package func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
