import Ceremony
import Crypto
import Foundation
import Testing
import TestSupport
import TrustMetadata

@Suite("keyceremony rehearse end to end, accepted by the real clients")
struct RehearseTests {
    /// Every PIN in a rehearsal's pins.json.
    static func pins(_ directory: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/softhsm/pins.json"))) as? [String: Any]
        let tokens = json?["tokens"] as? [String: [String: String]] ?? [:]
        return tokens.values.flatMap { $0.values }
    }

    /// No PIN appears in any file a rehearsal wrote outside pins.json, nor in what it printed.
    static func expectNoPINs(in directory: String, output: String) throws {
        let pins = try pins(directory)
        #expect(pins.count == 8)
        let files = FileManager.default.enumerator(atPath: directory)!.compactMap { $0 as? String }
            .filter { !$0.hasPrefix("softhsm/") }
        for file in files {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for pin in pins { #expect(!text.contains(pin), "a PIN appears in \(file)") }
        }
        for pin in pins { #expect(!output.contains(pin), "a PIN was printed") }
    }

    static let stages = ["01-root-generation", "02-root-rotation", "03-root-resign"]

    @Test("a TUF lifecycle rehearsal: python-tuf's ngclient, bootstrapped with version 1, updates through the rotation and the re-sign; verify, the transcript and the manifest agree")
    func tufRehearsal() throws {
        let scratch = try TemporaryDirectory("rehearse-tuf")
        defer { scratch.remove() }
        let out = scratch.path("r")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out, "--dialect", "tuf"], environment: ["SOFTHSM2_CONF": nil])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("Verification: passed"))
        let bundle = "\(out)/01-root-generation"
        let root = "\(bundle)/public/metadata/rehearsal/1.root.json"

        // python-tuf: a repository around each stage's roots, signed by the online keys, walked by ngclient
        // bootstrapped with version 1.
        for (index, stage) in Self.stages.enumerated() {
            let repo = scratch.path("repo-\(stage)")
            let serve = try PythonTUF.run(["serve-bundle", "\(out)/\(stage)/public/metadata/rehearsal", "\(out)/online", repo])
            #expect(serve.status == 0, "\(serve.output)")
            let walk = try PythonTUF.walk(repo, target: "hello.txt")
            #expect(walk.ok, "\(stage): \(walk.error ?? "")")
            #expect(walk.root_version == index + 1, "\(stage)")
            #expect(walk.target_found == true)
            // Earlier versions are carried byte for byte into each later bundle.
            if index > 0 {
                let earlier = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(Self.stages[index - 1])/public/metadata/rehearsal/\(index).root.json"))
                #expect(try Data(contentsOf: URL(fileURLWithPath: "\(repo)/\(index).root.json")) == earlier)
            }
            // The plans written for people to read can be checked and rerun.
            let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", "\(out)/plans/\(stage).yaml"])
            #expect(check.status == 0, "\(check.output)")
            let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", "\(out)/\(stage)"])
            #expect(verify.status == 0, "\(verify.output)")
        }
        // The rotation: Bob left, Dave joined, 3 of 3; Bob signed version 2 for version 1's threshold.
        let v2 = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/02-root-rotation/public/metadata/rehearsal/2.root.json")))).signed)
        #expect(v2.roles["root"]?.threshold == 3)
        #expect(v2.roles["root"]?.keyIDs.count == 3)
        let transcript = try String(contentsOfFile: "\(out)/02-root-rotation/public/transcript.jsonl", encoding: .utf8)
        #expect(transcript.contains("\"holder\":\"Bob\"") && transcript.contains("\"event\":\"key-found\"") && transcript.contains("\"event\":\"current-root\""))

        let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", bundle])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("REHEARSAL"))

        let bundleCheck = BundleCheck.run(directory: URL(fileURLWithPath: bundle))
        #expect(bundleCheck.isValid, "\(bundleCheck.problems)")
        #expect(bundleCheck.isRehearsal == true)

