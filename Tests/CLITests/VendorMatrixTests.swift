import Foundation
import Testing
import TestSupport

/// One room for the vendor matrix: online keys made by openssl, a TUF root-generation plan for
/// three holders, and the answers a production run at a terminal needs.
///
/// Rehearsal PIN files serve SoftHSM2 tokens only, so ceremonies on other vendors' tokens run as
/// production runs on a pseudo-terminal (scripts/testing/pty-answer.py), where each PIN is typed
/// at the holder's prompt without echo, exactly as officers type them.
struct VendorRoom {
    static let holders = [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")]

    let scratch: TemporaryDirectory
    /// Throwaway PINs for throwaway tokens, made fresh for each room.
    let pins: [String: String]

    init(_ name: String) throws {
        scratch = try TemporaryDirectory(name)
        pins = Dictionary(uniqueKeysWithValues: Self.holders.map { ($0.1, "pin-\(UUID().uuidString.prefix(10))") })
        try FileManager.default.createDirectory(atPath: scratch.path("plans/keys"), withIntermediateDirectories: true)
        for role in ["targets", "snapshot", "timestamp"] {
            let key = scratch.path("plans/keys/\(role).key.pem")
            _ = try ProcessRunner.run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key])
            let pub = try ProcessRunner.run("openssl", ["ec", "-in", key, "-pubout", "-out", scratch.path("plans/keys/\(role).pem")])
            guard pub.status == 0 else { throw TestSupportError("openssl: \(pub.output)") }
        }
    }

    /// The root-generation plan every vendor runs; only the module (and, for a test, the
    /// algorithm or selectors) differ.
    func writePlan(_ name: String = "plan.yaml", module: String, algorithm: String = "ecdsa-p256",
                   tokens: [String]? = nil) throws -> String {
        var text = """
        version: 1
        ceremony: root-generation
        dialect: tuf
        description: Vendor matrix root
        repositories: [example]
        expires: 30d
        module: \(module)
        root:
          threshold: 2
          keys:

        """
        for (index, (holder, label)) in Self.holders.enumerated() {
            text += "    - name: \(label)\n      holder: \(holder)\n      token: \(tokens?[index] ?? "{ label: \(label) }")\n      algorithm: \(algorithm)\n"
        }
        text += "online_keys:\n  targets: keys/targets.pem\n  snapshot: keys/snapshot.pem\n  timestamp: keys/timestamp.pem\nwitnesses: [Wendy]\n"
        let path = scratch.path("plans/\(name)")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func writeProfile(_ text: String, name: String = "profile.yaml") throws -> String {
        let path = scratch.path("plans/\(name)")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every confirmation and PIN of a three-key root generation, in order.
    var answers: [(prompt: String, answer: String)] {
        // Step 1: the witness confirms the digest by name, then the officer goes on.
        var answers: [(String, String)] = [("type your name", "Wendy"), ("type 'yes'", "yes")]
        for (holder, label) in Self.holders {
            answers += [("type 'yes'", "yes"), ("\(holder), enter the user PIN of token '\(label)'", pins[label]!), ("type 'yes'", "yes")]
        }
        answers.append(("type 'yes'", "yes"))
        for (holder, label) in Self.holders {
            answers += [("type 'yes'", "yes"), ("\(holder), enter the user PIN of token '\(label)'", pins[label]!)]
        }
        answers += [("type 'yes'", "yes"), ("type 'yes'", "yes"), ("type 'yes'", "yes")]
        return answers
    }

    /// Runs the plan to `out` on a pseudo-terminal with `env` (module settings, no secrets).
    func runOnTerminal(plan: String, profile: String? = nil, out: String, env: [String], extra: [String] = []) throws -> ProcessResult {
        let sandbox = try CLISandbox("vendor-pty")
        defer { sandbox.remove() }
        let command = env + [try TestPaths.keyceremony, "run", plan, "--out", out] + (profile.map { ["--profile", $0] } ?? []) + extra
        return try sandbox.onTerminal(command, answers: answers)
    }

    /// The checks every vendor's bundle must pass: `verify`, python-tuf's ngclient, the sealed
    /// transcript, and no PIN anywhere in the output.
    func expectVerifiedBundle(_ out: String, run: ProcessResult) throws {
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("Step 14/14"), "\(run.output)")
        for pin in pins.values { #expect(!run.stdout.contains(pin), "a PIN was echoed") }
        let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", out])
        #expect(verify.status == 0, "\(verify.output)")
        let repo = scratch.path("repo-\(UUID().uuidString.prefix(6))")
        let serve = try PythonTUF.run(["serve-bundle", "\(out)/public/metadata/example", scratch.path("plans/keys"), repo])
        #expect(serve.status == 0, "\(serve.output)")
        let walk = try PythonTUF.walk(repo, target: "hello.txt")
        #expect(walk.ok, "\(walk.error ?? "")")
        #expect(walk.root_version == 1)
        #expect(walk.target_found == true)
        let everything = try FileManager.default.subpathsOfDirectory(atPath: out).compactMap { path -> String? in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(out)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return try? String(contentsOfFile: "\(out)/\(path)", encoding: .utf8)
        }.joined()
        for pin in pins.values { #expect(!everything.contains(pin), "a PIN is in the bundle") }
    }

    func transcript(_ out: String) throws -> [[String: Any]] {
        try String(contentsOfFile: "\(out)/public/transcript.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

@Suite("Vendor matrix: tpm2-pkcs11 on swtpm", .serialized)
struct TPM2VendorTests {
    func room(_ name: String) throws -> (VendorRoom, SoftwareTPM) {
        let room = try VendorRoom(name)
        let tpm = try SoftwareTPM("\(name)-tpm")
        for (_, label) in VendorRoom.holders {
            try tpm.makeToken(label: label, soPIN: "so-\(UUID().uuidString.prefix(8))", userPIN: room.pins[label]!)
        }
        return (room, tpm)
    }

    @Test("the root-generation plan runs to a verified bundle that python-tuf accepts; every key read back as the policy requires, no exception")
    func rootGeneration() throws {
        let (room, tpm) = try room("vendor-tpm2")
        defer { tpm.stop(); room.scratch.remove() }
        let plan = try room.writePlan(module: "tpm2")
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan], environment: tpm.environment)
        #expect(check.status == 0, "\(check.output)")
        let out = room.scratch.path("out")
        let run = try room.runOnTerminal(plan: plan, out: out, env: tpm.envArguments)
        try room.expectVerifiedBundle(out, run: run)
        let generated = try room.transcript(out).filter { $0["event"] as? String == "key-generated" }
        #expect(generated.count == 3)
        for record in generated {
            let attributes = try #require(record["attributes"] as? [String: Any])
            for (name, value) in [("local", true), ("sensitive", true), ("always_sensitive", true), ("never_extractable", true),
                                  ("extractable", false), ("decrypt", false), ("sign", true)] {
                #expect(attributes[name] as? Bool == value, "\(name) on \(record["key"] ?? "?")")
            }
            #expect(record["policy_exceptions"] == nil, "tpm2-pkcs11 needs no exception")
        }
        let tokens = try room.transcript(out).filter { $0["event"] as? String == "token" }
        #expect(tokens.allSatisfy { $0["manufacturer"] as? String == "IBM" }, "\(tokens)")
    }

    @Test("a plan asking the TPM for Ed25519 or RSA-4096 fails at plan check, in words, before any key exists",
          arguments: [("ed25519", "cannot generate Ed25519 keys"), ("rsa-4096", "of 1024 to 3072 bits only")])
    func capabilityRefused(algorithm: String, words: String) throws {
        let (room, tpm) = try room("vendor-tpm2-cap")
        defer { tpm.stop(); room.scratch.remove() }
        let plan = try room.writePlan(module: "tpm2", algorithm: algorithm)
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan], environment: tpm.environment)
        #expect(check.status == 1, "\(check.output)")
        #expect(check.stderr.contains("key 'root-a' (Alice) asks for"), "\(check.stderr)")
        #expect(check.stderr.contains(words), "\(check.stderr)")
        #expect(check.stderr.contains("token 'root-a' (serial 0000000000000000)"), "\(check.stderr)")
        #expect(check.stderr.contains("ecdsa-p256"), "the refusal names what the token can do: \(check.stderr)")
        #expect(!check.stderr.contains("CKR_"), "no raw library text: \(check.stderr)")
        // The run's preflight refuses the same plan before any key exists, in the same words.
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["run", plan, "--out", room.scratch.path("out")], environment: tpm.environment)
        #expect(run.status != 0, "\(run.output)")
        #expect(run.stderr.contains(words), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: room.scratch.path("out")))
        // Nothing was made on any token.
        let listing = try ProcessRunner.run(try TestPaths.keyceremony, ["tokens", "--module", SoftwareTPM.modulePath, "--json"], environment: tpm.environment)
        #expect(listing.status == 0, "\(listing.output)")
        let json = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any]
        let tokens = try #require(json?["tokens"] as? [[String: Any]])
        #expect(tokens.count == 3)
        #expect(tokens.allSatisfy { ($0["keys"] as? [Any])?.isEmpty == true }, "\(listing.stdout)")
    }

    @Test("selecting by a serial every TPM token shares says so and suggests label or pkcs11:token=")
    func sharedSerial() throws {
        let (room, tpm) = try room("vendor-tpm2-serial")
        defer { tpm.stop(); room.scratch.remove() }
        let plan = try room.writePlan(module: "tpm2", tokens: ["{ serial: \"0000000000000000\" }", "{ label: root-b }", "{ label: root-c }"])
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan], environment: tpm.environment)
        #expect(check.status == 1, "\(check.output)")
        #expect(check.stderr.contains("these tokens all report serial 0000000000000000, so a serial cannot tell them apart"), "\(check.stderr)")
        #expect(check.stderr.contains("pkcs11:token=root-a"), "\(check.stderr)")
        #expect(!check.stderr.contains("select by serial"), "\(check.stderr)")
    }
}

