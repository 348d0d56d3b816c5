import Foundation
import Testing
import TestSupport
@testable import Ceremony

/// The repository's `ceremonies/` folder, found from this file's path.
/// A real online public key (PEM), for plans whose key files must parse.
let examplePublicKey = (try? String(contentsOf: ceremoniesFolder.appendingPathComponent("online-keys/example-targets.pem"), encoding: .utf8)) ?? ""

let ceremoniesFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ceremonies")

@Suite("plan check, steps, profiles and the example plans")
struct PlanCheckTests {
    let now = RFC3339.parse("2026-11-25T12:00:00Z")!

    @Test("every example plan passes plan check", arguments: [
        ("tuf-root-generation.yaml", nil as String?),
        ("notary-root-generation.yaml", nil),
        ("notary-root-generation.yaml", "profiles/notary-vault-room.yaml"),
        ("tuf-root-generation.yaml", "profiles/rehearsal-softhsm.yaml"),
        ("tuf-root-rotation.yaml", nil),
        ("notary-root-resign.yaml", nil),
        ("tuf-targets-delegation.yaml", nil),
        ("notary-targets-delegation.yaml", nil),
    ])
    func examples(plan: String, profile: String?) throws {
        let report = try PlanCheck.run(planAt: ceremoniesFolder.appendingPathComponent(plan),
                                       profileAt: profile.map { ceremoniesFolder.appendingPathComponent($0) },
                                       now: now)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.passed)
        #expect(!report.steps.isEmpty)
        let thresholds = plan.contains("delegation") ? ["targets: signed by Erin (the current root's targets threshold)"]
            : [plan == "tuf-root-rotation.yaml" ? "root: 3 of Alice, Carol, Dave" : "root: 2 of Alice, Bob, Carol"]
        #expect(report.thresholds == thresholds)
        #expect(report.profileDigest == (profile == nil ? nil : report.profileDigest))
        // The examples name a previous ceremony that is not in this repository: a warning at its line.
        #expect(report.warnings.contains { $0.message.contains("is not a folder on this machine") } == (plan.contains("-root-r") || plan.contains("delegation")))
        // A first targets.json needs no current one: its delegations are shown at plan check.
        #expect(report.delegations.contains { $0.contains("targets/releases") } == (plan == "notary-targets-delegation.yaml"))
    }

    @Test("every .yaml plan in ceremonies/ is covered by the test above")
    func allExamplesListed() throws {
        let plans = try FileManager.default.contentsOfDirectory(atPath: ceremoniesFolder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(plans == ["notary-root-generation.yaml", "notary-root-resign.yaml", "notary-targets-delegation.yaml", "tuf-root-generation.yaml",
                          "tuf-root-rotation.yaml", "tuf-targets-delegation.yaml"])
    }

    @Test("the steps of the TUF example, numbered, with holders and thresholds in words")
    func tufSteps() throws {
        let plan = try Plan.load(contentsOf: ceremoniesFolder.appendingPathComponent("tuf-root-generation.yaml"))
        let resolved = try ResolvedPlan.resolve(plan: plan, profile: nil)
        let steps = resolved.steps
        #expect(steps.count == 14)
        #expect(steps.map(\.number) == Array(1...14))
        #expect(steps.allSatisfy { $0.total == 14 })
        #expect(steps[0].action == .confirmPlanDigest)
        #expect(steps[0].description == "Step 1/14 — Officer: read the plan digest aloud; Wendy and Walter confirm it matches the digest of the reviewed plan")
        #expect(steps[3].description == "Step 4/14 — Bob: insert token 'root-b' and enter its PIN")
        #expect(steps[4].action == .generateKey(key: "root-b"))
        #expect(steps[7].action == .buildMetadata)
        #expect(steps[7].text.contains("root: 2 of Alice, Bob, Carol"))
        #expect(steps[8...10].map(\.action) == [.sign(key: "root-a"), .sign(key: "root-b"), .sign(key: "root-c")])
        #expect(steps[11...].map(\.action) == [.verify, .writeBundle, .sealTranscript])
        #expect(resolved.thresholdSummary == "root: 2 of Alice, Bob, Carol")
    }

    @Test("notary issues one certificate per key per GUN, after that key's generation")
    func notarySteps() throws {
        let plan = try Plan.load(contentsOf: ceremoniesFolder.appendingPathComponent("notary-root-generation.yaml"))
        let steps = try ResolvedPlan.resolve(plan: plan, profile: nil).steps
        let certificates = steps.filter { if case .issueCertificate = $0.action { return true } else { return false } }
        #expect(certificates.count == (plan.root?.keys.count ?? 0) * plan.repositories.count)
        #expect(steps[1...4].map(\.action) == [
            .insertToken(key: "root-a"), .generateKey(key: "root-a"),
            .issueCertificate(key: "root-a", repository: "registry.example.com/platform/base"),
            .issueCertificate(key: "root-a", repository: "registry.example.com/platform/runtime"),
        ])
        #expect(steps.count == 27)
    }

    @Test("a site profile supplies and overrides tokens and the module; its digest is recorded")
    func profileOverrides() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let planText = replacing("      token: { label: root-a }\n", with: "", in: validTUFPlan)
        let profileText = "module: /opt/hsm/libvendor.so\nholders:\n  Alice: { serial: \"0001\" }\n  Bob: { label: room-b }\n"
        let planURL = try folder.write(planText, to: "plan.yaml")
        let profileURL = try folder.write(profileText, to: "room.yaml")
        for role in ["targets", "snapshot", "timestamp"] { try folder.write(examplePublicKey, to: "keys/\(role).pem") }
        let report = try PlanCheck.run(planAt: planURL, profileAt: profileURL, now: now)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let resolved = try #require(report.resolved)
        #expect(resolved.module == .path("/opt/hsm/libvendor.so"))
        #expect(resolved.keys.map(\.token) == [.serial("0001"), .label("room-b")])
        #expect(resolved.keys.map(\.tokenFromProfile) == [true, true])
        #expect(report.profileDigest == PlanDigest(of: Data(profileText.utf8)))
        #expect(report.steps[1].description == "Step 2/11 — Alice: insert the token with serial 0001 and enter its PIN")
        #expect(report.warnings.map(\.message) == ["module /opt/hsm/libvendor.so does not exist on this machine"])
    }

    @Test("warnings point at the line they are about: a threshold of 1 at 'threshold:', a missing module at 'module:'")
    func warningsPointAtTheirLine() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        var text = replacing("threshold: 2", with: "threshold: 1", in: validTUFPlan)
        text = replacing("module: softhsm", with: "module: /opt/hsm/libvendor.so", in: text)
        let planURL = try folder.write(text, to: "plan.yaml")
        for role in ["targets", "snapshot", "timestamp"] { try folder.write(examplePublicKey, to: "keys/\(role).pem") }
        let report = try PlanCheck.run(planAt: planURL, profileAt: nil, now: now)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let thresholdLine = try #require(lines.firstIndex { $0.contains("threshold: 1") }) + 1
        let moduleLine = try #require(lines.firstIndex { $0.hasPrefix("module:") }) + 1
        let threshold = try #require(report.warnings.first { $0.message.contains("threshold is 1") })
        #expect(threshold.line == thresholdLine)
        let module = try #require(report.warnings.first { $0.message.contains("does not exist on this machine") })
        #expect(module.line == moduleLine)
        #expect(thresholdLine > 1 && moduleLine > 1)
    }

    @Test("a profile naming a holder not in the plan is an error in the profile")
    func profileUnknownHolder() throws {
        let plan = try validPlan()
        let source = SourceFile(url: URL(fileURLWithPath: "/tmp/room.yaml"), displayName: "room.yaml",
                                bytes: Data("holders:\n  Alice: { label: a }\n  Mallory: { label: m }\n".utf8))
        let profile = try SiteProfile.parse(source)
        #expect(throws: PlanError(diagnostics: [PlanDiagnostic(
            severity: .error, file: "room.yaml", line: 3, column: 3,
            message: "the profile names holder 'Mallory', who holds no key in the plan; expected one of 'Alice', 'Bob'")])) {
            try ResolvedPlan.resolve(plan: plan, profile: profile)
        }
    }

    @Test("a profile that puts two keys on one token is an error at the profile's line")
    func profileDuplicateToken() throws {
        let plan = try validPlan()
        let source = SourceFile(url: URL(fileURLWithPath: "/tmp/room.yaml"), displayName: "room.yaml",
                                bytes: Data("holders:\n  Bob: { label: root-a }\n".utf8))
        let profile = try SiteProfile.parse(source)
        #expect(throws: PlanError(diagnostics: [PlanDiagnostic(
            severity: .error, file: "room.yaml", line: 2, column: 3,
            message: "key 'root-b' would use token 'root-a', already used by key 'root-a'; each key needs its own token")])) {
            try ResolvedPlan.resolve(plan: plan, profile: profile)
        }
    }

    @Test("profiles are strict too", arguments: [
        ("modul: softhsm\n", "room.yaml:1:1: unknown key 'modul' in the site profile; expected one of 'module', 'module_parameters', 'holders', 'key_policy_exceptions'"),
        ("holders:\n  Alice: { label: a, uri: \"pkcs11:\" }\n", "room.yaml:2:10: token for 'Alice' must have exactly one of 'label', 'serial' or 'uri', found 'label' and 'uri'"),
        ("holders:\n  Alice: { label: a }\n  Bob: { label: a }\n", "room.yaml:3:8: token 'a' is already given to 'Alice'; each holder needs their own token"),
        ("module: softhsm\nso_pin: \"1234\"\n", "room.yaml:2:1: 'so_pin' looks like a secret; plans and profiles must never hold PINs, passwords or other secrets (PINs are typed at the holder's step)"),
    ])
    func strictProfiles(text: String, expected: String) {
        let source = SourceFile(url: URL(fileURLWithPath: "/tmp/room.yaml"), displayName: "room.yaml", bytes: Data(text.utf8))
        do {
            _ = try SiteProfile.parse(source)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.description).contains(expected), "\(error.errors)")
        }
    }

    @Test("a key with no token in plan or profile, and no module anywhere, are errors")
    func unresolved() throws {
        var text = replacing("      token: { label: root-b }\n", with: "", in: validTUFPlan)
        text = replacing("module: softhsm\n", with: "", in: text)
        let plan = try validPlan(text)
        do {
            _ = try ResolvedPlan.resolve(plan: plan, profile: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.description) == [
                "plan.yaml:1:1: no PKCS#11 module: the plan has no 'module' and no site profile gives one",
                "plan.yaml:15:7: key 'root-b' has no token: give it 'token:' in the plan or map holder 'Bob' in a site profile",
            ])
        }
    }

    @Test("missing online key files are errors at their line; plan check reports them")
    func missingOnlineKeys() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let planURL = try folder.write(validTUFPlan, to: "plan.yaml")
        try folder.write(examplePublicKey, to: "keys/targets.pem")
        try folder.write(examplePublicKey, to: "keys/snapshot.pem")
        let report = try PlanCheck.run(planAt: planURL, profileAt: nil, now: now)
        #expect(!report.passed)
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.line == 23)
        #expect(report.errors.first?.column == 14)
        #expect(report.errors.first?.message.contains("timestamp.pem does not exist") == true)
        #expect(report.steps.isEmpty)
    }

    @Test("plan check reports the expiry bounds")
    func checkExpiry() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        for role in ["targets", "snapshot", "timestamp"] { try folder.write(examplePublicKey, to: "keys/\(role).pem") }
        let far = try folder.write(replacing("expires: 1y", with: "expires: 25y", in: validTUFPlan), to: "far.yaml")
        let long = try folder.write(replacing("expires: 1y", with: "expires: 6y", in: validTUFPlan), to: "long.yaml")
        let farReport = try PlanCheck.run(planAt: far, profileAt: nil, now: now)
        #expect(!farReport.passed)
        #expect(farReport.errors.map { "\($0.line):\($0.column)" } == ["7:10"])
        let longReport = try PlanCheck.run(planAt: long, profileAt: nil, now: now)
        #expect(longReport.passed)
        #expect(longReport.warnings.contains { $0.line == 7 && $0.column == 10 && $0.message.contains("more than 5 years") })
    }

    @Test("an unreadable plan is an input error, not a plan error")
    func missingFile() {
        #expect(throws: InputFileError.self) {
            try PlanCheck.run(planAt: URL(fileURLWithPath: "/nonexistent/plan.yaml"), profileAt: nil)
        }
    }

    @Test("a FIFO or a device is refused at once instead of blocking or reading forever")
    func specialFiles() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("plan-fifo-\(UUID().uuidString.prefix(6))")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        for url in [fifo, URL(fileURLWithPath: "/dev/zero")] {
            #expect { _ = try SourceFile.read(url) } throws: { "\($0)".contains("not a regular file") }
        }
    }
}
