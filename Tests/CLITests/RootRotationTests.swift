import Ceremony
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// Rotation and re-sign plans run against a rehearsal's real tokens and roots: what is refused
/// before anything is made, what stops at a token, and a rotation without a lost token's holder.
@Suite("root-rotation and root-resign: refusals and a lost token")
struct RootRotationTests {
    /// A finished TUF rehearsal (versions 1 to 3 on tokens root-a … root-d).
    struct Lifecycle {
        let scratch: TemporaryDirectory
        var out: String { scratch.path("r") }
        var environment: [String: String?] { ["SOFTHSM2_CONF": "\(out)/softhsm/softhsm2.conf"] }
        var pins: String { "\(out)/softhsm/pins.json" }

        init() throws {
            scratch = try TemporaryDirectory("rotation")
            let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r"), "--dialect", "tuf"],
                                            environment: ["SOFTHSM2_CONF": nil])
            guard run.status == 0 else { throw TestSupportError("rehearse: \(run.output)") }
        }

        /// Holder → key ID in version 3.
        func keyIDs() throws -> [String: String] {
            let plan = try String(contentsOfFile: "\(out)/plans/04-root-resign.yaml", encoding: .utf8)
            var result: [String: String] = [:]
            var holder: String?
            for line in plan.split(separator: "\n") {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("holder: ") { holder = String(text.dropFirst(8)) }
                if text.hasPrefix("key_id: "), let holder { result[holder] = String(text.dropFirst(8)) }
            }
            return result
        }