@Suite("Vendor matrix: NSS softokn", .serialized)
struct NSSVendorTests {
    static let exception = """
    key_policy_exceptions:
      - attribute: CKA_LOCAL
        manufacturer: Mozilla Foundation
        reason: NSS softokn never sets CKA_LOCAL, even on keys it generates (measured with NSS 3.87)

    """

    func room(_ name: String) throws -> (VendorRoom, NSSSoftoken) {
        let room = try VendorRoom(name)
        let nss = try NSSSoftoken("\(name)-db", labels: VendorRoom.holders.map(\.1), pins: room.pins)
        return (room, nss)
    }

    func profile(_ room: VendorRoom, _ nss: NSSSoftoken, exception: Bool = true) throws -> String {
        try room.writeProfile("module: nss-softokn\nmodule_parameters: \"\(nss.libraryParameters)\"\n" + (exception ? Self.exception : ""))
    }

    @Test("with its LibraryParameters and the site profile's CKA_LOCAL exception, the plan runs to a verified bundle python-tuf accepts; the transcript records both")
    func rootGeneration() throws {
        let (room, nss) = try room("vendor-nss")
        defer { nss.remove(); room.scratch.remove() }
        let plan = try room.writePlan(module: "softhsm")
        let profile = try profile(room, nss)
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan, "--profile", profile])
        #expect(check.status == 0, "\(check.output)")
        let out = room.scratch.path("out")
        let run = try room.runOnTerminal(plan: plan, profile: profile, out: out, env: [])
        try room.expectVerifiedBundle(out, run: run)
        #expect(run.stdout.contains("CKA_LOCAL=false accepted by the site profile"), "\(run.stdout)")
        let records = try room.transcript(out)
        #expect(records.first?["module_parameters"] as? String == nss.libraryParameters)
        let generated = records.filter { $0["event"] as? String == "key-generated" }
        #expect(generated.count == 3)
        for record in generated {
            let attributes = try #require(record["attributes"] as? [String: Any])
            #expect(attributes["local"] as? Bool == false, "softokn reads back CKA_LOCAL=false")
            for (name, value) in [("sensitive", true), ("always_sensitive", true), ("never_extractable", true), ("extractable", false)] {
                #expect(attributes[name] as? Bool == value, "\(name)")
            }
            let exceptions = try #require(record["policy_exceptions"] as? [[String: Any]])
            #expect(exceptions.count == 1)
            #expect(exceptions.first?["attribute"] as? String == "CKA_LOCAL")
            #expect(exceptions.first?["read_back"] as? Bool == false)
            #expect((exceptions.first?["reason"] as? String)?.contains("never sets CKA_LOCAL") == true)
        }
    }

    @Test("without the profile's exception the read-back stays strict: the first key fails on CKA_LOCAL and is destroyed")
    func strictWithoutException() throws {
        let (room, nss) = try room("vendor-nss-strict")
        defer { nss.remove(); room.scratch.remove() }
        let plan = try room.writePlan(module: "softhsm")
        let profile = try profile(room, nss, exception: false)
        let out = room.scratch.path("out")
        let run = try room.runOnTerminal(plan: plan, profile: profile, out: out, env: [])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.contains("CKA_LOCAL=false, but the key policy requires true"), "\(run.stdout)")
        #expect(run.stdout.contains("'root-a'"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("softokn without LibraryParameters is refused in words; module parameters that look like a secret are refused at plan check and never echoed")
    func parameters() throws {
        let (room, nss) = try room("vendor-nss-params")
        defer { nss.remove(); room.scratch.remove() }
        let plan = try room.writePlan(module: "nss-softokn")
        let bare = try ProcessRunner.run(try TestPaths.keyceremony, ["tokens", "--module", "nss-softokn"])
        #expect(bare.status == 2, "\(bare.output)")
        #expect(bare.stderr.contains("module_parameters"), "\(bare.stderr)")
        let listed = try ProcessRunner.run(try TestPaths.keyceremony, ["tokens", "--module", "nss-softokn", "--module-parameters", nss.libraryParameters, "--json"])
        #expect(listed.status == 0, "\(listed.output)")
        let json = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        let tokens = try #require(json?["tokens"] as? [[String: Any]])
        #expect(tokens.compactMap { $0["label"] as? String } == ["root-a", "root-b", "root-c"])
        #expect(tokens.allSatisfy { $0["serial"] as? String == "0000000000000000" && $0["manufacturer"] as? String == NSSSoftoken.manufacturer })
        let secret = "s3cr3t-\(UUID().uuidString.prefix(6))"
        let profile = try room.writeProfile("module: nss-softokn\nmodule_parameters: \"\(nss.libraryParameters) password='\(secret)'\"\n", name: "secret.yaml")
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan, "--profile", profile])
        #expect(check.status == 1, "\(check.output)")
        #expect(check.stderr.contains("'password', which looks like a secret"), "\(check.stderr)")
        #expect(!check.output.contains(secret))
    }

    @Test("a plan asking softokn for Ed25519 fails at plan check, in words")
    func capabilityRefused() throws {
        let (room, nss) = try room("vendor-nss-cap")
        defer { nss.remove(); room.scratch.remove() }
        let plan = try room.writePlan(module: "softhsm", algorithm: "ed25519")
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan, "--profile", try profile(room, nss)])
        #expect(check.status == 1, "\(check.output)")
        #expect(check.stderr.contains("key 'root-a' (Alice) asks for Ed25519, but token 'root-a' (serial 0000000000000000) cannot generate Ed25519 keys"), "\(check.stderr)")
    }
}

