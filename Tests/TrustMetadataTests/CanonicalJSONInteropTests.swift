import Foundation
import Testing
import TestSupport
@testable import TrustMetadata

/// The JSON reader and canonical writer against securesystemslib 1.6's `encode_canonical`
/// (what python-tuf 7.0.1 signs), document by document: the same canonical bytes, or both
/// refuse. The corpus is every JSON file the tests use (`fixtures/`, and the shared real-world
/// cases when present) plus generated documents: deep nesting, long strings, every kind of
/// escape, integers past 64 bits, keys that sort differently as bytes than as text.
///
/// Where this tool is stricter the test says so and checks it: duplicate member names are
/// refused (Python keeps the last, so two readers would disagree about what was signed).
@Suite("Canonical JSON matches securesystemslib byte for byte")
struct CanonicalJSONInteropTests {
    /// What one side made of a document: canonical bytes, or a refusal.
    enum Outcome: Equatable, CustomStringConvertible {
        case canonical([UInt8])
        case refused

        var description: String {
            switch self {
            case .canonical(let bytes): return "canonical(\(String(decoding: bytes.prefix(120), as: UTF8.self))…, \(bytes.count) bytes)"
            case .refused: return "refused"
            }
        }
    }

    /// securesystemslib's outcome for each document, in one python process.
    static func reference(_ documents: [[UInt8]]) throws -> [Outcome] {
        let script = """
            import base64, json, sys
            from securesystemslib.formats import encode_canonical
            for line in sys.stdin:
                try:
                    value = json.loads(base64.b64decode(line).decode("utf-8"))
                    out = encode_canonical(value).encode("utf-8")
                    print("ok " + base64.b64encode(out).decode())
                except Exception as error:
                    print("refused " + type(error).__name__)
            """
        let input = documents.map { Data($0).base64EncodedString() }.joined(separator: "\n") + "\n"
        let result = try ProcessRunner.run(try TestPaths.python, ["-c", script], stdin: Array(input.utf8))
        guard result.status == 0 else { throw TestSupportError("securesystemslib reference failed: \(result.stderr)") }
        let lines = result.stdout.split(separator: "\n")
        guard lines.count == documents.count else {
            throw TestSupportError("securesystemslib answered \(lines.count) of \(documents.count) documents")
        }
        return lines.map { line in
            guard line.hasPrefix("ok "), let data = Data(base64Encoded: String(line.dropFirst(3))) else { return .refused }
            return .canonical(Array(data))
        }
    }

    /// This tool's outcome: ``JSONParser`` then ``CanonicalJSONEncoder``.
    static func ours(_ document: [UInt8]) -> Outcome {
        guard let value = try? JSONParser.parse(document), let bytes = try? CanonicalJSONEncoder.encode(value) else { return .refused }
        return .canonical(bytes)
    }

    static func compare(_ documents: [[UInt8]], _ names: [String]) throws {
        let theirs = try reference(documents)
        for (i, document) in documents.enumerated() {
            let mine = ours(document)
            #expect(mine == theirs[i], "\(names[i]): ours \(mine), securesystemslib \(theirs[i])")
        }
    }