        /// Writes a plan next to the rehearsal's plans, starting from version 3.
        func plan(_ name: String, kind: String = "root-rotation", threshold: Int, keys: [(String, String, String)],
                  leaving: [(String, String?, String)] = []) throws -> String {
            var text = """
            version: 1
            ceremony: \(kind)
            dialect: tuf
            description: \(name)
            repositories: [rehearsal]
            expires: 30d
            module: softhsm
            previous: ../04-root-resign
            root:
              threshold: \(threshold)
              keys:

            """
            for (holder, label, source) in keys {
                text += "    - { name: \(label), holder: \(holder), token: { label: \(label) }, \(source) }\n"
            }
            if !leaving.isEmpty {
                text += "leaving:\n"
                for (holder, label, keyID) in leaving {
                    text += "  - { name: key-\(holder.lowercased()), holder: \(holder), \(label.map { "token: { label: \($0) }, " } ?? "")key_id: \(keyID) }\n"
                }
            }
            text += "witnesses: [Wendy]\n"
            let path = "\(out)/plans/\(name).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func run(_ plan: String, into name: String) throws -> ProcessResult {
            try ProcessRunner.run(try TestPaths.keyceremony, ["run", plan, "--out", "\(out)/\(name)", "--rehearsal", "--yes", "--pins", pins],
                                  environment: environment)
        }
    }

    @Test("refused before anything is made: an unknown key ID, a current key the plan forgets, a re-sign that changes the threshold, thresholds nobody present can meet, a current root that does not verify")
    func refusals() throws {
        let life = try Lifecycle()
        defer { life.scratch.remove() }
        let ids = try life.keyIDs()
        let alice = try #require(ids["Alice"]), carol = try #require(ids["Carol"]), dave = try #require(ids["Dave"])
        let bogus = String(repeating: "ab", count: 32)

        let cases: [(String, String, String)] = [
            ("unknown-key", try life.plan("unknown-key", threshold: 2, keys: [("Alice", "root-a", "key_id: \(alice)"), ("Carol", "root-c", "key_id: \(carol)"), ("Dave", "root-d", "key_id: \(bogus)")]),
             "names key ID \(bogus), which is not a root key of the current root"),
            ("forgotten-key", try life.plan("forgotten-key", threshold: 2, keys: [("Alice", "root-a", "key_id: \(alice)"), ("Carol", "root-c", "key_id: \(carol)")]),
             "root key \(dave) of the current root of 'rehearsal' is neither kept nor leaving"),
            ("resign-threshold", try life.plan("resign-threshold", kind: "root-resign", threshold: 2, keys: [("Alice", "root-a", "key_id: \(alice)"), ("Carol", "root-c", "key_id: \(carol)"), ("Dave", "root-d", "key_id: \(dave)")]),
             "a root-resign keeps the threshold: the current root's is 3, the plan's is 2"),
            ("unmeetable", try life.plan("unmeetable", threshold: 1, keys: [("Alice", "root-a", "key_id: \(alice)")],
                                         leaving: [("Carol", nil, carol), ("Dave", nil, dave)]),
             "version 3 of 'rehearsal' needs 3 of its root keys to sign, but only 1 come with a token (Alice)"),
        ]
        for (name, plan, message) in cases {
            let run = try life.run(plan, into: name)
            #expect(run.status == 2, "\(name): \(run.output)")
            #expect(run.stderr.contains(message), "\(name): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(life.out)/\(name)"), "\(name) made an output directory")
        }

        // A current root changed by one byte no longer verifies, and nothing is rotated from it.
        let tampered = life.scratch.path("tampered")
        try FileManager.default.createDirectory(atPath: tampered, withIntermediateDirectories: true)
        for version in 1...3 {
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(life.out)/04-root-resign/public/metadata/rehearsal/\(version).root.json")))
            if version == 3, let index = bytes.firstIndex(of: UInt8(ascii: "3")) { bytes[index] = UInt8(ascii: "4") }
            try Data(bytes).write(to: URL(fileURLWithPath: "\(tampered)/\(version).root.json"))
        }
        let resign = try String(contentsOfFile: "\(life.out)/plans/04-root-resign.yaml", encoding: .utf8)
            .replacingOccurrences(of: "previous: ../03-root-rotation", with: "previous: ../../tampered")
        try resign.write(toFile: "\(life.out)/plans/tampered.yaml", atomically: true, encoding: .utf8)
        let run = try life.run("\(life.out)/plans/tampered.yaml", into: "tampered-out")
        #expect(run.status == 2, "\(run.output)")
        #expect(run.stderr.contains("does not verify, so it cannot be rotated or re-signed"), "\(run.stderr)")
        #expect(!run.stderr.contains(".swift"))

        // The digest read aloud covers the current root files a rotation reads.
        let check = try PlanCheck.run(planAt: URL(fileURLWithPath: "\(life.out)/plans/04-root-resign.yaml"), profileAt: nil)
        let digest = try #require(check.ceremonyDigest, "\(check.diagnostics)")
        let file = try Data(contentsOf: URL(fileURLWithPath: "\(life.out)/03-root-rotation/public/metadata/rehearsal/2.root.json"))
        #expect(digest.lines.contains("current rehearsal 2.root.json \(PlanDigest(of: file).hex)"), "\(digest.lines)")
        let swapped = try PlanCheck.run(planAt: URL(fileURLWithPath: "\(life.out)/plans/tampered.yaml"), profileAt: nil)
        #expect(swapped.ceremonyDigest.map { $0.digest != digest.digest } ?? true)

        // Roots the chain would not use are refused, not skipped: a stray name, an unversioned
        // root.json that is not the newest, and a history that does not start at version 1.
        let source = "\(life.out)/04-root-resign/public/metadata/rehearsal"
        func folder(_ name: String, versions: [Int], extra: [(String, Int)] = []) throws {
            let path = life.scratch.path(name)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for version in versions { try FileManager.default.copyItem(atPath: "\(source)/\(version).root.json", toPath: "\(path)/\(version).root.json") }
            for (file, version) in extra { try FileManager.default.copyItem(atPath: "\(source)/\(version).root.json", toPath: "\(path)/\(file)") }
        }
        try folder("stray", versions: [1, 2], extra: [("03.root.json", 3)])
        try folder("unversioned", versions: [1, 2], extra: [("root.json", 3)])
        try folder("no-first", versions: [2, 3])
        for (name, message) in [("stray", "holds 03.root.json, which is not named N.root.json"),
                                ("unversioned", "is not the same file as 2.root.json"),
                                ("no-first", "the oldest version found is 2, not 1")] {
            try resign.replacingOccurrences(of: "previous: ../../tampered", with: "previous: ../../\(name)")
                .write(toFile: "\(life.out)/plans/\(name).yaml", atomically: true, encoding: .utf8)
            let oddRun = try life.run("\(life.out)/plans/\(name).yaml", into: "\(name)-out")
            #expect(oddRun.status == 2, "\(name): \(oddRun.output)")
            #expect(oddRun.stderr.contains(message), "\(name): \(oddRun.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(life.out)/\(name)-out"))
        }
    }

    @Test("a kept key named on the wrong token is refused at preflight, naming holder and token, before anything is made; a rotation without a lost token completes and verifies")
    func wrongTokenAndLostToken() throws {
        let life = try Lifecycle()
        defer { life.scratch.remove() }
        let ids = try life.keyIDs()
        let alice = try #require(ids["Alice"]), carol = try #require(ids["Carol"]), dave = try #require(ids["Dave"])

        // Alice's key named on Bob's old token, which holds only Bob's key from version 1.
        let wrong = try life.plan("wrong-token", threshold: 3, keys: [("Alice", "root-b", "key_id: \(alice)"), ("Carol", "root-c", "key_id: \(carol)"), ("Dave", "root-d", "key_id: \(dave)")])
        let failed = try life.run(wrong, into: "wrong-token")
        #expect(failed.status == 1, "\(failed.output)")
        // Found at preflight, by the public key objects, before any PIN or key: nothing is made.
        #expect(failed.stderr.contains("preflight found 1 problem; nothing was created and no key was made"), "\(failed.stderr)")
        #expect(failed.stderr.contains("holder Alice, key 'root-b': token 'root-b'"), "\(failed.stderr)")
        #expect(failed.stderr.contains("holds no key whose public key is the current root's \(alice)"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(life.out)/wrong-token"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: life.out)) ?? []).allSatisfy { !$0.hasPrefix("wrong-token.failed-") })

        // Dave's token is lost: version 3 needs 3 of 3, so Alice and Carol alone cannot replace it.
        let lost = try life.plan("lost-token", threshold: 2, keys: [("Alice", "root-a", "key_id: \(alice)"), ("Carol", "root-c", "key_id: \(carol)")],
                                 leaving: [("Dave", nil, dave)])
        let refused = try life.run(lost, into: "lost-token")
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("needs 3 of its root keys to sign, but only 2 come with a token (Alice and Carol)"), "\(refused.stderr)")

        // With Dave's token present but Dave leaving, Dave signs for version 3 only and version 4 is 2 of Alice, Carol.
        let leaving = try life.plan("dave-leaves", threshold: 2, keys: [("Alice", "root-a", "key_id: \(alice)"), ("Carol", "root-c", "key_id: \(carol)")],
                                    leaving: [("Dave", "root-d", dave)])
        let done = try life.run(leaving, into: "dave-leaves")
        #expect(done.status == 0, "\(done.output)")
        #expect(done.stdout.contains("version 3 needs 3 of {Alice, Carol, Dave} from version 3") || done.stdout.contains("version 4 needs 3 of {Alice, Carol, Dave} from version 3"), "\(done.stdout)")
        let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", "\(life.out)/dave-leaves"])
        #expect(verify.status == 0, "\(verify.output)")
        let v4 = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(life.out)/dave-leaves/public/metadata/rehearsal/4.root.json")))).signed)
        #expect(v4.roles["root"]?.keyIDs == [alice, carol])
        #expect(v4.keys[dave] == nil, "a key no role lists leaves the file")
        let repo = life.scratch.path("repo")
        // The rotation keeps Erin's offline targets key, so the targets.json the delegation signed under version 1 stays valid.
        let serve = try PythonTUF.run(["serve-bundle", "\(life.out)/dave-leaves/public/metadata/rehearsal", "\(life.out)/online", repo,
                                       "--targets", "\(life.out)/02-targets-delegation/public/metadata/rehearsal/targets.json",
                                       "--role", "releases", "--target", "releases/app.txt", "--sign", "\(life.out)/online/releases.key.pem"])
        #expect(serve.status == 0, "\(serve.output)")
        let walk = try PythonTUF.walk(repo, target: "releases/app.txt")
        #expect(walk.ok && walk.root_version == 4 && walk.target_found == true, "\(walk.error ?? "")")
    }
}
