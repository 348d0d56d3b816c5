import Foundation

/// One line of a transcript: a sequence number, a time, the digest of the
/// previous line, and the event.
///
/// In JSON the event's fields sit beside `seq`, `time`, `prev` and `event`
/// in one flat object with sorted keys, so the same record always encodes
/// to the same bytes.
package struct TranscriptRecord: Sendable, Equatable {
    /// `prev` of the first record: 64 zeros.
    package static let genesis = String(repeating: "0", count: 64)

    /// 1 for the first record, then consecutive.
    package var seq: Int
    /// UTC, RFC 3339 with milliseconds.
    package var time: String
    /// SHA-256 hex of the previous record's exact line bytes, without its newline.
    package var prev: String
    package var event: TranscriptEvent

    package init(seq: Int, time: String, prev: String, event: TranscriptEvent) {
        self.seq = seq
        self.time = time
        self.prev = prev
        self.event = event
    }

    /// The record's line: deterministic JSON, no newline.
    package func line() throws -> Data {
        try TranscriptRecord.encoder.encode(self)
    }

    /// Decodes one line; throws on anything that is not exactly a record.
    package static func decode(line: Data) throws -> TranscriptRecord {
        try JSONDecoder().decode(TranscriptRecord.self, from: line)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension TranscriptRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case seq, time, prev, event
    }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.decode(Int.self, forKey: .seq)
        time = try container.decode(String.self, forKey: .time)
        prev = try container.decode(String.self, forKey: .prev)
        let type = try container.decode(String.self, forKey: .event)
        guard let event = try TranscriptEvent.decodePayload(type: type, from: decoder) else {
            throw DecodingError.dataCorruptedError(forKey: .event, in: container,
                                                   debugDescription: "unknown event '\(type)'")
        }
        self.event = event
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(time, forKey: .time)
        try container.encode(prev, forKey: .prev)
        try container.encode(event.type, forKey: .event)
        try event.encodePayload(to: encoder)
    }
}