@Suite("Vendor matrix: SoftHSM2")
struct SoftHSMVendorTests {
    @Test("the same root-generation plan, run the same way on a pseudo-terminal, gives a verified bundle python-tuf accepts, with no exception")
    func rootGeneration() throws {
        let room = try VendorRoom("vendor-softhsm")
        defer { room.scratch.remove() }
        let config = try SoftHSMSandbox.writeConfig(in: URL(fileURLWithPath: room.scratch.path("softhsm")))
        // Test-only: the throwaway tokens' PINs go to softhsm2-util on its command line.
        for (_, label) in VendorRoom.holders {
            let made = try ProcessRunner.run("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "so-\(UUID().uuidString.prefix(8))",
                                                               "--pin", room.pins[label]!], environment: ["SOFTHSM2_CONF": config])
            #expect(made.status == 0, "\(made.output)")
        }
        let plan = try room.writePlan(module: "softhsm")
        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan], environment: ["SOFTHSM2_CONF": config])
        #expect(check.status == 0, "\(check.output)")
        let out = room.scratch.path("out")
        let run = try room.runOnTerminal(plan: plan, out: out, env: ["env", "SOFTHSM2_CONF=\(config)"], extra: ["--allow-software-token", "the vendor matrix runs SoftHSM2 as a vendor"])
        try room.expectVerifiedBundle(out, run: run)
        let generated = try room.transcript(out).filter { $0["event"] as? String == "key-generated" }
        #expect(generated.count == 3)
        #expect(generated.allSatisfy { ($0["attributes"] as? [String: Any])?["local"] as? Bool == true && $0["policy_exceptions"] == nil })
    }
}
