import Foundation
import Testing
import TestSupport
@testable import TrustMetadata

/// The verifier reads `signed.targets` straight from the bytes (``CanonicalMemberTable``);
/// these tests hold it to the tree reader: the same value, the same canonical bytes, the same
/// errors and the same findings, on documents inside the table's subset and just outside it.
struct TargetsTableTests {
    /// A metadata file around a `targets` value given as text.
    static func file(targets: String, extra: String = "") -> [UInt8] {
        Array(#"{"signatures":[],"signed":{"_type":"targets","expires":"2036-01-01T00:00:00Z","spec_version":"1.0.31","targets":\#(targets),"version":1\#(extra)}}"#.utf8)
    }

    /// Parses both ways and checks they agree; returns whether the table was used.
    @discardableResult
    static func agree(_ document: [UInt8], _ name: String) -> Bool {
        let tree = Result { try JSONParser.parse(document) }
        let deferred = Result { try JSONParser.parseDeferringTargets(document) }
        switch (tree, deferred) {
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)", "\(name): errors differ")
            return false
        case (.success(let full), .success(let document)):
            let value = document.value
            guard let table = document.targets else {
                #expect(full == value, "\(name): without a table the trees must be equal")
                return false
            }
            guard var signed = value.objectValue?["signed"]?.objectValue, let fullSigned = full.objectValue?["signed"]?.objectValue else {
                Issue.record("\(name): a table was made outside signed")
                return true
            }
            #expect(signed["targets"] == .object(JSONObject()), "\(name): the tree holds {} in the table's place")
            let substituted = try? CanonicalJSONEncoder.encode(signed, substituting: document.knownCanonical, reservingCapacity: 0)
            let reference = try? CanonicalJSONEncoder.encode(.object(fullSigned))
            #expect(substituted != nil && substituted == reference, "\(name): canonical bytes differ")
            signed["targets"] = .object(table.object)
            #expect(signed == fullSigned, "\(name): values differ")
            return true
        default:
            Issue.record("\(name): one reader refused and the other did not: \(tree) / \(deferred)")
            return false
        }
    }

