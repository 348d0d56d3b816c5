import Ceremony
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// Backup with SLIP-39 shares (two groups and a passphrase) and the `recovery` ceremony, on real
/// SoftHSM2 tokens: every wrong-share case is refused with its own message before any token is
/// touched, and the right shares restore the key onto a fresh token that signs the next root.
@Suite("backup and recovery: SLIP-39 shares, the drill, and every wrong-share case", .serialized)
struct BackupRecoveryTests {
    /// Tokens, online keys, and a generation with backup, made once for the suite.
    final class Room: @unchecked Sendable {
        let scratch: TemporaryDirectory
        var environment: [String: String?] { ["SOFTHSM2_CONF": scratch.path("softhsm/softhsm2.conf")] }
        var pins: String { scratch.path("softhsm/pins.json") }
        var generation: String { scratch.path("gen") }
        let generationOutput: String
        /// Key IDs of Alice's (backed up) and Bob's keys in version 1.
        let aliceKeyID: String
        let bobKeyID: String
        /// The shares the rehearsed generation handed out, by custodian.
        let shares: [String: String]

        init() throws {
            scratch = try TemporaryDirectory("backup-recovery")
            let tokens = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearsal", "tokens", "--dir", scratch.path("softhsm"),
                                                                          "--labels", "root-a,root-b,drill,new-a"],
                                               environment: ["SOFTHSM2_CONF": nil])
            guard tokens.status == 0 else { throw TestSupportError("tokens: \(tokens.output)") }
            try Self.setPassphrase("correct horse battery staple", in: scratch.path("softhsm/pins.json"))
            try FileManager.default.createDirectory(atPath: scratch.path("keys"), withIntermediateDirectories: true)
            for role in OnlineKeyFiles.roles {
                let key = try ProcessRunner.run("/bin/sh", ["-c", "openssl ecparam -name prime256v1 -genkey -noout | openssl ec -pubout -out \(scratch.path("keys/\(role).pem")) 2>/dev/null"])
                guard key.status == 0 else { throw TestSupportError("openssl: \(key.output)") }
            }
            _ = try scratch.write(Self.generationPlan, to: "gen.yaml")
            let run = try ProcessRunner.run(try TestPaths.keyceremony, ["run", scratch.path("gen.yaml"), "--out", scratch.path("gen"),
                                                                       "--rehearsal", "--yes", "--pins", scratch.path("softhsm/pins.json")],
                                            environment: ["SOFTHSM2_CONF": scratch.path("softhsm/softhsm2.conf")])
            guard run.status == 0 else { throw TestSupportError("generation with backup: \(run.output)") }
            generationOutput = run.output
            let backup = try FileManager.default.contentsOfDirectory(atPath: scratch.path("gen/backup"))
            guard backup.count == 1, let file = backup.first else { throw TestSupportError("expected one wrapped key file, found \(backup)") }
            let alice = String(file.dropLast(".wrapped.json".count))
            aliceKeyID = alice
            let root = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: scratch.path("gen/public/metadata/backup-test/root.json"))))).signed)
            guard let bob = root.roles["root"]?.keyIDs.first(where: { $0 != alice }) else { throw TestSupportError("no second root key") }
            bobKeyID = bob
            var shares: [String: String] = [:]
            for custodian in ["Erin", "Frank", "Grace", "Heidi"] {
                shares[custodian] = try String(contentsOfFile: scratch.path("gen/shares/\(custodian).txt"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            self.shares = shares
        }

        static func setPassphrase(_ passphrase: String, in path: String) throws {
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
            json["slip39_passphrase"] = passphrase
            let data = try JSONSerialization.data(withJSONObject: json)
            try FileManager.default.removeItem(atPath: path)
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw TestSupportError("could not rewrite \(path)")
            }
        }

        static let generationPlan = """
        version: 1
        ceremony: root-generation
        dialect: tuf
        description: Backup test
        repositories: [backup-test]
        expires: 30d
        module: softhsm
        root:
          threshold: 1
          keys:
            - { name: root-a, holder: Alice, token: { label: root-a }, algorithm: ecdsa-p256, backup: true }
            - { name: root-b, holder: Bob, token: { label: root-b }, algorithm: ecdsa-p256 }
        online_keys:
          targets: keys/targets.pem
          snapshot: keys/snapshot.pem
          timestamp: keys/timestamp.pem
        backup:
          group_threshold: 2
          groups:
            - threshold: 2
              custodians: [Erin, Frank, Grace]
            - threshold: 1
              custodians: [Heidi]
          iteration_exponent: 0
          protection: passphrase
          drill:
            holder: Oscar
            token: { label: drill }
        witnesses: [Wendy]

        """

        /// A recovery plan restoring Alice's key onto token new-a, as a re-sign of version 1.
        func recoveryPlan(custodians: [String]) throws -> String {
            let name = "recovery-\(UUID().uuidString.prefix(8)).yaml"
            return try scratch.write("""
            version: 1
            ceremony: recovery
            dialect: tuf
            description: Recovery test
            repositories: [backup-test]
            expires: 30d
            module: softhsm
            previous: gen
            recover:
              backup: gen
              keys: [root-a]
              custodians: [\(custodians.joined(separator: ", "))]
            root:
              threshold: 1
              keys:
                - { name: root-a, holder: Alice, token: { label: new-a }, key_id: \(aliceKeyID) }
                - { name: root-b, holder: Bob, token: { label: root-b }, key_id: \(bobKeyID) }
            witnesses: [Wendy]

            """, to: name).path
        }

        /// Writes `shares` (custodian → share text) as a rehearsal shares folder.
        func sharesFolder(_ shares: [String: String]) throws -> String {
            let folder = scratch.path("shares-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (custodian, share) in shares {
                guard FileManager.default.createFile(atPath: "\(folder)/\(custodian).txt", contents: Data((share + "\n").utf8),
                                                     attributes: [.posixPermissions: 0o600]) else { throw TestSupportError("share file") }
            }
            return folder
        }

        func recover(custodians: [String], shares: [String: String], out: String) throws -> ProcessResult {
            try ProcessRunner.run(try TestPaths.keyceremony, ["run", try recoveryPlan(custodians: custodians), "--out", scratch.path(out),
                                                             "--rehearsal", "--yes", "--pins", pins, "--shares", try sharesFolder(shares)],
                                  environment: environment)
        }
    }

    static let room = Result { try Room() }

    @Test("the generation wraps Alice's key, makes it non-extractable again, splits 2 of 2 groups, hands out four shares and drills; the audit agrees")
    func generation() throws {
        let room = try Self.room.get()
        let transcript = try String(contentsOfFile: room.scratch.path("gen/public/transcript.jsonl"), encoding: .utf8)
        for event in ["key-wrapped", "backup-split", "share-handed-out", "recovery-drill"] {
            #expect(transcript.contains("\"event\":\"\(event)\""), "\(event)")
        }
        let records = try TranscriptVerifier.verify(fileAt: URL(fileURLWithPath: room.scratch.path("gen/public/transcript.jsonl"))).records
        let wrapped = records.compactMap { if case let .keyWrapped(key) = $0.event { return key } else { return nil } }
        #expect(wrapped.map(\.key) == ["root-a"] && wrapped.first?.extractable == false)
        let generated = records.compactMap { if case let .keyGenerated(key) = $0.event { return key } else { return nil } }
        #expect(generated.first { $0.key == "root-b" }?.attributes.extractable == false, "a key not marked for backup stays non-extractable")
        let drill = records.compactMap { if case let .recoveryDrill(drill) = $0.event { return drill } else { return nil } }.first
        #expect(drill?.keys.allSatisfy { $0.proved && $0.destroyed } == true)
        #expect(drill.map { Set($0.custodians).contains("Heidi") && $0.custodians.count == 3 } == true, "2 of group 1 and Heidi")
        // The token no longer holds a drill copy.
        let list = try ProcessRunner.run("/usr/bin/pkcs11-tool", ["--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", "drill", "--list-objects"],
                                         environment: room.environment)
        #expect(!list.output.contains("drill-root-a"), "\(list.output)")
        let audit = try CeremonyAudit.run(URL(fileURLWithPath: room.generation), options: AuditOptions())
        #expect(audit.passed, "\(audit.errors)")
        // Shares are the reference's: it recovers the backup key with the passphrase, and not without it.
        let script = "import shamir_mnemonic, sys, hmac, hashlib; s = sys.stdin.read().split('\\n'); k = shamir_mnemonic.combine_mnemonics(s[:3], passphrase=s[3].encode()); print(hmac.new(k, b'keyceremony backup-key-check v1', hashlib.sha256).hexdigest())"
        let input = [room.shares["Erin"]!, room.shares["Grace"]!, room.shares["Heidi"]!, "correct horse battery staple"].joined(separator: "\n")
        let reference = try ProcessRunner.run(try TestPaths.python, ["-c", script], stdin: Array(input.utf8))
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: room.scratch.path("gen/backup/\(room.aliceKeyID).wrapped.json")))) as? [String: Any]
        #expect(reference.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == file?["backup_key_check"] as? String, "\(reference.output)")
        // Nothing printed holds a share's words.
        for share in room.shares.values {
            let words = share.split(separator: " ")
            #expect(!room.generationOutput.contains(words[4..<8].joined(separator: " ")))
        }
    }

    @Test("a mistyped word is refused naming its position")
    func mistypedWord() throws {
        let room = try Self.room.get()
        var words = room.shares["Erin"]!.split(separator: " ").map(String.init)
        words[6] = words[6] == "academic" ? "acid" : "academic"
        let run = try room.recover(custodians: ["Erin", "Grace", "Heidi"],
                                   shares: ["Erin": words.joined(separator: " "), "Grace": room.shares["Grace"]!, "Heidi": room.shares["Heidi"]!], out: "mistyped")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("Erin's share was not accepted") && run.output.contains("word 7"), "\(run.output)")
    }

    @Test("a share from another set is refused as such")
    func otherSet() throws {
        let room = try Self.room.get()
        let other = try ProcessRunner.run(try TestPaths.python, ["-c", "import shamir_mnemonic, os; print(shamir_mnemonic.generate_mnemonics(1, [(2, 3)], os.urandom(32))[0][0])"])
        try #require(other.status == 0, "\(other.output)")
        let run = try room.recover(custodians: ["Erin", "Grace", "Heidi"],
                                   shares: ["Erin": room.shares["Erin"]!, "Grace": other.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "Heidi": room.shares["Heidi"]!],
                                   out: "other-set")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("Grace's share was not accepted: it belongs to share set"), "\(run.output)")
    }

    @Test("the same share twice is refused as a duplicate")
    func duplicate() throws {
        let room = try Self.room.get()
        let run = try room.recover(custodians: ["Erin", "Grace", "Heidi"],
                                   shares: ["Erin": room.shares["Erin"]!, "Grace": room.shares["Erin"]!, "Heidi": room.shares["Heidi"]!], out: "duplicate")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("Grace's share was not accepted: it is the same share as one already typed"), "\(run.output)")
    }

    @Test("too few shares: the message says what is missing")
    func tooFew() throws {
        let room = try Self.room.get()
        let run = try room.recover(custodians: ["Erin", "Grace"], shares: ["Erin": room.shares["Erin"]!, "Grace": room.shares["Grace"]!], out: "too-few")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("the shares of Erin and Grace cannot be combined") && run.output.contains("1 more group"), "\(run.output)")
        #expect(!run.output.contains("key 'root-a' restored"), "nothing is restored")
    }

    @Test("a wrong passphrase is found by the backup's check value, before any token is touched")
    func wrongPassphrase() throws {
        let room = try Self.room.get()
        let right = room.pins
        let wrongPins = room.scratch.path("wrong-pins.json")
        try? FileManager.default.removeItem(atPath: wrongPins)
        try FileManager.default.copyItem(atPath: right, toPath: wrongPins)
        try Room.setPassphrase("incorrect horse", in: wrongPins)
        let run = try ProcessRunner.run(try TestPaths.keyceremony,
                                        ["run", try room.recoveryPlan(custodians: ["Erin", "Grace", "Heidi"]), "--out", room.scratch.path("wrong-passphrase"),
                                         "--rehearsal", "--yes", "--pins", wrongPins,
                                         "--shares", try room.sharesFolder(["Erin": room.shares["Erin"]!, "Grace": room.shares["Grace"]!, "Heidi": room.shares["Heidi"]!])],
                                        environment: room.environment)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("the passphrase is wrong"), "\(run.output)")
    }

    @Test("the right shares restore Alice's key onto a fresh token, non-extractable and not local, and it signs version 2; verify and audit pass")
    func recovery() throws {
        let room = try Self.room.get()
        let run = try room.recover(custodians: ["Frank", "Grace", "Heidi"],
                                   shares: ["Frank": room.shares["Frank"]!, "Grace": room.shares["Grace"]!, "Heidi": room.shares["Heidi"]!], out: "recovered")
        try #require(run.status == 0, "\(run.output)")
        let out = room.scratch.path("recovered")
        let records = try TranscriptVerifier.verify(fileAt: URL(fileURLWithPath: "\(out)/public/transcript.jsonl")).records
        let restored = try #require(records.compactMap { if case let .keyRestored(key) = $0.event { return key } else { return nil } }.first)
        #expect(restored.attributes.extractable == false && restored.attributes.sensitive == true)
        #expect(restored.attributes.local == false && restored.attributes.alwaysSensitive == false)
        #expect(restored.keyIDs == [room.aliceKeyID])
        let signers = records.compactMap { if case let .signature(signature) = $0.event { return signature.holder } else { return nil } }
        #expect(signers.contains("Alice"))
        let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", out])
        #expect(verify.status == 0, "\(verify.output)")
        let audit = try CeremonyAudit.run(URL(fileURLWithPath: out), options: AuditOptions(plan: nil))
        #expect(audit.passed, "\(audit.errors)")
        // python-tuf and notary following a recovered root: RehearseTests' 04-recovery stage.
    }

    @Test("a tampered wrapped key file is found by the audit")
    func tamperedBackup() throws {
        let room = try Self.room.get()
        let scratch = try TemporaryDirectory("backup-tamper")
        defer { scratch.remove() }
        let copy = scratch.path("gen")
        try FileManager.default.copyItem(atPath: room.generation, toPath: copy)
        let file = "\(copy)/backup/\(room.aliceKeyID).wrapped.json"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"rehearsal\" : true", with: "\"rehearsal\" : false")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let audit = try CeremonyAudit.run(URL(fileURLWithPath: copy), options: AuditOptions())
        #expect(audit.errors.contains { $0.check == .backup && $0.location.hasSuffix(".wrapped.json") }, "\(audit.errors)")
    }
}

