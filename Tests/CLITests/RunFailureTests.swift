import Ceremony
import Foundation
import Testing
import TestSupport

/// A room for `keyceremony run`: three rehearsal tokens, online keys made by openssl, and a
/// TUF plan that a test may vary.
struct CeremonyRoom {
    let scratch: TemporaryDirectory
    let tokens: String
    var pinFile: String { "\(tokens)/pins.json" }
    var environment: [String: String?] { ["SOFTHSM2_CONF": "\(tokens)/softhsm2.conf"] }

    init(_ name: String, labels: [String] = ["root-a", "root-b", "root-c"]) throws {
        scratch = try TemporaryDirectory(name)
        tokens = scratch.path("tokens")
        let made = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearsal", "tokens", "--dir", tokens, "--labels", labels.joined(separator: ",")],
                                         environment: ["SOFTHSM2_CONF": nil])
        guard made.status == 0 else { throw TestSupportError("rehearsal tokens: \(made.output)") }
        for role in ["targets", "snapshot", "timestamp"] {
            let key = scratch.path("plans/keys/\(role).key.pem")
            try FileManager.default.createDirectory(atPath: scratch.path("plans/keys"), withIntermediateDirectories: true)
            _ = try ProcessRunner.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
            let pub = try ProcessRunner.run("openssl", ["ec", "-in", key, "-pubout", "-out", scratch.path("plans/keys/\(role).pem")])
            guard pub.status == 0 else { throw TestSupportError("openssl: \(pub.output)") }
        }
    }

    /// Writes a TUF root-generation plan; `tokenLines` gives each holder's token mapping.
    func writePlan(_ name: String = "plan.yaml", tokens tokenLines: [String]? = nil, expires: String = "30d",
                   algorithm: String = "ecdsa-p256", extra: String = "") throws -> String {
        let holders = [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")]
        var text = """
        version: 1
        ceremony: root-generation
        dialect: tuf
        description: Test root for the failure paths
        repositories: [example]
        expires: \(expires)
        module: softhsm
        root:
          threshold: 2
          keys:

        """
        for (i, (holder, label)) in holders.enumerated() {
            text += "    - name: \(label)\n      holder: \(holder)\n      token: \(tokenLines?[i] ?? "{ label: \(label) }")\n      algorithm: \(algorithm)\n"
        }
        text += "online_keys:\n  targets: keys/targets.pem\n  snapshot: keys/snapshot.pem\n  timestamp: keys/timestamp.pem\nwitnesses: [Wendy]\n" + extra
        let path = scratch.path("plans/\(name)")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A copy of the PIN file with one token's user PIN changed (mode 0600).
    func pinFileWithWrongPIN(for label: String) throws -> String {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pinFile))) as! [String: Any]
        var tokens = json["tokens"] as! [String: [String: String]]
        tokens[label]!["user_pin"] = "wrong-\(label)"
        json["tokens"] = tokens
        let path = scratch.path("bad-pins-\(label).json")
        FileManager.default.createFile(atPath: path, contents: try JSONSerialization.data(withJSONObject: json), attributes: [.posixPermissions: 0o600])
        return path
    }

    func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(try TestPaths.keyceremony, ["run"] + arguments, environment: environment)
    }

    func failedTranscripts(of out: String) throws -> [String] {
        let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: out).lastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: parent).filter { $0.hasPrefix("\(name).failed-") }
            .map { "\(parent)/\($0)/transcript.jsonl" }
    }
}