    @Test("every JSON file in the test corpus encodes as securesystemslib encodes it")
    func corpus() throws {
        var paths: [String] = []
        for base in [TestPaths.path("fixtures"), "/work/shared/cases"] {
            guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative.hasSuffix(".json") { paths.append("\(base)/\(relative)") }
            }
        }
        #expect(paths.count >= 100, "the fixtures hold over a hundred JSON files")
        let documents = try paths.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        try Self.compare(documents, paths)
    }

    @Test("generated documents: nesting, long strings, escapes, large integers, byte-order keys")
    func generated() throws {
        var generator = SplitMix64(seed: 0xCA40_11CA1)
        var documents: [[UInt8]] = []
        var names: [String] = []
        for i in 0..<600 {
            var writer = FuzzJSONWriter(generator: generator)
            writer.value(depth: Int(writer.random(12)))
            generator = writer.generator
            documents.append(writer.output)
            names.append("random document \(i)")
        }
        // Nesting at exactly the depth limit, in arrays and objects, with escapes inside.
        let limit = JSONParser.maximumDepth
        documents.append(Array((String(repeating: "[", count: limit) + #""\u00e9\n""# + String(repeating: "]", count: limit)).utf8))
        documents.append(Array((String(repeating: #"{"k\"":"#, count: limit) + "-0" + String(repeating: "}", count: limit)).utf8))
        names += ["arrays \(limit) deep", "objects \(limit) deep"]
        // Long strings: a megabyte of text with every escape in it, and a long run of raw multi-byte UTF-8.
        let escapes = #"\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\ud83d\ude00"#
        documents.append(Array(("[\"" + String(repeating: "abcdefghij" + escapes, count: 20_000) + "\"]").utf8))
        documents.append(Array(("{\"k\":\"" + String(repeating: "é中😀", count: 50_000) + "\"}").utf8))
        names += ["a long string full of escapes", "a long string of raw UTF-8"]
        // Integers: the 64-bit edges and far past them, both signs.
        documents.append(Array("""
            [0,-0,1,-1,9223372036854775807,-9223372036854775808,9223372036854775808,-9223372036854775809,
             18446744073709551615,18446744073709551616,\(String(repeating: "9", count: 400)),-\(String(repeating: "1", count: 300))]
            """.utf8))
        names.append("integers at and past 64 bits")
        // Keys whose UTF-8 byte order differs from UTF-16 order, NFC and NFD spellings side by side.
        documents.append(Array(#"{"\uffff":1,"\ud83d\ude00":2,"é":3,"e\u0301":4,"E":5,"":6,"\u0000":7}"#.utf8))
        names.append("keys in byte order")
        // Input both refuse: floats, invalid UTF-8, lone surrogates, trailing commas, leading zeros.
        for text in ["1.5", "[1e3]", "NaN", #"{"a":-2.5E-3}"#, #"["\ud800"]"#, #"["\udc00x"]"#, "[1,]", "[01]", "{\"a\":1,}"] {
            documents.append(Array(text.utf8))
            names.append("refused: \(text)")
        }
        for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0x22], [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]] {
            documents.append(bytes)
            names.append("refused: invalid UTF-8 \(bytes)")
        }
        try Self.compare(documents, names)
    }

    @Test("stricter than securesystemslib: a duplicate member name is refused, not resolved to the last value")
    func duplicates() throws {
        let documents = [#"{"a":1,"a":2}"#, #"{"é":1,"\u00e9":2}"#, #"{"x":{"k":[],"k":[]}}"#].map { Array($0.utf8) }
        let theirs = try Self.reference(documents)
        for (i, document) in documents.enumerated() {
            #expect(Self.ours(document) == .refused)
            guard case .canonical = theirs[i] else {
                Issue.record("securesystemslib now refuses duplicate names too; this difference can be dropped")
                continue
            }
        }
    }

    @Test("hostile nesting 100,000 deep is refused quickly, by the reader and the verifier")
    func hostileNesting() throws {
        for opening in ["[", #"{"a":"#, #"{"signed":"#] {
            let deep = Array(String(repeating: opening, count: 100_000).utf8)
            #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
            let findings = RootVerifier(options: VerificationOptions()).verifySelfSigned(MetadataFile(name: "deep", bytes: deep)).findings
            #expect(findings.count == 1 && findings[0].check == .malformed, "\(findings)")
        }
    }
}

/// Writes random JSON text: random whitespace, random escaping of each character (raw,
/// short escape or `\u`, surrogate pairs above U+FFFF), keys unique by their decoded bytes.
struct FuzzJSONWriter {
    var generator: SplitMix64
    var output: [UInt8] = []

    init(generator: SplitMix64) {
        self.generator = generator
    }

    mutating func random(_ bound: UInt64) -> UInt64 { generator.next() % bound }

    static let scalars: [Unicode.Scalar] = {
        var scalars: [Unicode.Scalar] = Array("abcXYZ09 _-./:\"\\~".unicodeScalars)
        for control: UInt8 in 0..<0x20 { scalars.append(Unicode.Scalar(control)) }
        scalars.append(Unicode.Scalar(UInt8(0x7F)))
        scalars += Array("éÉßø中文😀\u{0301}\u{2028}\u{FEFF}\u{FFFF}\u{10FFFF}\u{212A}".unicodeScalars)
        return scalars
    }()

    mutating func whitespace() {
        for _ in 0..<random(3) { output.append([0x20, 0x09, 0x0A, 0x0D][Int(random(4))]) }
    }

    mutating func text(maxLength: UInt64) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<random(maxLength + 1) { scalars.append(Self.scalars[Int(random(UInt64(Self.scalars.count)))]) }
        return String(scalars)
    }

    mutating func string(_ value: String) {
        output.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            let v = scalar.value
            let escape = v < 0x20 || v == 0x22 || v == 0x5C || random(4) == 0
            guard escape else {
                output.append(contentsOf: Array(String(scalar).utf8))
                continue
            }
            switch (v, random(2)) {
            case (0x22, _): output.append(contentsOf: Array(#"\""#.utf8))
            case (0x5C, _): output.append(contentsOf: Array(#"\\"#.utf8))
            case (0x2F, 0): output.append(contentsOf: Array(#"\/"#.utf8))
            case (0x0A, 0): output.append(contentsOf: Array(#"\n"#.utf8))
            case (0x09, 0): output.append(contentsOf: Array(#"\t"#.utf8))
            case (0x08, 0): output.append(contentsOf: Array(#"\b"#.utf8))
            default:
                if v > 0xFFFF {
                    let high = 0xD800 + ((v - 0x10000) >> 10), low = 0xDC00 + ((v - 0x10000) & 0x3FF)
                    output.append(contentsOf: Array(String(format: "\\u%04x\\u%04X", high, low).utf8))
                } else {
                    output.append(contentsOf: Array(String(format: random(2) == 0 ? "\\u%04x" : "\\u%04X", v).utf8))
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    mutating func number() {
        switch random(5) {
        case 0: output.append(contentsOf: Array(String(Int64(bitPattern: generator.next())).utf8))
        case 1: output.append(contentsOf: Array(String(random(1000)).utf8))
        case 2:
            // Past 64 bits: 20 to 80 digits, no leading zero.
            var digits = String(1 + random(9))
            for _ in 0..<(19 + random(60)) { digits += String(random(10)) }
            output.append(contentsOf: Array(((random(2) == 0 ? "-" : "") + digits).utf8))
        case 3: output.append(contentsOf: Array("-0".utf8))
        default: output.append(contentsOf: Array(["9223372036854775807", "-9223372036854775808", "0"][Int(random(3))].utf8))
        }
    }

    mutating func value(depth: Int) {
        whitespace()
        switch depth > 0 ? random(8) : random(5) {
        case 0: number()
        case 1: string(text(maxLength: 24))
        case 2: output.append(contentsOf: Array(["true", "false", "null"][Int(random(3))].utf8))
        case 3: number()
        case 4: string(text(maxLength: 200))
        case 5, 6:
            output.append(UInt8(ascii: "{"))
            var seen = Set<[UInt8]>()
            for _ in 0..<random(7) {
                let key = text(maxLength: 6)
                guard seen.insert(Array(key.utf8)).inserted else { continue }
                if !seen.isEmpty, seen.count > 1 { output.append(UInt8(ascii: ",")) }
                whitespace()
                string(key)
                whitespace()
                output.append(UInt8(ascii: ":"))
                value(depth: depth - 1)
            }
            whitespace()
            output.append(UInt8(ascii: "}"))
        default:
            output.append(UInt8(ascii: "["))
            for i in 0..<random(6) {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                value(depth: depth - 1)
            }
            whitespace()
            output.append(UInt8(ascii: "]"))
        }
        whitespace()
    }
}
