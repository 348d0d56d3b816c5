import Ceremony
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// The targets-delegation ceremony on a rehearsal's real tokens: plan check against the current
/// targets.json (the lockouts refused with their reasons), a second ceremony that changes the
/// delegation, and python-tuf and `keyceremony verify` refusing a role whose threshold is not met.
@Suite("targets-delegation: plan check, a change ceremony, thresholds the clients hold to")
struct DelegationCeremonyTests {
    /// A finished TUF rehearsal with its tokens.
    struct Lifecycle {
        let scratch: TemporaryDirectory
        var out: String { scratch.path("r") }
        var environment: [String: String?] { ["SOFTHSM2_CONF": "\(out)/softhsm/softhsm2.conf"] }
        var pins: String { "\(out)/softhsm/pins.json" }
        var targets: String { "\(out)/02-targets-delegation/public/metadata/rehearsal/targets.json" }

        init(_ dialect: String = "tuf") throws {
            scratch = try TemporaryDirectory("delegation")
            let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r"), "--dialect", dialect],
                                            environment: ["SOFTHSM2_CONF": nil])
            guard run.status == 0 else { throw TestSupportError("rehearse: \(run.output)") }
        }

        /// Erin's targets key ID, as the delegation plan names it.
        func targetsKeyID() throws -> String {
            let plan = try String(contentsOfFile: "\(out)/plans/02-targets-delegation.yaml", encoding: .utf8)
            let line = try #require(plan.split(separator: "\n").first { $0.contains("key_id: ") })
            return String(line.split(separator: " ").last!)
        }

