import Foundation
import Testing
import TestSupport
import TrustMetadata

/// `keyceremony verify DIR` on a real rehearsal bundle misses nothing an auditor would change.
@Suite("keyceremony verify on ceremony bundles")
struct VerifyBundleTests {
    /// A change to a copy of a rehearsal bundle, and the finding text `verify` must print.
    struct Tamper: Sendable, CustomStringConvertible {
        var description: String
        var expected: String
        var apply: @Sendable (URL, String) throws -> Void
    }

    static func metadataFolder(_ bundle: URL, _ dialect: String) -> URL {
        bundle.appendingPathComponent("public/metadata/\(dialect == "tuf" ? "rehearsal" : "example.com/rehearsal")")
    }

    /// Flips one hex or base64 character of every signature value, keeping the file's shape.
    static func corruptSignatures(_ url: URL) throws {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var signatures = json["signatures"] as! [[String: Any]]
        for index in signatures.indices {
            let key = signatures[index]["sig"] != nil ? "sig" : "signature"
            var value = Array(signatures[index][key] as! String)
            let position = value.count / 2
            value[position] = value[position] == "A" ? "B" : "A"
            signatures[index][key] = String(value)
        }
        json["signatures"] = signatures
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: url)
    }

    /// Flips one character of the first signature only, and writes the same bytes to root.json
    /// and N.root.json, so the threshold is still met and the two copies still agree.
    static func corruptOneSignature(_ folder: URL, version: Int) throws {
        let url = folder.appendingPathComponent("root.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var signatures = json["signatures"] as! [[String: Any]]
        let key = signatures[0]["sig"] != nil ? "sig" : "signature"
        var value = Array(signatures[0][key] as! String)
        value[4] = value[4] == "A" ? "B" : "A"
        signatures[0][key] = String(value)
        json["signatures"] = signatures
        let bytes = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        try bytes.write(to: url)
        try bytes.write(to: folder.appendingPathComponent("\(version).root.json"))
    }

    static func flipByte(_ url: URL, at offset: Int) throws {
        var bytes = Array(try Data(contentsOf: url))
        let index = min(offset, bytes.count - 1)
        bytes[index] = bytes[index] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try Data(bytes).write(to: url)
    }

    static let tampers: [Tamper] = [
        Tamper(description: "every signature in root.json corrupted", expected: "[signature]") { bundle, dialect in
            try corruptSignatures(metadataFolder(bundle, dialect).appendingPathComponent("root.json"))
        },
        Tamper(description: "every signature in 1.root.json corrupted", expected: "[signature]") { bundle, dialect in
            try corruptSignatures(metadataFolder(bundle, dialect).appendingPathComponent("1.root.json"))
        },
        Tamper(description: "one signature corrupted, the threshold still met", expected: "[signature]") { bundle, dialect in
            try corruptOneSignature(metadataFolder(bundle, dialect), version: 2)
        },
        Tamper(description: "a byte of the transcript changed", expected: "transcript.jsonl") { bundle, _ in
            try flipByte(bundle.appendingPathComponent("public/transcript.jsonl"), at: 700)
        },
        Tamper(description: "a byte of the plan changed", expected: "plan.yaml") { bundle, _ in
            try flipByte(bundle.appendingPathComponent("public/plan.yaml"), at: 300)
        },
        Tamper(description: "a byte of the manifest changed", expected: "manifest.json") { bundle, _ in
            try flipByte(bundle.appendingPathComponent("public/manifest.json"), at: 120)
        },
        Tamper(description: "a byte of SHA256SUMS changed", expected: "SHA256SUMS") { bundle, _ in
            try flipByte(bundle.appendingPathComponent("public/SHA256SUMS"), at: 10)
        },
        Tamper(description: "a blank line added to SHA256SUMS", expected: "SHA256SUMS") { bundle, _ in
            let url = bundle.appendingPathComponent("public/SHA256SUMS")
            try (try Data(contentsOf: url) + Data("\n".utf8)).write(to: url)
        },
        Tamper(description: "a file added", expected: "notes.txt") { bundle, _ in
            try Data("added later\n".utf8).write(to: bundle.appendingPathComponent("public/notes.txt"))
        },
        Tamper(description: "a public key deleted", expected: "keys/") { bundle, _ in
            let keys = bundle.appendingPathComponent("public/keys")
            let first = try FileManager.default.contentsOfDirectory(atPath: keys.path).sorted()[0]
            try FileManager.default.removeItem(at: keys.appendingPathComponent(first))
        },
        Tamper(description: "the seal removed", expected: "without a seal") { bundle, _ in
            let url = bundle.appendingPathComponent("public/transcript.jsonl")
            var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            lines.removeLast()
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        },
    ]

    @Test("a clean rehearsal bundle verifies, as an output directory and as public/ alone", arguments: ["notary", "tuf"])
    func clean(dialect: String) throws {
        let rehearsal = try RehearsalBundles.directory(dialect)
        for stage in RehearsalBundles.stages {
            for path in ["\(stage)", "\(stage)/public"] {
                let run = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", rehearsal.appendingPathComponent(path).path])
                #expect(run.status == 0, "\(path): \(run.output)")
                #expect(run.stdout.contains("REHEARSAL"), "\(path)")
            }
        }
    }

    @Test("each change to a bundle is an error: exit 1 and the file named", arguments: ["notary", "tuf"])
    func tampered(dialect: String) throws {
        for tamper in Self.tampers {
            let scratch = try TemporaryDirectory("verify-tamper")
            defer { scratch.remove() }
            let bundle = try RehearsalBundles.copy(dialect, stage: "03-root-rotation", into: scratch)
            let before = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", bundle.path])
            #expect(before.status == 0, "\(tamper): the copy must verify before the change: \(before.output)")
            try tamper.apply(bundle, dialect)
            let run = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", bundle.path])
            #expect(run.status == 1, "\(dialect), \(tamper): \(run.output)")
            let named = run.stdout.split(separator: "\n").contains { $0.hasPrefix("error:") && $0.contains(tamper.expected) }
            #expect(named, "\(dialect), \(tamper): an error line naming \(tamper.expected): \(run.stdout)")
        }
    }

    @Test("root.json and N.root.json of one version must be byte-identical, even outside a bundle")
    func sameVersionDiffers() throws {
        let scratch = try TemporaryDirectory("verify-same-version")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy("tuf", stage: "01-root-generation", into: scratch)
        let folder = Self.metadataFolder(bundle, "tuf")
        // Same content, other bytes: pretty-printed JSON is still the same root.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("root.json")))
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]).write(to: folder.appendingPathComponent("root.json"))
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", folder.path])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.contains("not byte-identical"), "\(run.stdout)")
    }

    @Test("--help says what is and is not checked")
    func help() throws {
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", "--help"])
        #expect(run.status == 0)
        for phrase in ["byte-identical", "hash", "seal", "SHA256SUMS", "manifest.json", "Not checked here", "keyceremony audit"] {
            #expect(run.stdout.contains(phrase), "\(phrase)")
        }
    }
}
