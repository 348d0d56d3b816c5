import Testing
import TestSupport
@testable import TrustMetadata

@Suite("Canonical JSON (OLPC, as securesystemslib and notary encode it)")
struct CanonicalJSONTests {
    private func canonical(_ text: String) throws -> String {
        String(decoding: try CanonicalJSONEncoder.encode(try JSONParser.parse(text)), as: UTF8.self)
    }

    @Test("keys are sorted by UTF-8 bytes, whitespace removed")
    func sortsKeys() throws {
        #expect(try canonical(#"{ "b" : 1, "a" : [true, false, null], "A" : "x", "é": 0, "z": {} }"#)
                == #"{"A":"x","a":[true,false,null],"b":1,"z":{},"é":0}"#)
    }

    @Test("only quote and backslash are escaped; newlines, controls and unicode are raw")
    func escaping() throws {
        #expect(try canonical(#"["a\"b\\c", "line\nnext\ttab", "\u00e9\u4e2d\ud83d\ude00", "\u0001", "\/"]"#)
                == "[\"a\\\"b\\\\c\",\"line\nnext\ttab\",\"é中😀\",\"\u{01}\",\"/\"]")
    }

    @Test("integers are written exactly, including the extremes")
    func integers() throws {
        #expect(try canonical("[0, -0, 1, -1, 9223372036854775807, -9223372036854775808, 1000000]")
                == "[0,0,1,-1,9223372036854775807,-9223372036854775808,1000000]")
    }

    @Test("floats are refused", arguments: ["1.5", "1e3", "[0.0]", #"{"a":-2.5E-3}"#])
    func noFloats(_ text: String) throws {
        #expect(throws: CanonicalJSONEncoder.UnrepresentableValue.self) {
            try CanonicalJSONEncoder.encode(try JSONParser.parse(text))
        }
    }

    @Test("a PEM key encodes as securesystemslib does (raw newlines)")
    func pemValue() throws {
        let value: JSONValue = .object(["keyval": .object(["public": .string("-----BEGIN PUBLIC KEY-----\nAB\n-----END PUBLIC KEY-----\n")])])
        #expect(String(decoding: try CanonicalJSONEncoder.encode(value), as: UTF8.self)
                == "{\"keyval\":{\"public\":\"-----BEGIN PUBLIC KEY-----\nAB\n-----END PUBLIC KEY-----\n\"}}")
    }

    @Test("the indented form parses back to the same canonical bytes")
    func prettyRoundTrip() throws {
        let text = #"{"z":[1,{"y":"a\nb\u0001\"\\"}],"a":{},"b":[],"c":"é"}"#
        let value = try JSONParser.parse(text)
        let pretty = PrettyJSONEncoder.encode(value)
        #expect(try JSONParser.parse(pretty) == value)
        #expect(try CanonicalJSONEncoder.encode(try JSONParser.parse(pretty)) == CanonicalJSONEncoder.encode(value))
    }

    @Test("python-tuf's own files re-encode to the bytes their signatures cover")
    func pythonTUFSignedBytes() throws {
        // If canonical bytes differed, signatures made by python-tuf would not verify.
        let directory = TestPaths.path("fixtures/tuf/python-tuf")
        for name in ["1.root.json", "2.root.json", "1.targets.json", "timestamp.json"] {
            let path = "\(directory)/\(name)"
            let file = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            // securesystemslib's own canonical encoder is the reference.
            let reference = try ProcessRunner.run(try TestPaths.python, ["-c", """
                import json, sys
                from securesystemslib.formats import encode_canonical
                sys.stdout.write(encode_canonical(json.load(open(sys.argv[1], encoding="utf-8"))["signed"]))
                """, path])
            #expect(reference.status == 0, "\(reference.stderr)")
            #expect(try file.canonicalSignedBytes() == Array(reference.stdout.utf8), "\(name)")
        }
        let report = try PathVerifier(options: VerificationOptions(at: TestTimes.verificationTime)).verify(path: directory)
        #expect(report.passed, "\(report.findings)")
    }
}

import Foundation
