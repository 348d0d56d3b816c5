import Foundation
import Testing
import TestSupport
@testable import Ceremony
import PKCS11

@Suite("Hash-chained transcript")
struct TranscriptTests {
    /// One record of every event type, in a plausible order.
    static let events: [TranscriptEvent] = [
        .ceremonyStart(.init(ceremony: .rootGeneration, dialect: .tuf, repositories: ["example"],
                             planDigest: String(repeating: "ab", count: 32), profileDigest: nil,
                             toolVersion: "0.1.0", rehearsal: true)),
        .stepStart(.init(step: 1, total: 3, actor: "Officer", text: "read the plan digest aloud")),
        .confirmation(.init(step: 1, by: "Wendy", statement: "the plan digest matches the reviewed plan")),
        .stepEnd(.init(step: 1, outcome: .completed)),
        .token(.init(holder: "Alice", key: "root-a", label: "root-a", serial: "5c1e0a7d3b9f2e41",
                     manufacturer: "SoftHSM project", model: "SoftHSM v2")),
        .keyGenerated(.init(holder: "Alice", key: "root-a", algorithm: .ecdsaP256, label: "root-a", ckaID: "01",
                            attributes: Self.attributes,
                            spkiPEM: "-----BEGIN PUBLIC KEY-----\nMFkw/+==\n-----END PUBLIC KEY-----\n",
                            keyIDs: ["4c5d"])),
        .certificate(.init(key: "root-a", keyID: "4c5d", repository: "example", pem: "-----BEGIN CERTIFICATE-----\n",
                           notBefore: "2026-11-25T12:00:00.000Z", notAfter: "2027-11-25T12:00:00.000Z")),
        .metadataDigest(.init(repository: "example", role: "root", version: 1, sha256: String(repeating: "cd", count: 32), length: 1234)),
        .signature(.init(holder: "Alice", key: "root-a", keyID: "4c5d", repository: "example", role: "root", signature: "3045")),
        .error(.init(step: 2, message: "token 'root-b' is not the planned token")),
    ]

    static var attributes: KeyAttributes {
        var attributes = KeyAttributes()
        attributes.token = true; attributes.private = true; attributes.sensitive = true
        attributes.extractable = false; attributes.neverExtractable = true
        return attributes
    }

    /// Writes `events` and a seal to a new transcript and returns its bytes.
    static func writeTranscript(in folder: TemporaryDirectory, seal: Bool = true) throws -> Data {
        let clock = SteppingClock()
        let url = folder.url.appendingPathComponent("transcript.jsonl")
        let writer = try TranscriptWriter(creatingAt: url, clock: clock.read)
        for event in events { try writer.append(event) }
        if seal { try writer.seal(outputs: ["plan.yaml": String(repeating: "0f", count: 32)]) }
        writer.close()
        return try Data(contentsOf: url)
    }

    static func lines(_ data: Data) -> [Data] {
        data.split(separator: 0x0A).map { Data($0) }
    }