        /// The key ID of `releases` in the delegation's targets.json.
        func releasesKeyID() throws -> String {
            let targets = try TargetsMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: targets)))).signed)
            return try #require(targets.delegations?.roles?.first?.keyIDs.first)
        }

        /// Writes a delegation plan beside the rehearsal's plans, changing the delegation stage's targets.json.
        func plan(_ name: String, delegations: String, current: String = "../02-targets-delegation", dialect: String = "tuf",
                  repository: String = "rehearsal") throws -> String {
            let text = """
            version: 1
            ceremony: targets-delegation
            dialect: \(dialect)
            description: \(name)
            repositories: ["\(repository)"]
            expires: 30d
            module: softhsm
            previous: ../02-targets-delegation
            current_targets: \(current)
            targets:
              keys:
                - { name: targets-a, holder: Erin, token: { label: targets-a }, key_id: \(try targetsKeyID()) }
            delegations:
            \(delegations)
            witnesses: [Wendy]

            """
            let path = "\(out)/plans/\(name).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func keyceremony(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(try TestPaths.keyceremony, arguments, environment: environment)
        }
    }

    @Test("plan check reads the current targets.json and refuses, with the reason and the line, a change that removes a role's last key, a threshold above its keys, adding a role that exists, changing one that does not, and 'none' while a targets.json exists; a good change shows the delegations table, and plan print writes the script")
    func planCheck() throws {
        let life = try Lifecycle()
        defer { life.scratch.remove() }
        let releases = try life.releasesKeyID()
        let second = try SoftwareSigner(generating: .ecdsaP256)
        try second.publicKey.pem.write(toFile: "\(life.out)/online/releases-2.pub.pem", atomically: true, encoding: .utf8)

        let lockout = try life.plan("lockout", delegations: "  - { role: releases, action: change, remove_keys: [\(releases)] }")
        let check = try life.keyceremony(["plan", "check", lockout])
        #expect(check.status == 1, "\(check.output)")
        #expect(check.stderr.contains("lockout.yaml:14:") && check.stderr.contains("this leaves releases with no keys") && check.stderr.contains("notary #1500"), "\(check.stderr)")
        #expect(check.stdout.contains("Ceremony digest: none"), "no digest is published for a plan that fails")

        let threshold = try life.plan("threshold", delegations: "  - { role: releases, action: change, threshold: 2 }")
        let thresholdCheck = try life.keyceremony(["plan", "check", threshold])
        #expect(thresholdCheck.status == 1 && thresholdCheck.stderr.contains("this leaves releases with threshold 2 and 1 distinct key"), "\(thresholdCheck.output)")

        let exists = try life.plan("exists", delegations: """
          - role: releases
            action: add
            keys: [../online/releases-2.pub.pem]
            paths: ["other/*"]
            threshold: 1
            terminating: false
        """)
        let existsCheck = try life.keyceremony(["plan", "check", exists])
        #expect(existsCheck.status == 1 && existsCheck.stderr.contains("role releases is already delegated in the current targets.json; use 'action: change'"), "\(existsCheck.output)")

        let missing = try life.plan("missing", delegations: "  - { role: nightly, action: remove }")
        let missingCheck = try life.keyceremony(["plan", "check", missing])
        #expect(missingCheck.status == 1 && missingCheck.stderr.contains("role nightly is not delegated in the current targets.json, so it cannot be removed"), "\(missingCheck.output)")

        let none = try life.plan("none", delegations: "  - { role: nightly, action: add, keys: [../online/releases-2.pub.pem], paths: [\"nightly/*\"], threshold: 1, terminating: false }", current: "none")
        let noneCheck = try life.keyceremony(["plan", "check", none])
        #expect(noneCheck.status == 1 && noneCheck.stderr.contains("current_targets is none, but") && noneCheck.stderr.contains("targets.json is a targets.json"), "\(noneCheck.output)")

        let good = try life.plan("good", delegations: """
          - { role: releases, action: change, add_keys: [../online/releases-2.pub.pem], threshold: 2 }
          - { role: docs, action: add, keys: [../online/releases-2.pub.pem], path_hash_prefixes: ["0", "1"], threshold: 1, terminating: false }
        """)
        let goodCheck = try life.keyceremony(["plan", "check", good])
        #expect(goodCheck.status == 0, "\(goodCheck.output)")
        #expect(goodCheck.stdout.contains("Delegations after this ceremony:") && goodCheck.stdout.contains("targets.json version 2 of 'rehearsal'"), "\(goodCheck.stdout)")
        #expect(goodCheck.stdout.contains("releases  2 of 2") && goodCheck.stdout.contains("(changed)") && goodCheck.stdout.contains("path hash prefixes 0, 1"), "\(goodCheck.stdout)")
        #expect(goodCheck.stdout.contains("targets: signed by Erin"), "\(goodCheck.stdout)")
        #expect(goodCheck.stdout.contains("sign targets.json with targets key 'targets-a'"), "\(goodCheck.stdout)")
        let json = try life.keyceremony(["plan", "check", good, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["delegations"] as? [String])?.contains { $0.contains("releases") } == true, "\(json.stdout)")
        // The digest read aloud covers the current targets.json and every delegated key file.
        let report = try PlanCheck.run(planAt: URL(fileURLWithPath: good), profileAt: nil)
        let lines = try #require(report.ceremonyDigest).lines
        let targetsDigest = PlanDigest(of: try Data(contentsOf: URL(fileURLWithPath: life.targets))).hex
        #expect(lines.contains("targets rehearsal \(targetsDigest)"), "\(lines)")
        #expect(lines.filter { $0.hasPrefix("delegate ") }.count == 2, "\(lines)")

        let html = life.scratch.path("script.html")
        let print = try life.keyceremony(["plan", "print", good, "--html", html])
        #expect(print.status == 0, "\(print.output)")
        let script = try String(contentsOfFile: html, encoding: .utf8)
        #expect(script.contains("<h2>Delegations</h2>") && script.contains("Signed bytes SHA-256 of targets.json") && script.contains("Erin"), "\(script)")
    }

    @Test("a change ceremony: releases gets a second key and threshold 2, docs is added with path hash prefixes; targets.json version 2 verifies and audits clean; python-tuf resolves a target signed by both release keys and refuses, as verify does, one signed by only one (a threshold not met)")
    func changeCeremony() throws {
        let life = try Lifecycle()
        defer { life.scratch.remove() }
        let secondKey = try SoftwareSigner(generating: .ecdsaP256)
        try secondKey.publicKey.pem.write(toFile: "\(life.out)/online/releases-2.pub.pem", atomically: true, encoding: .utf8)
        try secondKey.privateKeyPEM.write(toFile: "\(life.out)/online/releases-2.key.pem", atomically: true, encoding: .utf8)
        let plan = try life.plan("change", delegations: """
          - { role: releases, action: change, add_keys: [../online/releases-2.pub.pem], threshold: 2 }
          - { role: docs, action: add, keys: [../online/releases-2.pub.pem], path_hash_prefixes: ["0", "1", "2", "3"], threshold: 1, terminating: false }
        """, current: "../02-targets-delegation")
        let out = "\(life.out)/05-change"
        let run = try life.keyceremony(["run", plan, "--out", out, "--rehearsal", "--yes", "--pins", life.pins])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("current targets.json version 1"), "\(run.stdout)")
        #expect(run.stdout.contains("releases  2 of 2") && run.stdout.contains("docs      1 of 1"), "\(run.stdout)")
        #expect(run.stdout.contains("rehearsal targets.json SHA-256:"), "\(run.stdout)")

        let verify = try life.keyceremony(["verify", out])
        #expect(verify.status == 0, "\(verify.output)")
        let audit = try life.keyceremony(["audit", out, "--plan", plan])
        #expect(audit.status == 0, "\(audit.output)")
        let bundleTargets = "\(out)/public/metadata/rehearsal/targets.json"
        let signed = try TargetsMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: bundleTargets)))).signed)
        #expect(signed.version == 2)
        #expect(signed.delegations?.roles?.map(\.name) == ["releases", "docs"])
        #expect(signed.delegations?.roles?.first?.threshold == 2 && signed.delegations?.roles?.first?.keyIDs.count == 2)
        #expect(signed.delegations?.keys.count == 2, "the second key serves both roles and is listed once")

        // python-tuf and verify agree: both release keys meet threshold 2, one alone does not.
        let firstKey = "\(life.out)/online/releases.key.pem"
        for (name, keys, resolves) in [("both", [firstKey, "\(life.out)/online/releases-2.key.pem"], true), ("one", [firstKey], false)] {
            let repo = life.scratch.path("repo-\(name)")
            let serve = try PythonTUF.serveBundle("\(out)/public/metadata/rehearsal", online: "\(life.out)/online", into: repo, roles: [
                .init("releases", paths: ["releases/app-2.0.txt"], signWith: keys),
                .init("docs", paths: [], signWith: ["\(life.out)/online/releases-2.key.pem"]),
            ])
            #expect(serve.status == 0, "\(serve.output)")
            let walk = try PythonTUF.walk(repo, target: "releases/app-2.0.txt")
            let verified = try life.keyceremony(["verify", repo])
            if resolves {
                #expect(walk.ok && walk.target_found == true, "\(walk.error ?? "")")
                #expect(verified.status == 0, "\(verified.output)")
            } else {
                #expect(!walk.ok && walk.error?.contains("releases was signed by 1/2 keys") == true, "\(walk.error ?? "")")
                #expect(verified.status == 1 && verified.stdout.contains("signed by 1 of the 2 keys targets delegates releases to; the threshold is 2"), "\(verified.output)")
            }
        }

        // The same plan again, over the targets.json it already changed: the role now exists as changed, so
        // adding docs again is refused before anyone signs, and nothing is written.
        let again = try life.plan("again", delegations: "  - { role: docs, action: add, keys: [../online/releases-2.pub.pem], paths: [\"docs/*\"], threshold: 1, terminating: false }",
                                  current: "../05-change")
        let refused = try life.keyceremony(["run", again, "--out", "\(life.out)/06-again", "--rehearsal", "--yes", "--pins", life.pins])
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("role docs is already delegated"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(life.out)/06-again"))

        // A bundle whose targets.json no longer delegates what was shown is found by the audit.
        let forged = life.scratch.path("forged")
        _ = try ProcessRunner.run("cp", ["-a", out, forged])
        let publicDir = URL(fileURLWithPath: "\(forged)/public")
        var records = try BundleForge.records(publicDir)
        for (index, record) in records.enumerated() {
            guard case .delegations(var shown) = record.event else { continue }
            shown.roles[0].threshold = 1
            records[index].event = .delegations(shown)
        }
        try BundleForge.reseal(publicDir, records: records)
        let forgedAudit = try CeremonyAudit.run(URL(fileURLWithPath: forged))
        #expect(forgedAudit.errors.contains { $0.detail == "targets.json does not delegate what was shown before signing" }, "\(forgedAudit.errors)")
    }

    @Test("a rotation makes the targets role 2 of {Erin's kept key, Frank's new key on a new token}: the old targets.json no longer verifies under it, and a delegation built on it (as signed under version 1) and signed on both tokens does, and audits clean")
    func rotateTargetsKey() throws {
        let life = try Lifecycle()
        defer { life.scratch.remove() }
        // A new token for Frank in the rehearsal's SoftHSM2, with its PINs in the rehearsal PIN file.
        let init_ = try ProcessRunner.run("softhsm2-util", ["--init-token", "--free", "--label", "targets-b", "--so-pin", "5o5o5o5o", "--pin", "f4f4f4f4"],
                                          environment: life.environment)
        try #require(init_.status == 0, "\(init_.output)")
        var pins = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: life.pins))) as? [String: Any])
        var tokens = pins["tokens"] as? [String: Any] ?? [:]
        tokens["targets-b"] = ["user_pin": "f4f4f4f4", "so_pin": "5o5o5o5o"]
        pins["tokens"] = tokens
        try JSONSerialization.data(withJSONObject: pins).write(to: URL(fileURLWithPath: life.pins))

        var rootKeys: [String: String] = [:]
        var holder: String?
        for line in try String(contentsOfFile: "\(life.out)/plans/04-root-resign.yaml", encoding: .utf8).split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("holder: ") { holder = String(text.dropFirst(8)) }
            if text.hasPrefix("key_id: "), let holder { rootKeys[holder] = String(text.dropFirst(8)) }
        }
        let erin = try life.targetsKeyID()
        let rotation = """
        version: 1
        ceremony: root-rotation
        dialect: tuf
        description: Two targets keys, Frank's new
        repositories: [rehearsal]
        expires: 30d
        module: softhsm
        previous: ../04-root-resign
        root:
          threshold: 3
          keys:
            - { name: root-a, holder: Alice, token: { label: root-a }, key_id: \(rootKeys["Alice"] ?? "") }
            - { name: root-c, holder: Carol, token: { label: root-c }, key_id: \(rootKeys["Carol"] ?? "") }
            - { name: root-d, holder: Dave, token: { label: root-d }, key_id: \(rootKeys["Dave"] ?? "") }
        targets:
          threshold: 2
          keys:
            - { name: targets-a, holder: Erin, key_id: \(erin) }
            - { name: targets-b, holder: Frank, token: { label: targets-b }, algorithm: ecdsa-p256 }
        witnesses: [Wendy]

        """
        let rotationPlan = "\(life.out)/plans/05-targets-rotation.yaml"
        try rotation.write(toFile: rotationPlan, atomically: true, encoding: .utf8)
        let rotated = try life.keyceremony(["run", rotationPlan, "--out", "\(life.out)/05-targets-rotation", "--rehearsal", "--yes", "--pins", life.pins])
        #expect(rotated.status == 0, "\(rotated.output)")
        #expect(rotated.stdout.contains("the targets role becomes offline: targets: 2 of Erin, Frank"), "\(rotated.stdout)")
        let audit = try life.keyceremony(["audit", "\(life.out)/05-targets-rotation", "--plan", rotationPlan])
        #expect(audit.status == 0, "\(audit.output)")
        let v4 = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(life.out)/05-targets-rotation/public/metadata/rehearsal/4.root.json")))).signed)
        let targetsRole = try #require(v4.roles["targets"])
        #expect(targetsRole.threshold == 2 && targetsRole.keyIDs.first == erin && targetsRole.keyIDs.count == 2)
        let frank = targetsRole.keyIDs[1]

        // targets.json version 1, signed by Erin alone, does not meet version 4's targets threshold.
        let stale = life.scratch.path("stale")
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        for version in 1...4 {
            try FileManager.default.copyItem(atPath: "\(life.out)/05-targets-rotation/public/metadata/rehearsal/\(version).root.json", toPath: "\(stale)/\(version).root.json")
        }
        try FileManager.default.copyItem(atPath: life.targets, toPath: "\(stale)/targets.json")
        let staleVerify = try life.keyceremony(["verify", stale])
        #expect(staleVerify.status == 1 && staleVerify.stdout.contains("signed by 1 distinct keys of the role; the threshold is 2"), "\(staleVerify.output)")

        // A delegation under version 4, signed on both tokens.
        let delegation = try life.plan("06-two-signers", delegations: "  - { role: releases, action: change, paths: [\"releases/*\", \"hotfix/*\"] }")
        let text = try String(contentsOfFile: delegation, encoding: .utf8)
            .replacingOccurrences(of: "previous: ../02-targets-delegation", with: "previous: ../05-targets-rotation")
            .replacingOccurrences(of: "key_id: \(erin) }\n", with: "key_id: \(erin) }\n    - { name: targets-b, holder: Frank, token: { label: targets-b }, key_id: \(frank) }\n")
        try text.write(toFile: delegation, atomically: true, encoding: .utf8)
        let signed = try life.keyceremony(["run", delegation, "--out", "\(life.out)/06-two-signers", "--rehearsal", "--yes", "--pins", life.pins])
        #expect(signed.status == 0, "\(signed.output)")
        #expect(signed.stdout.contains("targets.json version 2 needs 2 of the current root's targets keys: Erin and Frank"), "\(signed.stdout)")
        #expect(signed.stdout.contains("targets.json: 2 of 2 signed, threshold met"), "\(signed.stdout)")
        // The current targets.json no longer verifies under version 4, which this ceremony fixes: it is taken
        // as verified under the version it was signed under, and that is said.
        #expect(signed.stdout.contains("targets.json version 1 verifies under root version 3; under version 4 it no longer meets the targets threshold"), "\(signed.stdout)")
        let verify = try life.keyceremony(["verify", "\(life.out)/06-two-signers"])
        #expect(verify.status == 0, "\(verify.output)")
        let signedAudit = try life.keyceremony(["audit", "\(life.out)/06-two-signers", "--plan", delegation])
        #expect(signedAudit.status == 0, "\(signedAudit.output)")
    }

    @Test("TUF: bad delegations around the rehearsal's bundle are refused by python-tuf and keyceremony verify alike — a target outside the role's paths, the role signed by a key the delegation does not list, and the role's threshold not met (no signature) — while the good one resolves for both")
    func badDelegations() throws {
        let rehearsal = try RehearsalBundles.directory("tuf")
        let scratch = try TemporaryDirectory("bad-delegations")
        defer { scratch.remove() }
        let bundle = rehearsal.appendingPathComponent("02-targets-delegation/public/metadata/rehearsal").path
        let online = rehearsal.appendingPathComponent("online").path
        let wrong = try SoftwareSigner(generating: .ecdsaP256)
        let wrongKey = try scratch.write(wrong.privateKeyPEM, to: "wrong.key.pem").path
        let release = "\(online)/releases.key.pem"
        let cases: [(name: String, target: String, keys: [String], python: String?, verify: String?)] = [
            ("good", "releases/app-1.0.txt", [release], nil, nil),
            ("outside", "other/app-1.0.txt", [release], "not found", "target other/app-1.0.txt is outside the paths delegated to releases"),
            ("wrong-key", "releases/app-1.0.txt", [wrongKey], "releases was signed by 0/1 keys", "signed by 0 of the 1 keys targets delegates releases to; the threshold is 1"),
            ("threshold", "releases/app-1.0.txt", ["none"], "releases was signed by 0/1 keys", "signed by 0 of the 1 keys targets delegates releases to; the threshold is 1"),
        ]
        for item in cases {
            let repo = scratch.path(item.name)
            let serve = try PythonTUF.serveBundle(bundle, online: online, into: repo, role: "releases", paths: [item.target], signWith: item.keys)
            #expect(serve.status == 0, "\(item.name): \(serve.output)")
            let walk = try PythonTUF.walk(repo, target: item.target)
            let verify = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", repo])
            switch item.python {
            case nil:
                #expect(walk.ok && walk.target_found == true, "\(item.name): \(walk.error ?? "")")
                #expect(verify.status == 0, "\(item.name): \(verify.output)")
            case "not found":
                // python-tuf never takes a target from a role outside its paths: not found, no error.
                #expect(walk.ok && walk.target_found == false, "\(item.name): \(walk.error ?? "")")
            case let message?:
                #expect(!walk.ok && walk.error?.contains(message) == true, "\(item.name): \(walk.error ?? "")")
            }
            if let finding = item.verify {
                #expect(verify.status == 1 && verify.stdout.contains(finding), "\(item.name): \(verify.output)")
            }
        }
    }

    @Test("Notary: a threshold above 1 and a role not named targets/<name> are refused at plan check, each with the reason")
    func notaryRules() throws {
        let life = try Lifecycle("notary")
        defer { life.scratch.remove() }
        let repository = "example.com/rehearsal"
        let threshold = try life.plan("notary-threshold", delegations: """
          - { role: targets/releases, action: change, threshold: 2 }
        """, dialect: "notary", repository: repository)
        let check = try life.keyceremony(["plan", "check", threshold])
        #expect(check.status == 1 && check.stderr.contains("notary supports delegation threshold 1 only"), "\(check.output)")
        let name = try life.plan("notary-name", delegations: """
          - { role: releases, action: remove }
        """, dialect: "notary", repository: repository)
        let nameCheck = try life.keyceremony(["plan", "check", name])
        #expect(nameCheck.status == 1 && nameCheck.stderr.contains("Notary delegated roles are named targets/<name>"), "\(nameCheck.output)")
        // Removing the role is fine: the lockout rule is about a role that stays with no keys.
        let remove = try life.plan("notary-remove", delegations: "  - { role: targets/releases, action: remove }", dialect: "notary", repository: repository)
        let removeCheck = try life.keyceremony(["plan", "check", remove])
        #expect(removeCheck.status == 0 && removeCheck.stdout.contains("removed: targets/releases"), "\(removeCheck.output)")
    }
}
