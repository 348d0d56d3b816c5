import Ceremony
import Foundation
import Testing
import TestSupport

/// The ceremony in the room (issue 13): preflight, mistakes recovered in place, skipping a holder
/// once thresholds are met, and cleanup after a failure. Interactive runs go through a real
/// pseudo-terminal; tokens are real SoftHSM2 tokens (their folders moved away and back stand in
/// for pulling a token out and putting it back).
@Suite("keyceremony run in the room: preflight, recoverable mistakes, cleanup")
struct RoomTests {
    static let holders = [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")]

    func userPINs(_ room: CeremonyRoom) throws -> [String: String] {
        let pins = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: room.pinFile))) as! [String: Any]
        return (pins["tokens"] as! [String: [String: String]]).mapValues { $0["user_pin"]! }
    }

    /// Shell commands that move a token's SoftHSM2 folder out of the tokens directory, and back.
    func pull(_ room: CeremonyRoom, _ label: String) -> (away: String, back: String) {
        let away = room.scratch.path("away-\(label)")
        return ("d=\"$(dirname \"$(grep -l \(label) \(room.tokens)/tokens/*/token.object)\")\"; mv \"$d\" \(away) && echo \"$d\" > \(away).path",
                "mv \(away) \"$(cat \(away).path)\"")
    }

    func tokenObjects(_ room: CeremonyRoom, _ label: String) throws -> String {
        try ProcessRunner.run(try TestPaths.keyceremony, ["tokens", "--token", label, "--json"], environment: room.environment).stdout
    }

    func verify(_ out: String) throws -> ProcessResult {
        try ProcessRunner.run(try TestPaths.keyceremony, ["verify", out])
    }

    @Test("a room trial: typo and a 'no' taken back, a wrong PIN then the right one, an empty PIN, a token pulled and put back — the ceremony completes and verifies")
    func roomTrial() throws {
        let room = try CeremonyRoom("room-trial")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let out = room.scratch.path("out")
        let pins = try userPINs(room)
        let carol = pull(room, "root-c")
        var steps: [(String, String, String?)] = [
            ("Wendy: if these words match", "Wendy", nil),
            ("Officer, type 'yes'", "maybe", nil), ("please type 'yes' to go on", "no", nil),
            ("stop the ceremony? Keys already made stay on their tokens", "", nil),
            ("Officer, type 'yes'", "yes", nil),
            // Alice: a wrong PIN, then the right one at the prompt that follows.
            ("Alice, insert token 'root-a'", "yes", nil), ("Alice, enter the user PIN of token 'root-a' (serial ", "wrong-pin", nil),
            ("Alice, enter the user PIN of token 'root-a' (serial ", pins["root-a"]!, nil),
        ]
        steps += [("Alice, type 'yes'", "yes", nil),
                  // Bob: an extra Enter first.
                  ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", "", nil),
                  ("Bob, enter the user PIN", pins["root-b"]!, nil), ("Bob, type 'yes'", "yes", nil),
                  ("Carol, insert token 'root-c'", "yes", nil), ("Carol, enter the user PIN", pins["root-c"]!, nil), ("Carol, type 'yes'", "yes", nil),
                  ("Officer, type 'yes'", "yes", nil),
                  ("Alice, insert token 'root-a'", "yes", nil), ("Alice, enter the user PIN", pins["root-a"]!, nil),
                  ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", pins["root-b"]!, nil),
                  // Carol's token is pulled out just before her signing step, and put back when asked.
                  ("Carol, insert token 'root-c'", "yes", carol.away),
                  ("Carol: insert token 'root-c' (serial ", "", carol.back),
                  ("Carol, enter the user PIN", pins["root-c"]!, nil),
                  ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil)]
        let sandbox = try CLISandbox("room-trial-pty")
        defer { sandbox.remove() }
        let result = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", plan,
                                             "--out", out, "--allow-software-token", "test room"], steps: steps)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("PIN accepted"))
        #expect(result.stdout.contains("wrong PIN for token 'root-a'"))
        #expect(result.stdout.contains("no PIN was entered; nothing was sent to the token"))
        #expect(result.stdout.contains("is not present"), "the pulled token was noticed")
        #expect(result.stdout.contains("Write on paper"))
        #expect(result.stdout.contains("transcript seal digest: "))
        for pin in pins.values { #expect(!result.stdout.contains(pin), "a PIN was echoed") }
        #expect(!result.stdout.contains("wrong-pin"))
        let transcript = try String(contentsOfFile: "\(out)/public/transcript.jsonl", encoding: .utf8)
        #expect(transcript.contains("\"by\":\"Wendy\""), "the witness confirmed by name")
        #expect(transcript.contains("\"software_token_reason\":\"test room\""))
        #expect(!transcript.contains("wrong-pin"))
        #expect(try verify(out).status == 0)
    }

    @Test("a holder who cannot sign once every threshold is met is skipped with the officer's yes, and the skip is recorded")
    func skippedHolder() throws {
        let room = try CeremonyRoom("room-skip")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let out = room.scratch.path("out")
        let pins = try userPINs(room)
        var steps: [(String, String, String?)] = [("Wendy: if these words match", "Wendy", nil), ("Officer, type 'yes'", "yes", nil)]
        for (holder, label) in Self.holders {
            steps += [("\(holder), insert token '\(label)'", "yes", nil), ("\(holder), enter the user PIN of token '\(label)'", pins[label]!, nil),
                      ("\(holder), type 'yes'", "yes", nil)]
        }
        steps += [("Officer, type 'yes'", "yes", nil),
                  ("Alice, insert token 'root-a'", "yes", nil), ("Alice, enter the user PIN", pins["root-a"]!, nil),
                  ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", pins["root-b"]!, nil),
                  ("Carol, insert token 'root-c'", "yes", pull(room, "root-c").away),
                  ("Carol: insert token 'root-c'", "stop", nil), ("stop the ceremony?", "stop", nil),
                  ("Officer, skip Carol and go on without their signature?", "yes", nil),
                  ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil)]
        let sandbox = try CLISandbox("room-skip-pty")
        defer { sandbox.remove() }
        let result = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", plan,
                                             "--out", out, "--allow-software-token", "test room"], steps: steps)
        #expect(result.status == 0, "\(result.output)")
        let transcript = try String(contentsOfFile: "\(out)/public/transcript.jsonl", encoding: .utf8)
        let skipped = transcript.split(separator: "\n").filter { $0.contains("\"event\":\"holder-skipped\"") }
        #expect(skipped.count == 1)
        #expect(skipped.first?.contains("\"holder\":\"Carol\"") == true)
        #expect(skipped.first?.contains("\"confirmed_by\":\"Officer at the terminal\"") == true)
        #expect(transcript.contains("\"outcome\":\"skipped\""))
        #expect(transcript.split(separator: "\n").filter { $0.contains("\"event\":\"signature\"") }.count == 2)
        #expect(try verify(out).status == 0)

        // A holder who does not come: 'no' at their step, then 'stop', and the officer skips them.
        let second = try CeremonyRoom("room-skip-absent")
        defer { second.scratch.remove() }
        let secondPINs = try userPINs(second)
        var absent: [(String, String, String?)] = [("Wendy: if these words match", "Wendy", nil), ("Officer, type 'yes'", "yes", nil)]
        for (holder, label) in Self.holders {
            absent += [("\(holder), insert token '\(label)'", "yes", nil), ("\(holder), enter the user PIN of token '\(label)'", secondPINs[label]!, nil),
                       ("\(holder), type 'yes'", "yes", nil)]
        }
        absent += [("Officer, type 'yes'", "yes", nil),
                   ("Alice, insert token 'root-a'", "yes", nil), ("Alice, enter the user PIN", secondPINs["root-a"]!, nil),
                   ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", secondPINs["root-b"]!, nil),
                   ("Carol, insert token 'root-c'", "no", nil), ("stop the ceremony?", "stop", nil),
                   ("Officer, skip Carol and go on without their signature?", "yes", nil),
                   ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil)]
        let secondOut = second.scratch.path("out")
        let absentRun = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(second.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run",
                                                try second.writePlan(), "--out", secondOut, "--allow-software-token", "test room"], steps: absent)
        #expect(absentRun.status == 0, "\(absentRun.output)")
        let absentTranscript = try String(contentsOfFile: "\(secondOut)/public/transcript.jsonl", encoding: .utf8)
        #expect(absentTranscript.contains("\"event\":\"holder-skipped\""))
        #expect(absentTranscript.contains("Carol chose to stop the ceremony at step 11/14"))
        #expect(try verify(secondOut).status == 0)
    }

    @Test("a production run on SoftHSM2 is refused at preflight, before any key or folder is made")
    func productionOnSoftwareTokenRefused() throws {
        let room = try CeremonyRoom("room-softhsm")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        let result = try room.run([try room.writePlan(), "--out", out])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("preflight found 1 problem"), "\(result.stderr)")
        #expect(result.stderr.contains("SoftHSM2"))
        #expect(result.stderr.contains("--allow-software-token"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try room.failedTranscripts(of: out).isEmpty)
        #expect(!(try tokenObjects(room, "root-a")).contains("\"class\""))
    }

    @Test("a failure lists the objects left; preflight then refuses the leftover before any key is made; cleanup deletes exactly those; the rerun completes and verifies")
    func cleanupThenRerun() throws {
        let room = try CeremonyRoom("room-cleanup")
        defer { room.scratch.remove() }
        let plan = try room.writePlan()
        let out = room.scratch.path("out")
        // Bob's PIN is wrong in the file: Alice's key is made, then the rehearsal stops.
        let failed = try room.run([plan, "--out", out, "--rehearsal", "--yes", "--pins", try room.pinFileWithWrongPIN(for: "root-b")])
        #expect(failed.status == 1, "\(failed.output)")
        #expect(failed.stdout.contains("Objects this ceremony made, left on the tokens"), "\(failed.stdout)")
        #expect(failed.stdout.contains("token 'root-a' (serial "))
        let failedTranscripts = try room.failedTranscripts(of: out)
        try #require(failedTranscripts.count == 1)
        let transcript = try String(contentsOfFile: failedTranscripts[0], encoding: .utf8)
        let left = transcript.split(separator: "\n").filter { $0.contains("\"event\":\"objects-left\"") }
        #expect(left.count == 1)
        #expect(left.first?.contains("\"token_label\":\"root-a\"") == true)
        #expect(left.first?.contains("\"cka_id\":\"") == true)
        #expect(try tokenObjects(room, "root-a").contains("\"label\" : \"root-a\""))

        // The same plan again: preflight finds the leftover and nothing is made.
        let refused = try room.run([plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("preflight found 1 problem"), "\(refused.stderr)")
        #expect(refused.stderr.contains("holder Alice, key 'root-a': token 'root-a' (serial "), "\(refused.stderr)")
        #expect(refused.stderr.contains("already holds an object labelled 'root-a'"))
        #expect(refused.stderr.contains("keyceremony cleanup"))
        #expect(try room.failedTranscripts(of: out).count == 1, "preflight leaves no folder")
        for label in ["root-b", "root-c"] { #expect(!(try tokenObjects(room, label)).contains("\"class\""), "no key was made on \(label)") }

        // Cleanup deletes exactly what the transcript lists, and records it.
        let folder = URL(fileURLWithPath: failedTranscripts[0]).deletingLastPathComponent().path
        let cleanup = try ProcessRunner.run(try TestPaths.keyceremony, ["cleanup", folder, "--rehearsal", "--pins", room.pinFile], environment: room.environment)
        #expect(cleanup.status == 0, "\(cleanup.output)")
        #expect(cleanup.stdout.contains("deleted: token 'root-a' (serial "), "\(cleanup.stdout)")
        #expect(!(try tokenObjects(room, "root-a")).contains("\"class\""))
        let records = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("cleanup-") }
        #expect(records.count == 1)
        let record = try String(contentsOfFile: "\(folder)/\(records.first ?? "")", encoding: .utf8)
        #expect(record.contains("\"outcome\" : \"deleted\""), "\(record)")

        // A second cleanup finds nothing left, and writes a second record beside the first.
        let again = try ProcessRunner.run(try TestPaths.keyceremony, ["cleanup", folder, "--rehearsal", "--pins", room.pinFile], environment: room.environment)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("absent: token 'root-a'"), "\(again.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("cleanup-") }.count == 2)

        let rerun = try room.run([plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(try verify(out).status == 0)
        // A completed ceremony's keys are a root: cleanup refuses its bundle.
        let sealed = try ProcessRunner.run(try TestPaths.keyceremony, ["cleanup", "\(out)/public", "--rehearsal", "--pins", room.pinFile], environment: room.environment)
        #expect(sealed.status == 2, "\(sealed.output)")
        #expect(sealed.stderr.contains("sealed"))
    }

    @Test("a DIR.partial-* left by a killed run is named and the run refuses to guess")
    func killedRunLeftovers() throws {
        let room = try CeremonyRoom("room-partial")
        defer { room.scratch.remove() }
        let out = room.scratch.path("out")
        try room.scratch.write(Array("{}\n".utf8), to: "out.partial-0123abcd/public/transcript.jsonl")
        let result = try room.run([try room.writePlan(), "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("out.partial-0123abcd is the working folder of an earlier run"), "\(result.stderr)")
        #expect(result.stderr.contains("killed"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(!(try tokenObjects(room, "root-a")).contains("\"class\""))
    }

    @Test("PIN states read before each try: a final try is announced and needs the holder's yes; a locked PIN stops, naming holder and token, without asking for a PIN")
    func finalTryAndLocked() throws {
        let room = try CeremonyRoom("room-pin-states")
        defer { room.scratch.remove() }
        // A small module that wraps SoftHSM2 and makes a token report the PIN state a test names.
        let shim = room.scratch.path("pin-fault.so")
        let source = TestPaths.packageRoot.appendingPathComponent("scripts/testing/pkcs11-pin-fault.c").path
        let built = try ProcessRunner.run("cc", ["-shared", "-fPIC", "-o", shim, source, "-ldl"])
        try #require(built.status == 0, "\(built.output)")
        let faults = room.scratch.path("faults")
        FileManager.default.createFile(atPath: faults, contents: nil)
        let planPath = try room.writePlan()
        let plan = try String(contentsOfFile: planPath, encoding: .utf8).replacingOccurrences(of: "module: softhsm", with: "module: \(shim)")
        try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
        let out = room.scratch.path("out")
        let pins = try userPINs(room)
        let steps: [(String, String, String?)] = [
            ("Wendy: if these words match", "Wendy", nil), ("Officer, type 'yes'", "yes", nil),
            ("Alice, insert token 'root-a'", "yes", "echo 'root-a final-try' > \(faults)"),
            ("Alice, make the final PIN try on token 'root-a'", "yes", nil),
            ("Alice, enter the user PIN of token 'root-a'", pins["root-a"]!, nil),
            ("Alice, type 'yes'", "yes", nil),
            ("Bob, insert token 'root-b'", "yes", "echo 'root-b locked' > \(faults)"),
        ]
        let sandbox = try CLISandbox("room-pin-states-pty")
        defer { sandbox.remove() }
        let result = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", "KC_PIN_FAULT_FILE=\(faults)",
                                             try TestPaths.keyceremony, "run", planPath, "--out", out, "--allow-software-token", "test room"],
                                            steps: steps)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("token 'root-a' (serial "), "\(result.stdout)")
        #expect(result.stdout.contains("reports ONE user PIN try left: a wrong PIN now locks it"))
        #expect(result.stdout.contains("PIN accepted: Alice is logged in"))
        #expect(result.stdout.contains("error: step 4/14, holder Bob, token 'root-b' (serial "), "\(result.stdout)")
        #expect(result.stdout.contains("the user PIN of token 'root-b' (serial "))
        #expect(result.stdout.contains("is locked"))
        #expect(!result.stdout.contains("Bob, enter the user PIN"), "no PIN is asked of a locked token")
        let failed = try room.failedTranscripts(of: out)
        #expect(failed.count == 1)
        let transcript = try String(contentsOfFile: failed.first ?? "", encoding: .utf8)
        #expect(transcript.contains("\"event\":\"objects-left\""))

        // Declining the final try stops before any PIN is typed, so the token is not locked.
        let second = try CeremonyRoom("room-pin-decline")
        defer { second.scratch.remove() }
        let secondPlan = try second.writePlan()
        try (try String(contentsOfFile: secondPlan, encoding: .utf8).replacingOccurrences(of: "module: softhsm", with: "module: \(shim)"))
            .write(toFile: secondPlan, atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: faults))
        let declined = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(second.tokens)/softhsm2.conf", "KC_PIN_FAULT_FILE=\(faults)",
                                               try TestPaths.keyceremony, "run", secondPlan, "--out", second.scratch.path("out"),
                                               "--allow-software-token", "test room"],
                                              steps: [("Wendy: if these words match", "Wendy", nil), ("Officer, type 'yes'", "yes", nil),
                                                      ("Alice, insert token 'root-a'", "yes", "echo 'root-a final-try' > \(faults)"),
                                                      ("Alice, make the final PIN try on token 'root-a'", "no", nil)])
        #expect(declined.status == 1, "\(declined.output)")
        #expect(declined.stdout.contains("Alice chose not to make the final PIN try"), "\(declined.stdout)")
        #expect(!declined.stdout.contains("Alice, enter the user PIN"))
    }

    @Test("preflight reports every problem at once: a locked PIN, a software token in production, a killed run's folder")
    func everyProblemAtOnce() throws {
        let room = try CeremonyRoom("room-all-at-once")
        defer { room.scratch.remove() }
        let shim = room.scratch.path("pin-fault.so")
        let source = TestPaths.packageRoot.appendingPathComponent("scripts/testing/pkcs11-pin-fault.c").path
        let built = try ProcessRunner.run("cc", ["-shared", "-fPIC", "-o", shim, source, "-ldl"])
        try #require(built.status == 0, "\(built.output)")
        let faults = try room.scratch.write("root-c locked\n", to: "faults")
        let planPath = try room.writePlan()
        let plan = try String(contentsOfFile: planPath, encoding: .utf8).replacingOccurrences(of: "module: softhsm", with: "module: \(shim)")
        try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
        try room.scratch.write(Array("{}\n".utf8), to: "out.partial-feed/public/transcript.jsonl")
        let out = room.scratch.path("out")
        let result = try ProcessRunner.run(try TestPaths.keyceremony, ["run", planPath, "--out", out],
                                           environment: room.environment.merging(["KC_PIN_FAULT_FILE": faults.path]) { $1 })
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("preflight found 3 problems; nothing was created and no key was made"), "\(result.stderr)")
        #expect(result.stderr.contains("holder Carol, key 'root-c': the user PIN of token 'root-c' (serial "))
        #expect(result.stderr.contains("--allow-software-token"))
        #expect(result.stderr.contains("out.partial-feed is the working folder of an earlier run"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try room.failedTranscripts(of: out).isEmpty)
        for label in ["root-a", "root-b", "root-c"] { #expect(!(try tokenObjects(room, label)).contains("\"class\"")) }
    }

    @Test("--help lists exit code 130; run --help explains failure, cleanup and why there is no resume")
    func help() throws {
        let top = try ProcessRunner.run(try TestPaths.keyceremony, ["--help"])
        #expect(top.stdout.contains("130 interrupted"), "\(top.stdout)")
        #expect(top.stdout.contains("cleanup"))
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["run", "--help"])
        // Help text is wrapped to the terminal's width: compare with whitespace folded.
        let words = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for phrase in ["keyceremony cleanup DIR.failed-<time>", "never resumed", "--allow-software-token", "130 interrupted", "DIR.partial-<random>"] {
            #expect(words.contains(phrase), "\(phrase): \(run.stdout)")
        }
    }

    @Test("kill -9 mid-ceremony leaves DIR.partial-*: the next run names it and refuses; cleanup on it deletes the keys its transcript records")
    func killedRunThenCleanup() throws {
        let room = try CeremonyRoom("room-kill")
        defer { room.scratch.remove() }
        // RSA keys take long enough on SoftHSM2 for the kill to land while later keys are made.
        let plan = try room.writePlan(algorithm: "rsa-4096")
        let out = room.scratch.path("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestPaths.keyceremony)
        process.arguments = ["run", plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile]
        process.environment = ProcessInfo.processInfo.environment.merging(["SOFTHSM2_CONF": "\(room.tokens)/softhsm2.conf"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        func partial() -> String? {
            (try? FileManager.default.contentsOfDirectory(atPath: room.scratch.path("")))?.first { $0.hasPrefix("out.partial-") }
        }
        // Wait (bounded) until the working folder's transcript records a key, then kill -9.
        for _ in 0..<12_000 {
            guard process.isRunning else { break }
            if let name = partial(),
               let text = try? String(contentsOfFile: room.scratch.path("\(name)/public/transcript.jsonl"), encoding: .utf8),
               text.contains("\"event\":\"key-generated\"") { break }
            usleep(5_000)
        }
        try #require(process.isRunning, "the ceremony ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let name = try #require(partial())

        let refused = try room.run([plan, "--out", out, "--rehearsal", "--yes", "--pins", room.pinFile])
        #expect(refused.status != 0, "\(refused.output)")
        #expect(refused.stderr.contains("\(name) is the working folder of an earlier run of this ceremony that was killed"), "\(refused.stderr)")
        #expect(refused.stderr.contains("keyceremony cleanup"))

        let cleanup = try ProcessRunner.run(try TestPaths.keyceremony, ["cleanup", room.scratch.path(name), "--rehearsal", "--pins", room.pinFile],
                                            environment: room.environment)
        #expect(cleanup.status == 0, "\(cleanup.output)")
        #expect(cleanup.stdout.contains("deleted: token 'root-a' (serial "), "\(cleanup.stdout)")
        #expect(!(try tokenObjects(room, "root-a")).contains("\"class\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: room.scratch.path(name)).contains { $0.hasPrefix("cleanup-") })
    }
}
