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
        #expect(pins.count == 14, "a user and an SO PIN for each of the seven tokens")
        let files = FileManager.default.enumerator(atPath: directory)!.compactMap { $0 as? String }
            .filter { !$0.hasPrefix("softhsm/") }
        for file in files {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else { continue }
            let text = String(decoding: data, as: UTF8.self)
            for pin in pins { #expect(!text.contains(pin), "a PIN appears in \(file)") }
        }
        for pin in pins { #expect(!output.contains(pin), "a PIN was printed") }
    }

    /// The recovery stage restored Alice's backed-up key onto the fresh token root-e, which then
    /// signed version 4; the shares and the backup key appear nowhere but in shares/.
    static func expectRecovery(in directory: String, repository: String, output: String) throws {
        let transcript = try String(contentsOfFile: "\(directory)/05-recovery/public/transcript.jsonl", encoding: .utf8)
        #expect(transcript.contains("\"event\":\"shares-combined\"") && transcript.contains("\"event\":\"key-restored\""))
        let records = try TranscriptVerifier.verify(fileAt: URL(fileURLWithPath: "\(directory)/05-recovery/public/transcript.jsonl")).records
        let restoredToken = records.contains { if case let .token(token) = $0.event { return token.key == "root-a" && token.label == "root-e" } else { return false } }
        #expect(restoredToken, "Alice's key was used on token root-e")
        #expect(records.contains { if case let .signature(signature) = $0.event { return signature.holder == "Alice" } else { return false } })
        let generation = try String(contentsOfFile: "\(directory)/01-root-generation/public/transcript.jsonl", encoding: .utf8)
        #expect(generation.contains("\"event\":\"recovery-drill\"") && generation.contains("\"event\":\"backup-split\""))

        // The shares, the backup key (combined by the SLIP-39 reference) and its encodings appear
        // in no file outside shares/ and in nothing printed.
        let sharesDir = "\(directory)/01-root-generation/shares"
        let shares = try ["Frank", "Grace", "Heidi"].map { try String(contentsOfFile: "\(sharesDir)/\($0).txt", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
        // Shares go to the reference on stdin, never in argv.
        let combined = try ProcessRunner.run(try TestPaths.python, ["-c", "import shamir_mnemonic, sys; print(shamir_mnemonic.combine_mnemonics(sys.stdin.read().split('\\n')[:2]).hex())"],
                                             stdin: Array(shares[0...1].joined(separator: "\n").utf8))
        try #require(combined.status == 0, "\(combined.output)")
        let keyHex = combined.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(keyHex.count == 64)
        let keyBase64 = Data(ByteEncoding.decodeHex(keyHex) ?? []).base64EncodedString()
        let backupFile = try #require(FileManager.default.contentsOfDirectory(atPath: "\(directory)/01-root-generation/backup").first)
        let wrapped = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/01-root-generation/backup/\(backupFile)"))) as? [String: Any]
        // The reference recovers exactly the key whose check value the backup file records.
        let check = HMAC<SHA256>.authenticationCode(for: Array("keyceremony backup-key-check v1".utf8), using: SymmetricKey(data: ByteEncoding.decodeHex(keyHex) ?? []))
        #expect(wrapped?["backup_key_check"] as? String == ByteEncoding.hex(Array(check)))
        let windows = shares.flatMap { share -> [String] in
            let words = share.split(separator: " ")
            return stride(from: 0, to: words.count - 3, by: 4).map { words[$0..<$0 + 4].joined(separator: " ") }
        }
        let files = FileManager.default.enumerator(atPath: directory)!.compactMap { $0 as? String }
            .filter { !$0.hasPrefix("softhsm/") && !$0.contains("/shares/") }
        for file in files {
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(file)") else { continue }
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains(keyHex) && !text.contains(keyBase64), "the backup key appears in \(file)")
            for window in windows { #expect(!text.contains(window), "share words appear in \(file)") }
        }
        #expect(!output.contains(keyHex) && !output.contains(keyBase64))
        for window in windows { #expect(!output.contains(window), "share words were printed") }
    }

    static let stages = RehearsalBundles.stages
    /// The stages that sign a root, with the root version each makes.
    static let rootStages = [("01-root-generation", 1), ("03-root-rotation", 2), ("04-root-resign", 3), ("05-recovery", 4)]

    @Test("a TUF lifecycle rehearsal: python-tuf's ngclient, bootstrapped with version 1, resolves a target through the delegated role after every stage, as the offline targets key is carried through the rotation and the re-sign; verify, the transcript and the manifest agree")
    func tufRehearsal() throws {
        let scratch = try TemporaryDirectory("rehearse-tuf")
        defer { scratch.remove() }
        let out = scratch.path("r")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out, "--dialect", "tuf"], environment: ["SOFTHSM2_CONF": nil])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("Verification: passed"))
        #expect(run.stdout.contains("02-targets-delegation: verified"), "\(run.stdout)")
        let bundle = "\(out)/01-root-generation"
        let root = "\(bundle)/public/metadata/rehearsal/1.root.json"
        let targets = "\(out)/02-targets-delegation/public/metadata/rehearsal/targets.json"
        let releaseKey = "\(out)/online/releases.key.pem"

        // The release key is written 0600 and says it is a rehearsal key.
        let attributes = try FileManager.default.attributesOfItem(atPath: releaseKey)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: releaseKey, encoding: .utf8).hasPrefix("REHEARSAL KEY"))

        // python-tuf: a repository around each stage's roots with the delegation's targets.json and
        // a releases role signed by the release key, walked by ngclient bootstrapped with version 1.
        let v1 = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: root)))).signed)
        for (stage, version) in Self.rootStages + [("02-targets-delegation", 1)] {
            let repo = scratch.path("repo-\(stage)")
            let serve = try PythonTUF.serveBundle("\(out)/\(stage)/public/metadata/rehearsal", online: "\(out)/online", into: repo,
                                                  targets: targets, role: "releases", paths: ["releases/app-1.0.txt"], signWith: [releaseKey])
            #expect(serve.status == 0, "\(serve.output)")
            let walk = try PythonTUF.walk(repo, target: "releases/app-1.0.txt")
            #expect(walk.ok, "\(stage): \(walk.error ?? "")")
            #expect(walk.root_version == version, "\(stage)")
            #expect(walk.target_found == true, "\(stage)")
            // Every root keeps Erin's offline targets key, so targets.json stays valid.
            let newest = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(stage)/public/metadata/rehearsal/root.json")))).signed)
            #expect(newest.roles["targets"] == v1.roles["targets"], "\(stage)")
            // Earlier versions are carried byte for byte into each later bundle.
            for earlier in 1..<version {
                let first = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(Self.rootStages[earlier - 1].0)/public/metadata/rehearsal/\(earlier).root.json"))
                #expect(try Data(contentsOf: URL(fileURLWithPath: "\(repo)/\(earlier).root.json")) == first, "\(stage) \(earlier).root.json")
            }
        }
        for stage in Self.stages {
            // The plans written for people to read can be checked and rerun.
            let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", "\(out)/plans/\(stage).yaml"])
            #expect(check.status == 0, "\(check.output)")
            let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", "\(out)/\(stage)"])
            #expect(verify.status == 0, "\(verify.output)")
            let audit = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", "\(out)/\(stage)"])
            #expect(audit.status == 0, "\(stage): \(audit.output)")
        }
        // The generation: Erin's targets key generated on its own token, listed for targets only.
        #expect(v1.roles["targets"]?.keyIDs.count == 1 && v1.roles["targets"]?.threshold == 1)
        #expect(v1.roles["root"]?.keyIDs.contains(v1.roles["targets"]!.keyIDs[0]) == false)
        // The delegation: targets.json version 1, releases delegated to the release key, paths releases/*.
        let signed = try TargetsMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: targets)))).signed)
        #expect(signed.version == 1)
        let releases = try #require(signed.delegations?.roles?.first)
        #expect(releases.name == "releases" && releases.paths == ["releases/*"] && releases.threshold == 1 && releases.terminating == true)
        let releasePublic = try String(contentsOfFile: "\(out)/online/releases.pub.pem", encoding: .utf8)
        #expect(releases.keyIDs == [MetadataKey.tuf(try PublicKeyMaterial(pem: releasePublic)).keyID])
        // The rotation: Bob left, Dave joined, 3 of 3; Bob signed version 2 for version 1's threshold.
        let v2 = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/03-root-rotation/public/metadata/rehearsal/2.root.json")))).signed)
        #expect(v2.roles["root"]?.threshold == 3)
        #expect(v2.roles["root"]?.keyIDs.count == 3)
        let transcript = try String(contentsOfFile: "\(out)/03-root-rotation/public/transcript.jsonl", encoding: .utf8)
        #expect(transcript.contains("\"holder\":\"Bob\"") && transcript.contains("\"event\":\"key-found\"") && transcript.contains("\"event\":\"current-root\""))

        let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", bundle])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("REHEARSAL"))

        let bundleCheck = BundleCheck.run(directory: URL(fileURLWithPath: bundle))
        #expect(bundleCheck.isValid, "\(bundleCheck.problems)")
        #expect(bundleCheck.isRehearsal == true)

        // The rehearsal's expiry is capped at 30 days (TUF).
        #expect(v1.expires < MetadataTime(Date().addingTimeInterval(31 * 86_400)))
        #expect(signed.expires < MetadataTime(Date().addingTimeInterval(31 * 86_400)))

        try Self.expectNoPINs(in: out, output: run.output)
        try Self.expectRecovery(in: out, repository: "rehearsal", output: run.output)
    }

    @Test("a Notary lifecycle rehearsal against notary-server: version 1 with the delegation's targets.json uploaded, a fresh notary client lists the repository and its delegation and follows the rotation and the re-sign")
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
        let folder = "\(out)/02-targets-delegation/public/metadata/\(gun)"
        let rootBytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/root.json")))
        let root = try RootMetadata(signed: try SignedMetadata(bytes: rootBytes).signed)
        #expect(root.dialect == .notary)
        #expect(root.roles["root"]?.keyIDs.count == 3)
        #expect(root.roles["root"]?.threshold == 2)
        // Notary rehearsals outlive notary's 6-month window in which its client re-signs the root.
        #expect(root.expires > MetadataTime(Date().addingTimeInterval(190 * 86_400)))
        #expect(root.expires < MetadataTime(Date().addingTimeInterval(211 * 86_400)))

        // The targets.json the delegation ceremony signed offline, uploaded with version 1.
        let targetsBytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/targets.json")))
        let api = "\(server.url)/v2/\(gun)/_trust/tuf/"
        let upload = try await HTTP.postMetadata(api, files: [("root", rootBytes), ("targets", targetsBytes)])
        try #require(upload.status == 200, "upload: \(upload.status) \(upload.text)")
        let client = try TemporaryDirectory("notary-client")
        defer { client.remove() }
        let list = try server.client(client.path("trust"), ["list", gun])
        #expect(list.status == 0, "\(list.output)")
        let delegations = try server.client(client.path("trust"), ["delegation", "list", gun])
        #expect(delegations.status == 0 && delegations.stdout.contains("targets/releases") && delegations.stdout.contains("releases/"), "\(delegations.output)")

        // Versions 2 and 3 uploaded alone; the client that cached version 1 follows each.
        for (stage, version) in Self.rootStages.dropFirst() {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(stage)/public/metadata/\(gun)/root.json")))
            let rotate = try await HTTP.postMetadata(api, files: [("root", bytes)])
            try #require(rotate.status == 200, "upload \(stage): \(rotate.status) \(rotate.text)")
            let follow = try server.client(client.path("trust"), ["list", gun])
            #expect(follow.status == 0, "\(follow.output)")
            let cached = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: client.path("trust/tuf/\(gun)/metadata/root.json")))))
            #expect(cached.signed["version"] == .integer(Int64(version)), "\(stage)")
        }

        try Self.expectNoPINs(in: out, output: run.output)
        try Self.expectRecovery(in: out, repository: "rehearsal", output: run.output)
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