    @Test("a written transcript verifies, and reads back as the same events")
    func roundTrip() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let data = try Self.writeTranscript(in: folder)
        let result = TranscriptVerifier.verify(data)
        #expect(result.isValid, "\(String(describing: result.problem))")
        #expect(result.isSealed)
        #expect(result.records.count == Self.events.count + 1)
        #expect(Array(result.records.map(\.event).prefix(Self.events.count)) == Self.events)
        #expect(result.records.map(\.seq) == Array(1...(Self.events.count + 1)))
        #expect(result.records[0].prev == TranscriptRecord.genesis)
        #expect(result.records[0].time == "2026-11-25T12:00:00.000Z")
    }

    @Test("records are flat, sorted-key JSON with the chain fields")
    func recordForm() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let first = try #require(Self.lines(try Self.writeTranscript(in: folder)).first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text == #"{"ceremony":"root-generation","dialect":"tuf","event":"ceremony-start","plan_digest":"\#(String(repeating: "ab", count: 32))","prev":"\#(TranscriptRecord.genesis)","rehearsal":true,"repositories":["example"],"seq":1,"time":"2026-11-25T12:00:00.000Z","tool_version":"0.1.0"}"#)
    }

    @Test("changing any single record breaks the chain", arguments: 0..<(TranscriptTests.events.count + 1))
    func changeEachRecord(index: Int) throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        var lines = Self.lines(try Self.writeTranscript(in: folder))
        // A change that keeps the line valid, canonical JSON: one millisecond later.
        let text = String(decoding: lines[index], as: UTF8.self)
        let changed = text.replacingOccurrences(of: ".000Z\"", with: ".001Z\"")
        #expect(changed != text)
        lines[index] = Data(changed.utf8)
        let data = Data(lines.map { $0 + Data([0x0A]) }.joined())
        let result = TranscriptVerifier.verify(data)
        #expect(!result.isValid)
        if index == lines.count - 1 {
            #expect(result.problem?.kind == .sealMismatch)
            #expect(result.problem?.line == index + 1)
        } else {
            #expect(result.problem?.kind == .prevMismatch)
            #expect(result.problem?.line == index + 2)
        }
    }

    @Test("changing a value, not just a time, breaks it too")
    func changeValue() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let data = try Self.writeTranscript(in: folder)
        let changed = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"by\":\"Wendy\"", with: "\"by\":\"Mallory\"")
        let result = TranscriptVerifier.verify(Data(changed.utf8))
        #expect(result.problem?.kind == .prevMismatch)
        #expect(result.problem?.line == 4)
    }

    @Test("removing any record breaks the chain", arguments: 0..<(TranscriptTests.events.count + 1))
    func removeEachRecord(index: Int) throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        var lines = Self.lines(try Self.writeTranscript(in: folder))
        let last = lines.count - 1
        lines.remove(at: index)
        let result = TranscriptVerifier.verify(Data(lines.map { $0 + Data([0x0A]) }.joined()))
        #expect(!result.isValid)
        #expect(result.problem?.kind == (index == last ? .missingSeal : .sequenceGap))
    }

    @Test("swapping two records breaks the chain")
    func swapRecords() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        var lines = Self.lines(try Self.writeTranscript(in: folder))
        lines.swapAt(2, 3)
        let result = TranscriptVerifier.verify(Data(lines.map { $0 + Data([0x0A]) }.joined()))
        #expect(result.problem?.kind == .sequenceGap)
        #expect(result.problem?.line == 3)
    }

    @Test("malformed lines, truncation and records after the seal are reported")
    func malformed() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let data = try Self.writeTranscript(in: folder)
        var lines = Self.lines(data)

        let truncated = data.prefix(data.count - 5)
        #expect(TranscriptVerifier.verify(truncated).problem?.kind == .malformedLine)

        var garbage = lines
        garbage[3] = Data("not json".utf8)
        let garbageResult = TranscriptVerifier.verify(Data(garbage.map { $0 + Data([0x0A]) }.joined()))
        #expect(garbageResult.problem?.kind == .malformedLine)
        #expect(garbageResult.problem?.line == 4)

        var spaced = lines
        spaced[3] = Data(String(decoding: lines[3], as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        #expect(TranscriptVerifier.verify(Data(spaced.map { $0 + Data([0x0A]) }.joined())).problem?.kind == .malformedLine)

        lines.append(lines[1])
        let after = TranscriptVerifier.verify(Data(lines.map { $0 + Data([0x0A]) }.joined()))
        #expect(after.problem?.kind == .recordAfterSeal)

        #expect(TranscriptVerifier.verify(Data()).problem?.kind == .missingSeal)
    }

    @Test("an unsealed transcript fails unless a seal is not required")
    func unsealed() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let data = try Self.writeTranscript(in: folder, seal: false)
        #expect(TranscriptVerifier.verify(data).problem?.kind == .missingSeal)
        #expect(TranscriptVerifier.verify(data, requireSeal: false).isValid)
    }

    @Test("the writer refuses to append after the seal, and never overwrites a file")
    func writerRules() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("t.jsonl")
        let writer = try TranscriptWriter(creatingAt: url)
        try writer.append(Self.events[0])
        try writer.seal(outputs: [:])
        #expect(throws: TranscriptWriteError.sealed) { try writer.append(Self.events[1]) }
        #expect(throws: FileError.self) { _ = try TranscriptWriter(creatingAt: url) }
    }
}