extension BackupRecoveryTests {
    /// The share words each custodian was shown on the terminal, read back from the screen.
    static func sharesShown(_ screen: String) -> [String: [String]] {
        var shares: [String: [String]] = [:]
        for block in screen.components(separatedBy: "SHARE FOR ").dropFirst() {
            let name = String(block.prefix { $0 != " " })
            let shown = block.components(separatedBy: "write the ").first ?? ""
            var words: [Int: String] = [:]
            let pattern = try! NSRegularExpression(pattern: "(\\d+)\\.\\s+([a-z]+)")
            for match in pattern.matches(in: shown, range: NSRange(shown.startIndex..., in: shown)) {
                guard let number = Range(match.range(at: 1), in: shown).flatMap({ Int(shown[$0]) }),
                      let word = Range(match.range(at: 2), in: shown).map({ String(shown[$0]) }) else { continue }
                words[number] = word
            }
            shares[name.capitalized] = words.keys.sorted().compactMap { words[$0] }
        }
        return shares
    }

    @Test("in production, each custodian sees their share alone on the terminal and types back words the tool picks; a recovery takes shares typed as 4-letter prefixes")
    func productionHandOutAndEntry() throws {
        let room = try CeremonyRoom("backup-pty", labels: ["root-a", "root-b", "drill", "new-a"])
        defer { room.scratch.remove() }
        let pins = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: room.pinFile))) as? [String: Any]
        let tokens = pins?["tokens"] as? [String: [String: String]] ?? [:]
        func pin(_ label: String) -> String { tokens[label]?["user_pin"] ?? "" }
        let plan = try room.scratch.write("""
        version: 1
        ceremony: root-generation
        dialect: tuf
        description: Production backup at the terminal
        repositories: [example]
        expires: 30d
        module: softhsm
        root:
          threshold: 1
          keys:
            - { name: root-a, holder: Alice, token: { label: root-a }, algorithm: ecdsa-p256, backup: true }
            - { name: root-b, holder: Bob, token: { label: root-b }, algorithm: ecdsa-p256 }
        online_keys:
          targets: plans/keys/targets.pem
          snapshot: plans/keys/snapshot.pem
          timestamp: plans/keys/timestamp.pem
        backup:
          group_threshold: 1
          groups:
            - threshold: 2
              custodians: [Erin, Frank]
          iteration_exponent: 0
          drill:
            holder: Oscar
            token: { label: drill }
        witnesses: [Wendy]

        """, to: "gen.yaml").path
        var steps: [(String, String, String?)] = [
            ("Wendy: if these words match", "Wendy", nil), ("Officer, type 'yes'", "yes", nil),
            ("Alice, insert token 'root-a'", "yes", nil), ("Alice, enter the user PIN", pin("root-a"), nil),
            ("Alice, type 'yes'", "yes", nil), ("Alice, type 'yes'", "yes", nil),
            ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", pin("root-b"), nil), ("Bob, type 'yes'", "yes", nil),
            ("Officer, type 'yes'", "yes", nil),
            ("Alice, insert token 'root-a'", "yes", nil), ("Alice, enter the user PIN", pin("root-a"), nil),
            ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", pin("root-b"), nil),
            ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil),
        ]
        for custodian in ["Erin", "Frank"] {
            steps += [("\(custodian), type 'yes' once everyone else", "yes", nil), ("\(custodian), write the 33 words down", "", nil)]
            // The first typed-back word is wrong once: the share is shown again and asked anew.
            if custodian == "Frank" { steps += [("of your share (4 letters", "zzzz", nil), ("\(custodian), write the 33 words down", "", nil)] }
            steps += Array(repeating: ("of your share (4 letters", "{share-word}", nil), count: 3)
        }
        steps += [("Oscar, insert token 'drill'", "yes", nil), ("Oscar, enter the user PIN", pin("drill"), nil),
                  ("Oscar, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil)]
        let sandbox = try CLISandbox("backup-pty-terminal")
        defer { sandbox.remove() }
        let out = room.scratch.path("gen")
        let generation = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", plan,
                                                 "--out", out, "--allow-software-token", "test room"], steps: steps)
        try #require(generation.status == 0, "\(generation.output)")
        #expect(generation.stdout.contains("\u{1B}[2J"), "the screen is cleared around each share")
        #expect(generation.stdout.contains("that word does not match the share; the share is shown again"))
        let shown = Self.sharesShown(generation.stdout)
        let erin = try #require(shown["Erin"]), frank = try #require(shown["Frank"])
        #expect(erin.count == 33 && frank.count == 33)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/shares"), "production writes no share files without share cards")
        let transcript = try String(contentsOfFile: "\(out)/public/transcript.jsonl", encoding: .utf8)
        #expect(transcript.contains("typed back words"))
        for window in stride(from: 0, to: 28, by: 4).map({ erin[$0..<$0 + 4].joined(separator: " ") }) {
            #expect(!transcript.contains(window), "share words in the transcript")
        }

        // Recovery at the terminal: the custodians type their shares as 4-letter prefixes.
        let backupFile = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(out)/backup").first)
        let aliceKeyID = String(backupFile.dropLast(".wrapped.json".count))
        let root = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/public/metadata/example/root.json")))).signed)
        let bobKeyID = try #require(root.roles["root"]?.keyIDs.first { $0 != aliceKeyID })
        let recoveryPlan = try room.scratch.write("""
        version: 1
        ceremony: recovery
        dialect: tuf
        description: Recovery at the terminal
        repositories: [example]
        expires: 30d
        module: softhsm
        previous: gen
        recover:
          backup: gen
          keys: [root-a]
          custodians: [Frank, Erin]
        root:
          threshold: 1
          keys:
            - { name: root-a, holder: Alice, token: { label: new-a }, key_id: \(aliceKeyID) }
            - { name: root-b, holder: Bob, token: { label: root-b }, key_id: \(bobKeyID) }
        witnesses: [Wendy]

        """, to: "recovery.yaml").path
        let prefixes = { (words: [String]) in words.map { String($0.prefix(4)) }.joined(separator: " ") }
        var mistyped = frank
        mistyped[9] = mistyped[9] == "academic" ? "acid" : "academic"
        let recoverySteps: [(String, String, String?)] = [
            ("Wendy: if these words match", "Wendy", nil), ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil),
            ("Officer, type 'yes' once the first custodian", "yes", nil),
            // Frank mistypes word 10 first and is asked again.
            ("Frank, type your share's words", prefixes(mistyped), nil), ("Frank, type your share's words", prefixes(frank), nil),
            ("Erin, type your share's words", prefixes(erin), nil),
            ("Alice, insert token 'new-a'", "yes", nil), ("Alice, enter the user PIN", pin("new-a"), nil), ("Alice, type 'yes'", "yes", nil),
            ("Officer, type 'yes'", "yes", nil),
            ("Alice, insert token 'new-a'", "yes", nil), ("Alice, enter the user PIN", pin("new-a"), nil),
            ("Bob, insert token 'root-b'", "yes", nil), ("Bob, enter the user PIN", pin("root-b"), nil),
            ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil), ("Officer, type 'yes'", "yes", nil),
        ]
        let recovered = room.scratch.path("recovered")
        let recovery = try sandbox.onTerminal(["env", "SOFTHSM2_CONF=\(room.tokens)/softhsm2.conf", try TestPaths.keyceremony, "run", recoveryPlan,
                                               "--out", recovered, "--allow-software-token", "test room"], steps: recoverySteps)
        try #require(recovery.status == 0, "\(recovery.output)")
        #expect(recovery.stdout.contains("Frank's share was not accepted") && recovery.stdout.contains("word 10"), "\(recovery.stdout)")
        #expect(!recovery.stdout.contains(prefixes(frank)), "typed shares are not echoed")
        #expect(try ProcessRunner.run(try TestPaths.keyceremony, ["verify", recovered]).status == 0)
        // The audit's only objection: a production ceremony on SoftHSM2 software tokens.
        let audit = try CeremonyAudit.run(URL(fileURLWithPath: recovered), options: AuditOptions())
        #expect(!audit.errors.isEmpty && audit.errors.allSatisfy { $0.check == .rehearsal }, "\(audit.errors)")
    }
}
