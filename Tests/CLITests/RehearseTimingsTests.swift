import Ceremony
import Foundation
import Testing
import TestSupport

/// `keyceremony rehearse --timings FILE`: the report's shape and contents, never its figures
/// (no timed tests; the figures belong to Benchmarks/lifecycle.py).
@Suite("keyceremony rehearse --timings: where a rehearsal's time went, with no secret and nothing in the bundles")
struct RehearseTimingsTests {
    static let stageNames = ["01-root-generation", "02-targets-delegation", "03-root-rotation", "04-root-resign", "05-recovery"]

    /// Every `signature` record of a stage's transcript.
    static func signatures(_ directory: String, _ stage: String) throws -> Int {
        let records = try TranscriptVerifier.verify(fileAt: URL(fileURLWithPath: "\(directory)/\(stage)/public/transcript.jsonl")).records
        return records.filter { if case .signature = $0.event { return true } else { return false } }.count
    }

    /// A span's count of calls to `function`, 0 when it made none.
    static func count(_ span: [String: Any]?, _ function: String) -> Int {
        ((span?["functions"] as? [String: Any])?[function] as? [String: Any])?["count"] as? Int ?? 0
    }

    @Test("a TUF rehearsal with --timings: every stage and part reported, PKCS#11 calls counted as the transcripts' signatures say, no PIN in the file, no timing data in any bundle")
    func timingsReport() throws {
        let scratch = try TemporaryDirectory("rehearse-timings")
        let out = scratch.path("r"), file = scratch.path("timings.json")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", out, "--dialect", "tuf", "--timings", file],
                                        environment: ["SOFTHSM2_CONF": nil])
        try #require(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("Timings: \(file)"), "\(run.stdout)")
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(report["schema"] as? Int == 1)
        #expect(Set(report.keys) == ["schema", "total", "overhead_per_token", "prepare", "stages"])
        let total = try #require(report["total"] as? [String: Any])
        for key in ["wall_ns", "token_ns", "token_calls", "kdf_ns", "kdf_rounds", "overhead_ns", "flush_ns", "flushes", "functions"] {
            #expect(total[key] != nil, "total.\(key) is missing")
        }
        #expect(report["overhead_per_token"] is Double)

        // The token layer saw every kind of call a lifecycle makes.
        for function in ["C_Initialize", "C_InitToken", "C_InitPIN", "C_OpenSession", "C_Login", "C_GenerateKeyPair", "C_FindObjectsInit",
                         "C_FindObjects", "C_GetAttributeValue", "C_SignInit", "C_Sign", "C_WrapKey", "C_UnwrapKey", "C_CreateObject"] {
            #expect(Self.count(total, function) > 0, "no \(function) call was counted")
        }
        // The SLIP-39 backup is encrypted once, decrypted by the drill and by the recovery: 4 rounds each.
        #expect(total["kdf_rounds"] as? Int == 12)
        // Tokens are made in `prepare` (one C_InitToken per token) and nowhere else.
        let prepare = try #require(report["prepare"] as? [String: Any])
        #expect(Self.count(prepare, "C_InitToken") == 7)
        #expect(Self.count(total, "C_InitToken") == 7)

        let stages = try #require(report["stages"] as? [[String: Any]])
        #expect(stages.map { $0["name"] as? String } == Self.stageNames)
        var ceremonySignInits = 0
        for stage in stages {
            let name = stage["name"] as? String ?? ""
            for part in ["total", "planning", "ceremony", "verification"] {
                #expect((stage[part] as? [String: Any])?["wall_ns"] is Int, "\(name).\(part)")
            }
            let ceremony = stage["ceremony"] as? [String: Any]
            // The rehearsal's own verification of a bundle touches no token.
            #expect((stage["verification"] as? [String: Any])?["token_calls"] as? Int == 0, "\(name) verification used a token")
            // Each signature is one C_SignInit and two C_Sign calls (the length, then the signature).
            let signatures = try Self.signatures(out, name)
            ceremonySignInits += Self.count(ceremony, "C_SignInit")
            if name == "03-root-rotation" || name == "04-root-resign" || name == "02-targets-delegation" {
                #expect(Self.count(ceremony, "C_SignInit") == signatures, "\(name): signatures in the transcript")
                #expect(Self.count(ceremony, "C_Sign") == 2 * signatures, "\(name): C_Sign calls")
            } else {
                // Generation also signs the drill's test payload; recovery the restored key's.
                #expect(Self.count(ceremony, "C_SignInit") > signatures, "\(name): signatures beyond the transcript's")
            }
        }
        #expect(Self.count(total, "C_SignInit") == ceremonySignInits, "every signature is a ceremony's")

        // No PIN in the file; no timing data in any bundle (or anywhere under the rehearsal).
        let text = String(decoding: data, as: UTF8.self)
        for pin in try RehearseTests.pins(out) { #expect(!text.contains(pin), "a PIN appears in the timings file") }
        let files = FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }.filter { !$0.hasPrefix("softhsm/") }
        #expect(files.contains { $0.hasSuffix("/public/transcript.jsonl") })
        for relative in files {
            guard let contents = FileManager.default.contents(atPath: "\(out)/\(relative)") else { continue }
            let fileText = String(decoding: contents, as: UTF8.self)
            for marker in ["wall_ns", "token_ns", "overhead_ns", "flush_ns", "overhead_per_token", "kdf_rounds", "C_SignInit", "C_GenerateKeyPair"] {
                #expect(!fileText.contains(marker), "\(relative) holds timing data (\(marker))")
            }
        }
    }

    @Test("--timings is refused inside --out or over an existing file, before anything is made (exit 2)")
    func timingsRefused() throws {
        let scratch = try TemporaryDirectory("rehearse-timings-refused")
        let inside = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r"), "--timings", scratch.path("r/t.json")],
                                           environment: ["SOFTHSM2_CONF": nil])
        #expect(inside.status == 2, "\(inside.output)")
        #expect(inside.stderr.contains("outside --out"), "\(inside.stderr)")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: scratch.path("old.json")))
        let existing = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r"), "--timings", scratch.path("old.json")],
                                             environment: ["SOFTHSM2_CONF": nil])
        #expect(existing.status == 2, "\(existing.output)")
        #expect(try String(contentsOfFile: scratch.path("old.json"), encoding: .utf8) == "{}")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("r")), "nothing was made")
    }
}