@Suite("keyceremony run: failures are clear and lose nothing")
struct RunFailureTests {
    @Test("a rehearsal run with the room's PINs completes and verifies")
    func completes() throws {
        let room = try CeremonyRoom("run-ok")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        let result = try room.run([try room.writePlan(), "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 0, "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/public/metadata/example/1.root.json"))
        let verification = try TranscriptVerifier.verify(fileAt: URL(fileURLWithPath: "\(out)/public/transcript.jsonl"), requireSeal: true,
                                                     publicDirectory: URL(fileURLWithPath: "\(out)/public"))
        #expect(verification.problem == nil, "\(String(describing: verification.problem))")
    }

    @Test("a wrong PIN at any holder's step stops the ceremony, names step, holder and token, and leaves no DIR", arguments: ["root-a", "root-b", "root-c"])
    func wrongPIN(label: String) throws {
        let room = try CeremonyRoom("run-wrong-pin")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        let result = try room.run([try room.writePlan(), "--out", out, "--rehearsal", "--yes", "--pins", try room.pinFileWithWrongPIN(for: label)])
        #expect(result.status == 1, "\(result.output)")
        let holder = ["root-a": "Alice", "root-b": "Bob", "root-c": "Carol"][label]!
        #expect(result.stderr.contains("holder \(holder)"), "\(result.stderr)")
        #expect(result.stderr.contains("wrong PIN for token '\(label)' (serial "), "\(result.stderr)")
        #expect(result.stderr.contains("step "))
        #expect(!result.output.contains("wrong-\(label)"), "the PIN is never printed")
        #expect(!FileManager.default.fileExists(atPath: out), "no output directory after a failure")
        let failed = try room.failedTranscripts(of: out)
        #expect(failed.count == 1)
        let transcript = try String(contentsOfFile: failed[0], encoding: .utf8)
        #expect(transcript.contains("\"event\":\"error\""))
        #expect(!transcript.contains("wrong-\(label)"))
        // Keys made before the failure, and by whom, are on record.
        let earlier = ["root-a": [String](), "root-b": ["Alice"], "root-c": ["Alice", "Bob"]][label]!
        let generated = transcript.split(separator: "\n").filter { $0.contains("\"event\":\"key-generated\"") }
        #expect(generated.count == earlier.count)
        for holder in earlier { #expect(generated.contains { $0.contains("\"holder\":\"\(holder)\"") }) }
        // Nothing half-written is left beside it.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: room.scratch.path(""))
        #expect(!siblings.contains { $0.contains(".partial-") })
    }

    @Test("a token that is not the planned one is refused, showing both identities")
    func wrongToken() throws {
        let room = try CeremonyRoom("run-wrong-token")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        let plan = try room.writePlan(tokens: ["{ uri: \"pkcs11:token=root-a;serial=0000000000000000\" }", "{ label: root-b }", "{ label: root-c }"])
        let result = try room.run([plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("holder Alice"))
        #expect(result.stderr.contains("wrong token: the plan expects the token matching pkcs11:token=root-a;serial=0000000000000000"), "\(result.stderr)")
        #expect(result.stderr.contains("the token present is 'root-a' (serial "))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try room.failedTranscripts(of: out).count == 1)
    }

    @Test("a token that is missing is named with the tokens present")
    func missingToken() throws {
        let room = try CeremonyRoom("run-missing-token")
        defer { room.scratch.remove() }
        let plan = try room.writePlan(tokens: ["{ label: root-a }", "{ label: root-x }", "{ label: root-c }"])
        let result = try room.run([plan, "--out", room.scratch.path("out"), "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 1)
        #expect(result.stderr.contains("holder Bob"))
        #expect(result.stderr.contains("token 'root-x' is not present"), "\(result.stderr)")
        #expect(result.stderr.contains("'root-b' (serial"))
    }

    @Test("an existing non-empty output directory is refused before anything happens")
    func existingDirectory() throws {
        let room = try CeremonyRoom("run-exists")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        try room.scratch.write(Array("old".utf8), to: "out/old.txt")
        let result = try room.run([try room.writePlan(), "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not empty"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["old.txt"])
        #expect(try room.failedTranscripts(of: out).isEmpty)
        // No key was made: the tokens hold no objects.
        let tokens = try ProcessRunner.run(try TestPaths.keyceremony, ["tokens", "--json"], environment: room.environment)
        #expect(!tokens.stdout.contains("\"class\""), "\(tokens.stdout)")
    }

    @Test("a malformed plan is refused with file:line:column")
    func malformedPlan() throws {
        let room = try CeremonyRoom("run-bad-plan")
        defer { room.scratch.remove() }
        let plan = try room.writePlan(extra: "pin: 1234\n")
        let result = try room.run([plan, "--out", room.scratch.path("out"), "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 2)
        #expect(result.stderr.contains("plan.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("pin"))
    }

    @Test("rehearsal-only flags are refused without --rehearsal, and a production run without a terminal fails at once")
    func productionNeedsTerminal() throws {
        let room = try CeremonyRoom("run-no-tty")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let flags = try room.run([plan, "--out", room.scratch.path("out"), "--pins", room.pinFile])
        #expect(flags.status == 2)
        #expect(flags.stderr.contains("only for rehearsals"))
        let noTTY = try room.run([plan, "--out", room.scratch.path("out")])
        #expect(noTTY.status == 1)
        #expect(noTTY.stderr.contains("no terminal"), "\(noTTY.stderr)")
        #expect(!FileManager.default.fileExists(atPath: room.scratch.path("out")))
    }

    @Test("a production run at a terminal: every step confirmed, PINs typed without echo, bundle complete")
    func productionOnTerminal() throws {
        let room = try CeremonyRoom("run-tty")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let out = room.scratch.path("out")
        let pins = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: room.pinFile))) as! [String: Any]
        let userPINs = (pins["tokens"] as! [String: [String: String]]).mapValues { $0["user_pin"]! }
        // Steps: digest, then per key insert+generate, build, per key sign, verify, write, seal.
        // A typo at a confirmation asks again rather than skipping or stopping.
        // Step 1: the officer, then the witness Wendy confirms the plan digest by name.
        var answers: [(String, String)] = [("type 'yes'", "maybe"), ("please type 'yes' to go on", "yes"), ("Wendy, type 'yes'", "yes")]
        for (holder, label) in [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")] {
            answers += [("type 'yes'", "yes"), ("\(holder), enter the user PIN of token '\(label)'", userPINs[label]!), ("type 'yes'", "yes")]
        }
        answers.append(("type 'yes'", "yes"))
        for (holder, label) in [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")] {
            answers += [("type 'yes'", "yes"), ("\(holder), enter the user PIN of token '\(label)'", userPINs[label]!)]
        }
        answers += [("type 'yes'", "yes"), ("type 'yes'", "yes"), ("type 'yes'", "yes")]
        let sandbox = try CLISandbox("run-tty-pty")
        defer { sandbox.remove() }
        let result = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", plan, "--out", out],
                                            answers: answers)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Step 14/14"))
        for pin in userPINs.values { #expect(!result.stdout.contains(pin), "a PIN was echoed") }
        let manifest = try String(contentsOfFile: "\(out)/public/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"rehearsal\" : false"))
        let transcript = try String(contentsOfFile: "\(out)/public/transcript.jsonl", encoding: .utf8)
        #expect(transcript.contains("\"by\":\"Alice at the terminal\""))
    }

    @Test("Ctrl-C at a step aborts cleanly: no DIR, and the failed transcript records the interruption")
    func interrupted() throws {
        let room = try CeremonyRoom("run-ctrl-c")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let out = room.scratch.path("out")
        let sandbox = try CLISandbox("run-ctrl-c-pty")
        defer { sandbox.remove() }
        // ETX (Ctrl-C) typed at the terminal becomes SIGINT for the ceremony.
        let result = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", plan, "--out", out],
                                            answers: [("type 'yes'", "yes"), ("type 'yes'", "\u{03}")])
        #expect(result.status == 130, "\(result.output)")
        #expect(result.stdout.contains("interrupted"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let failed = try room.failedTranscripts(of: out)
        #expect(failed.count == 1)
        let transcript = try String(contentsOfFile: failed[0], encoding: .utf8)
        #expect(transcript.contains("interrupted (Ctrl-C or SIGTERM)"))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: room.scratch.path(""))
        #expect(!siblings.contains { $0.contains(".partial-") })
    }

    @Test("one physical token named twice (label for one key, serial for another) is refused: a root key needs its own token")
    func sameTokenTwice() throws {
        let room = try CeremonyRoom("run-same-token")
        defer { room.scratch.remove() }
        let listing = try ProcessRunner.run(try TestPaths.keyceremony, ["tokens", "--token", "root-a", "--json"], environment: room.environment)
        let json = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any]
        let serial = try #require((json?["tokens"] as? [[String: Any]])?.first?["serial"] as? String)
        let plan = try room.writePlan(tokens: ["{ label: root-a }", "{ serial: \"\(serial)\" }", "{ label: root-c }"])
        let out = room.scratch.path("out")
        let result = try room.run([plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("holder Bob"))
        #expect(result.stderr.contains("token 'root-a' (serial \(serial)) already holds key 'root-a' of Alice"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("expiry bounds are enforced when the ceremony runs, not only at plan check")
    func expiryBounds() throws {
        let room = try CeremonyRoom("run-expiry")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        let tooLong = try room.run([try room.writePlan("long.yaml", expires: "25y"), "--out", out, "--pins", room.pinFile, "--rehearsal", "--yes"])
        #expect(tooLong.status == 2, "\(tooLong.output)")
        #expect(tooLong.stderr.contains("long.yaml:"), "\(tooLong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try room.failedTranscripts(of: out).isEmpty, "nothing is made for a plan refused on the day")
        let warned = try room.run([try room.writePlan("warn.yaml", expires: "6y"), "--out", out, "--pins", room.pinFile, "--rehearsal", "--yes"])
        #expect(warned.status == 0, "\(warned.output)")
        #expect(warned.output.contains("warning"), "\(warned.output)")
    }

    @Test("Ctrl-C while a token is generating a key: the key is recorded, the ceremony stops before the next step")
    func interruptedDuringStep() throws {
        // RSA keys take long enough to interrupt mid-step; if a fast machine finishes first, try again.
        for attempt in 1...3 {
            let room = try CeremonyRoom("run-ctrl-c-step")
            defer { room.scratch.remove() }
            let plan = try room.writePlan(algorithm: "rsa-4096")
            let out = room.scratch.path("out-\(attempt)")
            let log = room.scratch.url.appendingPathComponent("log-\(attempt)")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try TestPaths.keyceremony)
            process.arguments = ["run", plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile]
            process.environment = ProcessInfo.processInfo.environment.merging(["SOFTHSM2_CONF": "\(room.tokens)/softhsm2.conf"]) { $1 }
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            var text = ""
            for _ in 0..<2000 {
                guard process.isRunning, !text.contains("Step 3/") else { break }
                usleep(5_000)
                text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            }
            process.interrupt()
            process.waitUntilExit()
            try handle.close()
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if process.terminationStatus == 0 { continue }
            #expect(process.terminationStatus == 130, "\(text)")
            #expect(text.contains("interrupted (Ctrl-C or SIGTERM) after this step completed"), "\(text)")
            #expect(!FileManager.default.fileExists(atPath: out))
            let failed = try room.failedTranscripts(of: out)
            #expect(failed.count == 1)
            let transcript = try String(contentsOfFile: failed.first ?? "", encoding: .utf8)
            // The key the token was making when Ctrl-C came is on record, with its holder.
            #expect(transcript.contains("\"event\":\"key-generated\""))
            #expect(transcript.contains("\"holder\":\"Alice\""))
            return
        }
        Issue.record("the ceremony finished three times before it could be interrupted")
    }

    @Test("a token pulled out before its holder signs stops the ceremony with step, holder and token named, and leaves no DIR")
    func tokenPulledOut() throws {
        let room = try CeremonyRoom("run-pulled")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let out = room.scratch.path("out")
        let pins = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: room.pinFile))) as! [String: Any]
        let userPINs = (pins["tokens"] as! [String: [String: String]]).mapValues { $0["user_pin"]! }
        // SoftHSM2 keeps a token in a directory: removing it while the ceremony waits is pulling the token.
        let pull = "rm -rf \"$(dirname \"$(grep -l root-b \(room.tokens)/tokens/*/token.object)\")\""
        var steps: [(String, String, String?)] = [("type 'yes'", "yes", nil), ("Wendy, type 'yes'", "yes", nil)]
        for (holder, label) in [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")] {
            steps += [("type 'yes'", "yes", nil), ("\(holder), enter the user PIN of token '\(label)'", userPINs[label]!, nil), ("type 'yes'", "yes", nil)]
        }
        steps += [("type 'yes'", "yes", nil), ("type 'yes'", "yes", nil), ("Alice, enter the user PIN", userPINs["root-a"]!, nil),
                  ("Bob, type 'yes'", "yes", pull), ("Bob, enter the user PIN", userPINs["root-b"]!, nil)]
        let sandbox = try CLISandbox("run-pulled-pty")
        defer { sandbox.remove() }
        let result = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", plan, "--out", out],
                                            steps: steps)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("error: step 10/14, holder Bob"), "\(result.stdout)")
        #expect(result.stdout.contains("root-b"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let failed = try room.failedTranscripts(of: out)
        #expect(failed.count == 1)
        let transcript = try String(contentsOfFile: failed.first ?? "", encoding: .utf8)
        #expect(transcript.split(separator: "\n").filter { $0.contains("\"event\":\"key-generated\"") }.count == 3)
    }
}