        // The rehearsal's expiry is capped at 30 days.
        let signed = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: root))))
        let expires = try RootMetadata(signed: signed.signed).expires
        #expect(expires < MetadataTime(Date().addingTimeInterval(31 * 86_400)))

        try Self.expectNoPINs(in: out, output: run.output)
    }

    @Test("a Notary lifecycle rehearsal against notary-server: version 1 and a targets.json upload, a fresh notary client lists the repository and follows the rotation and the re-sign")
    func notaryRehearsal() async throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let scratch = try TemporaryDirectory("rehearse-notary")
        defer { scratch.remove() }
        let gun = "example.com/rehearsal-\(UUID().uuidString.prefix(6).lowercased())"
        let out = scratch.path("r")
        // The server's keys are fetched on the online side and carried to the rehearsal as files.
        let keys = try ProcessRunner.run(try TestPaths.keyceremonyOnline, ["notary-keys", "--notary-server", server.url, "--gun", gun, "--out", scratch.path("keys"), "--insecure-http"])
        try #require(keys.status == 0, "\(keys.output)")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out, "--online-keys", scratch.path("keys"), "--gun", gun],
                                        environment: ["SOFTHSM2_CONF": nil])
        #expect(run.status == 0, "\(run.output)")
        let rootBytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/01-root-generation/public/metadata/\(gun)/root.json")))
        let root = try RootMetadata(signed: try SignedMetadata(bytes: rootBytes).signed)
        #expect(root.dialect == .notary)
        #expect(root.roles["root"]?.keyIDs.count == 3)
        #expect(root.roles["root"]?.threshold == 2)

        // targets.json signed with the rehearsal's targets key, under the key ID the root lists.
        let targetsKeyID = try #require(root.roles["targets"]?.keyIDs.first)
        let targetsSigner = try SoftwareSigner(privateKeyPEM: String(contentsOfFile: "\(out)/online/targets.key.pem", encoding: .utf8))
        let payload = Array("rehearsal payload\n".utf8)
        var targets = TargetsMetadata(dialect: .notary, version: 1, expires: MetadataTime(Date().addingTimeInterval(7 * 86_400)))
        targets.targets["v1"] = ["length": .integer(Int64(payload.count)),
                                 "hashes": ["sha256": .string(Data(SHA256.hash(data: payload)).base64EncodedString())]]
        var targetsFile = targets.signedMetadata()
        try targetsFile.sign(with: targetsSigner, keyID: targetsKeyID, dialect: .notary)

        let api = "\(server.url)/v2/\(gun)/_trust/tuf/"
        let upload = try await HTTP.postMetadata(api, files: [("root", rootBytes), ("targets", try targetsFile.fileBytes(dialect: .notary))])
        try #require(upload.status == 200, "upload: \(upload.status) \(upload.text)")
        let client = try TemporaryDirectory("notary-client")
        defer { client.remove() }
        let list = try server.client(client.path("trust"), ["list", gun])
        #expect(list.status == 0, "\(list.output)")
        #expect(list.stdout.contains("v1"))

        // Versions 2 and 3 uploaded alone; the client that cached version 1 follows each.
        for (index, stage) in Self.stages.enumerated().dropFirst() {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(stage)/public/metadata/\(gun)/root.json")))
            let rotate = try await HTTP.postMetadata(api, files: [("root", bytes)])
            try #require(rotate.status == 200, "upload \(stage): \(rotate.status) \(rotate.text)")
            let follow = try server.client(client.path("trust"), ["list", gun])
            #expect(follow.status == 0, "\(follow.output)")
            let cached = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: client.path("trust/tuf/\(gun)/metadata/root.json")))))
            #expect(cached.signed["version"] == .integer(Int64(index + 1)), "\(stage)")
        }

        try Self.expectNoPINs(in: out, output: run.output)
    }

    @Test("rehearse refuses a directory that is not empty")
    func refusesNonEmpty() throws {
        let scratch = try TemporaryDirectory("rehearse-exists")
        defer { scratch.remove() }
        try scratch.write(Array("keep me".utf8), to: "r/notes.txt")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r")], environment: ["SOFTHSM2_CONF": nil])
        #expect(run.status == 2)
        #expect(run.stderr.contains("is not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("r")) == ["notes.txt"])
    }
}
