import Foundation
import Testing
import TestSupport
@testable import Ceremony

/// The `keyceremony` binary built beside this test bundle, if any.
let keyceremonyBinary: URL? = {
    let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
        .compactMap { $0?.deletingLastPathComponent().appendingPathComponent("keyceremony") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

@Suite("plan check output and exit status")
struct PlanCheckOutputTests {
    let now = RFC3339.parse("2026-11-25T12:00:00Z")!

    @Test("the text report has the digest in hex and words, thresholds and numbered steps")
    func textReport() throws {
        let report = try PlanCheck.run(planAt: ceremoniesFolder.appendingPathComponent("tuf-root-generation.yaml"),
                                       profileAt: nil, now: now)
        let text = report.text
        #expect(text.contains("\nPlan digest (SHA-256 of the plan file):\n  \(report.planDigest.hex)\n"))
        let ceremony = try #require(report.ceremonyDigest)
        #expect(text.contains("Read aloud:\n  \(ceremony.digest.wordLines[0])\n"))
        #expect(text.contains("Online keys:\n  targets: key ID "), "\(text)")
        #expect(text.contains("Thresholds:\n  root: 2 of Alice, Bob, Carol\n"))
        #expect(text.contains("  Step 4/14 — Bob: insert token 'root-b' and enter its PIN\n"))
        #expect(text.hasSuffix("OK: the plan can run.\n"))
    }

    @Test("the digest read aloud covers the online key files: swapping one changes the words, the plan digest stays; a failing plan has none")
    func ceremonyDigestCoversKeyFiles() throws {
        let scratch = try TemporaryDirectory("ceremony-digest")
        defer { scratch.remove() }
        let folder = scratch.url.appendingPathComponent("ceremonies")
        try FileManager.default.copyItem(at: ceremoniesFolder, to: folder)
        let plan = folder.appendingPathComponent("tuf-root-generation.yaml")
        let before = try PlanCheck.run(planAt: plan, profileAt: nil, now: now)
        let first = try #require(before.ceremonyDigest)
        #expect(first.lines.count == 6)
        #expect(before.onlineKeyIDs.count == 3)
        // Another valid key in the snapshot file: same plan bytes, different words.
        let targets = try Data(contentsOf: folder.appendingPathComponent("online-keys/example-targets.pem"))
        try targets.write(to: folder.appendingPathComponent("online-keys/example-snapshot.pem"))
        let after = try PlanCheck.run(planAt: plan, profileAt: nil, now: now)
        #expect(after.planDigest == before.planDigest)
        let second = try #require(after.ceremonyDigest)
        #expect(second.digest != first.digest)
        #expect(after.onlineKeyIDs["snapshot"] == after.onlineKeyIDs["targets"])
        // A key file that is not a key: an error at its line, and no digest to read out.
        try Data("not a key\n".utf8).write(to: folder.appendingPathComponent("online-keys/example-timestamp.pem"))
        let broken = try PlanCheck.run(planAt: plan, profileAt: nil, now: now)
        #expect(!broken.passed)
        #expect(broken.ceremonyDigest == nil)
        #expect(broken.errors.contains { $0.line == 30 && $0.message.contains("timestamp") }, "\(broken.errors)")
        #expect(broken.text.contains("Ceremony digest: none."))
        #expect(!broken.text.contains("Read aloud"))
    }

    @Test("the JSON report carries the same facts")
    func jsonReport() throws {
        let report = try PlanCheck.run(planAt: ceremoniesFolder.appendingPathComponent("notary-root-generation.yaml"),
                                       profileAt: ceremoniesFolder.appendingPathComponent("profiles/notary-vault-room.yaml"),
                                       now: now)
        let decoded = try JSONDecoder().decode(PlanCheckJSON.self, from: report.jsonData())
        #expect(decoded.ok)
        #expect(decoded.plan.sha256 == report.planDigest.hex)
        #expect(decoded.plan.words == report.planDigest.words)
        #expect(decoded.ceremonyDigest?.sha256 == report.ceremonyDigest?.digest.hex)
        #expect(decoded.ceremonyDigest?.words?.count == 32)
        #expect(decoded.profile?.sha256 == report.profileDigest?.hex)
        #expect(decoded.steps.count == 27)
        #expect(decoded.thresholds == ["root: 2 of Alice, Bob, Carol"])
    }

    @Test("exit status: 0 for a good plan, 1 for a bad one, 2 for a missing file",
          .enabled(if: keyceremonyBinary != nil, "the keyceremony binary is built beside the tests"))
    func exitStatus() throws {
        let binary = try #require(keyceremonyBinary)
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let bad = try folder.write(replacing("threshold: 2", with: "threshold: 3", in: validTUFPlan), to: "bad.yaml")

        let good = try OutputDirectoryTests.run(binary.path, ["plan", "check", ceremoniesFolder.appendingPathComponent("tuf-root-generation.yaml").path], in: folder.url)
        #expect(good.status == 0, "\(good.output)")
        let failed = try OutputDirectoryTests.run(binary.path, ["plan", "check", bad.path], in: folder.url)
        #expect(failed.status == 1)
        #expect(failed.output.contains("bad.yaml:10:14: root threshold is 3 but only 2 keys are listed"))
        let missing = try OutputDirectoryTests.run(binary.path, ["plan", "check", "nonexistent.yaml"], in: folder.url)
        #expect(missing.status == 2)
        #expect(missing.output.contains("nonexistent.yaml: no such file"))
    }
}