    @Test("documents in the table's subset read to the same value and canonical bytes; those outside fall back")
    func subsetAndFallback() throws {
        var generator = SplitMix64(seed: 0x7A_B1E5)
        var used = 0
        for i in 0..<400 {
            var writer = PlainJSONWriter(generator: generator)
            writer.object(depth: 1 + Int(writer.random(4)))
            generator = writer.generator
            let plain = writer.output
            if Self.agree(Self.file(targets: String(decoding: plain, as: UTF8.self)), "plain document \(i)") { used += 1 }
        }
        #expect(used == 400, "every plain document is read as a table (\(used))")

        // Just outside the subset: each is read by the parser instead, with the same result or error.
        let outside = [
            #"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, #"{"a\"":1}"#, #"{"a":"\u0041"}"#, #"{"é":1}"#, #"{"a":"é"}"#,
            #"{"a":-0}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":01}"#, #"{"a":[1,]}"#, #"{"a":1,}"#, #"{"a":tru}"#,
            #"{"a":{"y":1,"x":2}}"#, #"{"a":"tab\there"}"#, #"{"a":1"#, "[1,2]", #""text""#, "{}",
            #"{"a":\#(String(repeating: "[", count: 200))1\#(String(repeating: "]", count: 200))}"#,
            #"{"a":\#(String(repeating: "[", count: 125))1\#(String(repeating: "]", count: 125))}"#,
            #"{"a":\#(String(repeating: "[", count: 126))1\#(String(repeating: "]", count: 126))}"#,
            #"{"a":99999999999999999999999,"b":-9223372036854775808,"c":-99999999999999999999}"#,
        ]
        for text in outside { Self.agree(Self.file(targets: text), "outside: \(text)") }
        // A second `targets`, a `targets` outside `signed`, and `signed` that is not first.
        Self.agree(Self.file(targets: #"{"a":1}"#, extra: #","targets":{}"#), "duplicate targets")
        Self.agree(Array(#"{"targets":{"a":1},"signed":{"x":{"targets":{"b":2}}}}"#.utf8), "targets elsewhere")
        #expect(Self.agree(Array(#"{"signed":{"targets":{"a":1}},"signatures":[]}"#.utf8), "signed first"))
    }

    @Test("the verifier finds the same problems in target entries read as a table as in a tree")
    func entryFindings() throws {
        let hash = String(repeating: "ab", count: 32)
        let entries: [(String, String, Bool)] = [
            ("ok", #"{"hashes":{"sha256":"\#(hash)"},"length":5}"#, false),
            ("ok-custom", #"{"custom":{"x":[1,{"y":null}]},"hashes":{"sha256":"\#(hash)","sha512":"\#(hash)\#(hash)"},"length":0}"#, false),
            ("ok-null-custom", #"{"custom":null,"hashes":{"sha256":"ABCDEF"},"length":123456789012345678}"#, false),
            ("ok-unknown-field", #"{"hashes":{"sha256":"\#(hash)"},"length":5,"zzz":[true]}"#, false),
            ("ok-long-length", #"{"hashes":{"sha256":"\#(hash)"},"length":9223372036854775807}"#, false),
            ("bad-negative", #"{"hashes":{"sha256":"\#(hash)"},"length":-1}"#, true),
            ("bad-huge-length", #"{"hashes":{"sha256":"\#(hash)"},"length":92233720368547758070}"#, true),
            ("bad-no-length", #"{"hashes":{"sha256":"\#(hash)"}}"#, true),
            ("bad-string-length", #"{"hashes":{"sha256":"\#(hash)"},"length":"5"}"#, true),
            ("bad-no-hashes", #"{"length":5}"#, true),
            ("bad-empty-hashes", #"{"hashes":{},"length":5}"#, true),
            ("bad-hex", #"{"hashes":{"sha256":"xyz"},"length":5}"#, true),
            ("bad-empty-hex", #"{"hashes":{"sha256":""},"length":5}"#, true),
            ("bad-number-hash", #"{"hashes":{"sha256":5},"length":5}"#, true),
            ("bad-custom", #"{"custom":"text","hashes":{"sha256":"\#(hash)"},"length":5}"#, true),
            ("bad-array", #"[1,2]"#, true),
            ("bad-empty", #"{}"#, true),
        ]
        let text = "{" + entries.map { #""\#($0.0)":\#($0.1)"# }.sorted().joined(separator: ",") + "}"
        let document = Self.file(targets: text)
        var findings: [Finding] = []
        let parsed = try #require(ParsedFile.read(MetadataFile(name: "targets.json", bytes: document), findings: &findings))
        #expect(findings.isEmpty)
        #expect(parsed.targetEntries != nil, "the map is read as a table")
        let fromTable = try TargetsMetadata(signed: parsed.envelope.signed, targets: parsed.targetEntries)
        let fromTree = try TargetsMetadata(signed: try SignedMetadata(bytes: document).signed)
        let tableProblems = TargetsVerifier.entryProblems(fromTable).map { "\($0.path): \($0.problem)" }
        let treeProblems = TargetsVerifier.entryProblems(fromTree).map { "\($0.path): \($0.problem)" }
        #expect(tableProblems == treeProblems)
        #expect(Set(tableProblems.map { String($0.prefix { $0 != ":" }) }) == Set(entries.filter(\.2).map(\.0)),
                "exactly the bad entries have problems: \(tableProblems)")
        #expect(fromTable == fromTree)
        #expect(parsed.message == (try SignedMetadata(bytes: document).canonicalSignedBytes()))
        for (path, _, _) in entries { #expect(fromTable.entries.contains(path)) }
        for path in ["", "o", "ok-", "zzz", "bad-arrays", "ok\u{0}"] { #expect(!fromTable.entries.contains(path)) }
        #expect(fromTable.entries.names.paths == entries.map(\.0).sorted())
    }

    @Test("a changed map is written back as the tree reader would have it")
    func changingATable() throws {
        let document = Self.file(targets: #"{"a":{"hashes":{"sha256":"00"},"length":1}}"#)
        var findings: [Finding] = []
        let parsed = try #require(ParsedFile.read(MetadataFile(name: "targets.json", bytes: document), findings: &findings))
        var targets = try TargetsMetadata(signed: parsed.envelope.signed, targets: parsed.targetEntries)
        targets.targets["b"] = ["hashes": ["sha256": "11"], "length": 2]
        #expect(targets.targets.names == ["a", "b"])
        #expect(try CanonicalJSONEncoder.encode(.object(targets.signed)) ==
                Array(#"{"_type":"targets","expires":"2036-01-01T00:00:00Z","spec_version":"1.0.31","targets":{"a":{"hashes":{"sha256":"00"},"length":1},"b":{"hashes":{"sha256":"11"},"length":2}},"version":1}"#.utf8))
    }
}

/// Writes random JSON inside ``CanonicalMemberTable``'s subset — printable ASCII strings
/// without escapes, integers (not `-0`), sorted unique names — with random whitespace.
struct PlainJSONWriter {
    var generator: SplitMix64
    var output: [UInt8] = []

    mutating func random(_ bound: UInt64) -> UInt64 { generator.next() % bound }

    mutating func whitespace() {
        for _ in 0..<random(3) { output.append([0x20, 0x09, 0x0A, 0x0D][Int(random(4))]) }
    }

    mutating func text() -> String {
        let alphabet = Array(" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~\u{7F}")
        return String((0..<random(12)).map { _ in alphabet[Int(random(UInt64(alphabet.count)))] })
    }

    mutating func object(depth: Int) {
        output.append(UInt8(ascii: "{"))
        let names = Set((0..<random(6)).map { _ in text() }).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for (i, name) in names.enumerated() {
            if i > 0 { output.append(UInt8(ascii: ",")) }
            whitespace()
            output.append(contentsOf: Array("\"\(name)\"".utf8))
            whitespace()
            output.append(UInt8(ascii: ":"))
            value(depth: depth - 1)
        }
        whitespace()
        output.append(UInt8(ascii: "}"))
    }

    mutating func value(depth: Int) {
        whitespace()
        switch depth > 0 ? random(7) : random(4) {
        case 0:
            let numbers = ["0", "7", "-12", "9223372036854775807", "-9223372036854775808", "123456789012345678901234567890", "-99999999999999999999"]
            output.append(contentsOf: Array(numbers[Int(random(UInt64(numbers.count)))].utf8))
        case 1: output.append(contentsOf: Array("\"\(text())\"".utf8))
        case 2: output.append(contentsOf: Array(["true", "false", "null"][Int(random(3))].utf8))
        case 3: output.append(contentsOf: Array(String(random(1 << 40)).utf8))
        case 4, 5: object(depth: depth)
        default:
            output.append(UInt8(ascii: "["))
            for i in 0..<random(5) {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                value(depth: depth - 1)
            }
            whitespace()
            output.append(UInt8(ascii: "]"))
        }
        whitespace()
    }
}
