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

    @Test("integers beyond 64 bits are kept exactly, never rounded or refused as malformed", arguments: [
        "9223372036854775808", "18446744073709551616", "-9223372036854775809", "100000000000000000000000000000000000000000",
    ])
    func largeIntegers(text: String) throws {
        #expect(try JSONParser.parse(text) == .bigInteger(text))
        #expect(try CanonicalJSONEncoder.encode(JSONParser.parse("[\(text)]")) == Array("[\(text)]".utf8))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(.min))
        #expect(try JSONParser.parse("9223372036854775807") == .integer(.max))
    }

    @Test("a field this tool must read as Int64 names the limit and its value")
    func integerLimit() throws {
        let text = #"{"_type":"root","spec_version":"1.0.31","version":18446744073709551616,"expires":"2030-01-01T00:00:00Z","keys":{},"roles":{}}"#
        guard case .object(let signed) = try JSONParser.parse(text) else { Issue.record("not an object"); return }
        #expect(throws: MetadataError.invalidField(path: "signed.version", reason:
            "the integer 18446744073709551616 is over this tool's limit for version (-9223372036854775808 to 9223372036854775807)")) {
            try RootMetadata(signed: signed)
        }
    }

    @Test("nesting past the depth limit is reported as a limit with its value, not as malformed JSON")
    func depthLimitIsALimit() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("parsed")
        } catch {
            #expect(error.isLimit)
            #expect(error.description == "JSON at byte 128 is over this tool's limit: nesting deeper than 128 levels")
        }
    }

    @Test("member names are compared as bytes: NFC and NFD are two members, a byte duplicate is refused", arguments: [
        ("caf\u{E9}", "cafe\u{301}"), ("\u{212A}", "K"), ("\u{C5}", "A\u{30A}"), ("\u{1E69}", "s\u{323}\u{307}"),
    ])
    func unicodeMemberNames(first: String, second: String) throws {
        #expect(first == second)  // Swift's String == calls them equal ...
        let text = "{\"\(first)\":1,\"\(second)\":2}"
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.count == 2)  // ... the protocols do not.
        #expect(object[first] == .integer(1) && object[second] == .integer(2))
        #expect(try CanonicalJSONEncoder.encode(.object(object)).count == Array(text.utf8).count)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\"\(first)\":1,\"\(first)\":2}") }
        // Values too: documents that differ only in normalization are different documents.
        #expect(JSONValue.string(first) != JSONValue.string(second))
        #expect(JSONValue.object([first: .null]) != JSONValue.object([second: .null]))
        #expect(Set([JSONValue.string(first), JSONValue.string(second)]).count == 2)
    }

    @Test("key IDs or role names that differ only in normalization are refused, not merged")
    func normalizationCollisionInMaps() throws {
        let text = #"{"_type":"root","spec_version":"1.0.31","version":1,"expires":"2030-01-01T00:00:00Z","keys":{},"roles":{"caf\#u{E9}":{"keyids":[],"threshold":1},"cafe\#u{301}":{"keyids":[],"threshold":1}}}"#
        guard case .object(let signed) = try JSONParser.parse(text) else { Issue.record("not an object"); return }
        #expect(throws: MetadataError.self) { try RootMetadata(signed: signed) }
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
