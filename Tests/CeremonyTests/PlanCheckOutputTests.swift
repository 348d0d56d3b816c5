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
        #expect(text.contains("\nPlan digest (SHA-256):\n  \(report.planDigest.hex)\n"))
        #expect(text.contains("Read aloud:\n  \(report.planDigest.wordLines[0])\n"))
        #expect(text.contains("Thresholds:\n  root: 2 of Alice, Bob, Carol\n"))
        #expect(text.contains("  Step 4/14 — Bob: insert token 'root-b' and enter its PIN\n"))
        #expect(text.hasSuffix("OK: the plan can run.\n"))
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
        #expect(decoded.profile?.sha256 == report.profileDigest?.hex)
        #expect(decoded.steps.count == 20)
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
