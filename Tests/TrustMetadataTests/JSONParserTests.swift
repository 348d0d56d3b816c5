import Testing
import TestSupport
@testable import TrustMetadata

@Suite("JSON parser: strict, bounded, offsets for errors")
struct JSONParserTests {
    @Test("errors carry the byte offset", arguments: [
        (#"{"a":1,}"#, 7),
        (#"{"a" 1}"#, 5),
        ("[1,2", 4),
        (#"{"a":tru}"#, 5),
        ("  x", 2),
        (#"["\x"]"#, 2),
        ("[01]", 1),
        (#"{"a":1,"a":2}"#, 7),
        ("[1] [2]", 4),
        ("\"abc", 0),
        (#"["\ud800"]"#, 2),
        ("", 0),
    ])
    func offsets(_ input: String, _ offset: Int) {
        do {
            _ = try JSONParser.parse(input)
            Issue.record("parsed malformed input \(input)")
        } catch {
            #expect(error.offset == offset, "\(input): \(error)")
        }
    }

    @Test("control characters and invalid UTF-8 inside strings are refused")
    func strings() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0x0A, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    @Test("nesting is capped instead of exhausting the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let deepObject = String(repeating: #"{"a":"#, count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deepObject) }
        let fine = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    @Test("integers out of range are errors, not rounded")
    func largeIntegers() throws {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("9223372036854775808") }
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(.min))
    }

    @Test("unknown fields survive a parse/encode round trip")
    func unknownFields() throws {
        let text = #"{"signed":{"_type":"root","x-custom":{"n":[1,2]},"version":1},"signatures":[]}"#
        let file = try SignedMetadata(bytes: Array(text.utf8))
        #expect(file.signed["x-custom"] == .object(["n": .array([.integer(1), .integer(2)])]))
    }

    @Test("truncations and byte flips of real metadata never crash the parser or the verifier")
    func fuzz() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.path("fixtures/notary/repository/root.json"))))
        var generator = SplitMix64(seed: 0x5EED)
        let verifier = RootVerifier(options: VerificationOptions(at: TestTimes.verificationTime))
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            _ = try? JSONParser.parse(Array(bytes[..<length]))
        }
        for _ in 0..<1_500 {
            var mutated = bytes
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let index = Int(generator.next() % UInt64(mutated.count))
                mutated[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = verifier.verifySelfSigned(MetadataFile(name: "fuzz", bytes: mutated))
        }
        for _ in 0..<1_500 {
            let random = (0..<Int(generator.next() % 64)).map { _ in Self.alphabet[Int(generator.next() % UInt64(Self.alphabet.count))] }
            _ = try? JSONParser.parse(random)
        }
    }

    static let alphabet: [UInt8] = Array(#"{}[]",:0123456789-+.eE\u"truefalsn \#n"#.utf8) + [0x00, 0xFF, 0xC3, 0xA9]
}

/// A small deterministic generator so fuzz cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
