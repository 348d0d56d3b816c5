import Ceremony
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// `keyceremony audit` on real rehearsal bundles: clean ones pass, every change is found.
@Suite("keyceremony audit")
struct AuditTests {
    static let dialects = ["notary", "tuf"]

    static func audit(_ url: URL, plan: URL? = nil) throws -> AuditReport {
        try CeremonyAudit.run(url, options: AuditOptions(plan: plan))
    }

    static func errors(_ report: AuditReport, _ check: AuditFinding.Check) -> [AuditFinding] {
        report.errors.filter { $0.check == check }
    }

    /// A small fixed-seed generator (SplitMix64), so the offsets are the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("a clean bundle audits clean: both dialects, every ceremony kind, as a directory and as public/ alone, with and without --plan", arguments: dialects)
    func clean(dialect: String) throws {
        let rehearsal = try RehearsalBundles.directory(dialect)
        for stage in RehearsalBundles.stages {
            let bundle = rehearsal.appendingPathComponent(stage)
            let plan = rehearsal.appendingPathComponent("plans/\(stage).yaml")
            for (url, planURL) in [(bundle, nil), (bundle.appendingPathComponent("public"), plan), (bundle, plan)] {
                let report = try Self.audit(url, plan: planURL)
                #expect(report.passed, "\(dialect) \(stage) \(url.lastPathComponent): \(report.errors)")
                #expect(report.start?.rehearsal == true)
                #expect(report.findings.contains { $0.check == .rehearsal && $0.severity == .notice })
                // Generation backs up and drills (its shares/ sit beside a rehearsal bundle); the others make no backup.
                #expect(report.errors.allSatisfy { $0.check != .backup })
                #expect(report.findings.contains { $0.check == .backup && $0.severity == .notice })
                #expect(report.steps.count == report.records.filter { if case .stepStart = $0.event { return true } else { return false } }.count)
                #expect(!report.keys.isEmpty && report.keys.allSatisfy { $0.tokenSerial != nil })
            }
        }
        // The tool identity is recorded at the start and checked against --tool-sha256.
        let bundle = rehearsal.appendingPathComponent(RehearsalBundles.stages[0])
        let recorded = try #require(try Self.audit(bundle).start?.toolSHA256)
        #expect(try CeremonyAudit.run(bundle, options: AuditOptions(toolSHA256: recorded)).passed)
        let other = String(repeating: "0", count: 64)
        let wrong = try CeremonyAudit.run(bundle, options: AuditOptions(toolSHA256: other))
        #expect(Self.errors(wrong, .tool).map(\.expected) == [other])
    }

    @Test("a single-byte change at 200 seeded offsets across the transcript and the public files is always found", arguments: dialects)
    func singleBytes(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-bytes")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "03-root-rotation", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        let files = FileManager.default.enumerator(atPath: publicDir.path)!.compactMap { $0 as? String }
            .filter { !$0.hasSuffix("/") && FileManager.default.contents(atPath: publicDir.appendingPathComponent($0).path) != nil }.sorted()
        var generator = SeededGenerator(state: dialect == "tuf" ? 9 : 99)
        var tried = Set<String>()
        for round in 0..<200 {
            // Half the changes in the transcript, the rest spread over every public file.
            let file = round % 2 == 0 ? "transcript.jsonl" : files[Int.random(in: 0..<files.count, using: &generator)]
            let url = publicDir.appendingPathComponent(file)
            let original = try Data(contentsOf: url)
            var bytes = Array(original)
            let offset = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[offset] ^= UInt8.random(in: 1...255, using: &generator)
            try Data(bytes).write(to: url)
            let report = try? Self.audit(bundle)
            #expect(report == nil || !report!.passed, "\(dialect): byte \(offset) of \(file) changed, not found")
            try original.write(to: url)
            tried.insert(file)
        }
        #expect(tried.count > 5)
        #expect(try Self.audit(bundle).passed)
    }

    @Test("deleting any one record, swapping any two adjacent ones, or truncating the transcript is found", arguments: dialects)
    func transcriptEdits(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-records")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "01-root-generation", into: scratch)
        let url = bundle.appendingPathComponent("public/transcript.jsonl")
        let original = try Data(contentsOf: url)
        let lines = original.split(separator: 0x0A).map { Data($0) }
        func attempt(_ edited: [Data], _ what: String) throws {
            try (edited.map { $0 + Data([0x0A]) }.reduce(Data(), +)).write(to: url)
            let report = try Self.audit(bundle)
            #expect(!Self.errors(report, .transcript).isEmpty, "\(dialect): \(what) not found")
        }
        for index in lines.indices {
            var edited = lines
            edited.remove(at: index)
            try attempt(edited, "record \(index + 1) deleted")
        }
        for index in lines.indices.dropLast() {
            var edited = lines
            edited.swapAt(index, index + 1)
            try attempt(edited, "records \(index + 1) and \(index + 2) swapped")
        }
        for keep in [1, lines.count / 2, lines.count - 1] {
            try attempt(Array(lines.prefix(keep)), "cut after record \(keep)")
        }
        // Cut mid-line.
        try original.prefix(original.count - 17).write(to: url)
        #expect(!Self.errors(try Self.audit(bundle), .transcript).isEmpty)
        try original.write(to: url)
        #expect(try Self.audit(bundle).passed)
    }

    @Test("a plan edited after the ceremony is found, even with every digest rewritten", arguments: dialects)
    func planEdited(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-plan")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "01-root-generation", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        let plan = publicDir.appendingPathComponent("plan.yaml")
        try (try String(contentsOf: plan, encoding: .utf8).replacingOccurrences(of: "root:\n  threshold: 2", with: "root:\n  threshold: 1"))
            .write(to: plan, atomically: true, encoding: .utf8)
        try BundleForge.reseal(publicDir, records: try BundleForge.records(publicDir))
        let report = try Self.audit(bundle)
        #expect(Self.errors(report, .transcript).isEmpty, "\(report.errors)")
        #expect(Self.errors(report, .plan).contains { $0.location == "public/plan.yaml" && $0.expected == report.start?.planDigest }, "\(report.errors)")

        // A forger who also rewrites the digest in the start record: the reviewed plan (--plan)
        // no longer matches, and the edited plan's steps are not the steps executed.
        var records = try BundleForge.records(publicDir)
        guard case .ceremonyStart(var start) = records[0].event else { Issue.record("no start"); return }
        let reviewedDigest = start.planDigest
        start.planDigest = PlanDigest(of: try Data(contentsOf: plan)).hex
        records[0].event = .ceremonyStart(start)
        try BundleForge.reseal(publicDir, records: records)
        let reviewed = bundle.deletingLastPathComponent().appendingPathComponent("plans/01-root-generation.yaml")
        let forged = try Self.audit(bundle, plan: reviewed)
        #expect(Self.errors(forged, .files).isEmpty && Self.errors(forged, .transcript).isEmpty, "\(forged.errors)")
        #expect(Self.errors(forged, .plan).contains { $0.location == reviewed.path && $0.found == reviewedDigest }, "\(forged.errors)")
        #expect(!Self.errors(forged, .steps).isEmpty, "\(forged.errors)")
    }

    @Test("a key recorded as extractable is found by the attribute check", arguments: dialects)
    func extractable(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-extractable")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "01-root-generation", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        var records = try BundleForge.records(publicDir)
        // The last key generated: Carol's, which is not backed up (Alice's was extractable for its wrap, as recorded).
        let index = try #require(records.lastIndex { if case .keyGenerated = $0.event { return true } else { return false } })
        guard case .keyGenerated(var key) = records[index].event else { return }
        key.attributes.extractable = true
        key.attributes.neverExtractable = false
        records[index].event = .keyGenerated(key)
        try BundleForge.reseal(publicDir, records: records)
        let report = try Self.audit(bundle)
        #expect(Self.errors(report, .files).isEmpty && Self.errors(report, .transcript).isEmpty, "\(report.errors)")
        let found = Self.errors(report, .attributes)
        #expect(found.contains { $0.location == "transcript.jsonl seq \(index + 1)" && $0.expected == "CKA_EXTRACTABLE=false" && $0.found == "CKA_EXTRACTABLE=true" }, "\(report.errors)")
    }

    @Test("a missing witness confirmation is found by the people check", arguments: dialects)
    func missingWitness(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-witness")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "04-root-resign", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        var records = try BundleForge.records(publicDir)
        let before = records.count
        records.removeAll { if case .confirmation(let c) = $0.event { return c.by == "Wendy" } else { return false } }
        #expect(records.count == before - 1)
        try BundleForge.reseal(publicDir, records: records)
        let report = try Self.audit(bundle)
        #expect(Self.errors(report, .files).isEmpty && Self.errors(report, .transcript).isEmpty, "\(report.errors)")
        #expect(Self.errors(report, .people).map(\.detail) == ["witness Wendy, named in the plan, did not confirm the plan digest"], "\(report.errors)")
    }

    @Test("a skipped step is found by replaying the plan", arguments: dialects)
    func skippedStep(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-steps")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "03-root-rotation", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        var records = try BundleForge.records(publicDir)
        // Drop step 2 (review the current root) with everything recorded during it.
        let first = try #require(records.firstIndex { if case .stepStart(let s) = $0.event { return s.step == 2 } else { return false } })
        let next = try #require(records.firstIndex { if case .stepStart(let s) = $0.event { return s.step == 3 } else { return false } })
        records.removeSubrange(first..<next)
        try BundleForge.reseal(publicDir, records: records)
        let report = try Self.audit(bundle)
        #expect(Self.errors(report, .transcript).isEmpty, "\(report.errors)")
        #expect(!Self.errors(report, .steps).isEmpty, "\(report.errors)")
        #expect(Self.errors(report, .provenance).contains { $0.detail.contains("not recorded") })
    }

    @Test("a failed ceremony's folder: what happened and which keys were left on which tokens")
    func failedCeremony() throws {
        let scratch = try TemporaryDirectory("audit-failed")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy("tuf", stage: "01-root-generation", into: scratch)
        // What a failure at the signing step leaves: the transcript up to there, plus the error.
        let records = try BundleForge.records(bundle.appendingPathComponent("public"))
        let stop = try #require(records.firstIndex { if case .stepStart(let s) = $0.event { return s.actor == "Officer" && s.text.hasPrefix("build") } else { return false } })
        var kept = Array(records.prefix(stop))
        let last = kept[kept.count - 1]
        kept.append(TranscriptRecord(seq: last.seq + 1, time: last.time, prev: PlanDigest(of: try last.line()).hex,
                                     event: .error(.init(step: 9, message: "token root-b was removed"))))
        let failed = scratch.url.appendingPathComponent("out.failed-20261130T000000Z")
        try FileManager.default.createDirectory(at: failed, withIntermediateDirectories: true)
        try kept.map { try $0.line() + Data([0x0A]) }.reduce(Data(), +).write(to: failed.appendingPathComponent("transcript.jsonl"))
        let report = try CeremonyAudit.run(failed, options: AuditOptions(plan: bundle.deletingLastPathComponent().appendingPathComponent("plans/01-root-generation.yaml")))
        #expect(!report.passed)
        #expect(report.failure == "token root-b was removed")
        // The root keys and Erin's offline targets key were made before the root was built.
        #expect(report.keys.map(\.tokenLabel) == ["root-a", "root-b", "root-c", "targets-a"])
        #expect(report.findings.filter { $0.check == .failure && $0.severity == .notice }.count == 4)
        #expect(Self.errors(report, .transcript).isEmpty && Self.errors(report, .steps).isEmpty, "\(report.errors)")
        #expect(report.verdict.hasPrefix("FAILED CEREMONY"))
    }

    @Test("audit on the command line: exit 0 clean, 1 with findings, 2 for a FIFO or no ceremony; --json")
    func commandLine() throws {
        let rehearsal = try RehearsalBundles.directory("tuf")
        let clean = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", rehearsal.appendingPathComponent("03-root-rotation").path, "--json"])
        #expect(clean.status == 0, "\(clean.output)")
        let json = try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any]
        #expect(json?["passed"] as? Bool == true)
        let scratch = try TemporaryDirectory("audit-cli")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy("tuf", stage: "01-root-generation", into: scratch)
        try Data("x".utf8).write(to: bundle.appendingPathComponent("public/extra.txt"))
        let findings = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path])
        #expect(findings.status == 1)
        #expect(findings.stdout.contains("extra.txt"))
        try FileManager.default.removeItem(at: bundle.appendingPathComponent("public/extra.txt"))
        let transcript = bundle.appendingPathComponent("public/transcript.jsonl")
        try FileManager.default.removeItem(at: transcript)
        #expect(mkfifo(transcript.path, 0o600) == 0)
        let fifo = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path])
        #expect(fifo.status == 2)
        #expect(fifo.stderr.contains("not a regular file"))
        let nothing = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", scratch.path])
        #expect(nothing.status == 2)
    }
}

extension AuditTests {
    @Test("a root.json validly signed by the ceremony's own tokens but listing an extra key is found", arguments: dialects)
    func extraKey(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-extra-key")
        defer { scratch.remove() }
        let rehearsal = try RehearsalBundles.directory(dialect)
        let bundle = try RehearsalBundles.copy(dialect, stage: "01-root-generation", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        let records = try BundleForge.records(publicDir)
        let repository = dialect == "tuf" ? "rehearsal" : "example.com/rehearsal"
        let folder = publicDir.appendingPathComponent("metadata/\(repository)")
        var root = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: folder.appendingPathComponent("root.json")))).signed)

        let extra = try SoftwareSigner(generating: .ecdsaP256)
        let extraKey = dialect == "tuf" ? MetadataKey.make(extra.publicKey, dialect: .tuf)
            : try NotaryRootCertificate.issue(gun: repository, signer: extra, years: 1).key
        let extraID = root.addKey(extraKey)
        root.roles["root"]?.keyIDs.append(extraID)
        var file = root.signedMetadata()
        // Signed by two of the three tokens (the threshold), under the key IDs the root lists for them.
        for name in ["root-a", "root-b"] {
            let generated = try #require(records.compactMap { r -> TranscriptEvent.KeyGenerated? in
                if case .keyGenerated(let k) = r.event, k.key == name { return k } else { return nil } }.first)
            let keyID = try #require(records.compactMap { r -> String? in
                if case .signature(let s) = r.event, s.key == name { return s.keyID } else { return nil } }.first)
            let signer = try PKCS11ToolSigner(rehearsal: rehearsal, tokenLabel: name, ckaID: generated.ckaID, publicKeyPEM: generated.spkiPEM)
            try file.sign(with: signer, keyID: keyID, dialect: dialect == "tuf" ? .tuf : .notary)
        }
        let bytes = Data(try file.fileBytes(dialect: dialect == "tuf" ? .tuf : .notary))
        try bytes.write(to: folder.appendingPathComponent("root.json"))
        try bytes.write(to: folder.appendingPathComponent("1.root.json"))
        try BundleForge.reseal(publicDir, records: records)

        let report = try Self.audit(bundle)
        #expect(Self.errors(report, .files).isEmpty && Self.errors(report, .transcript).isEmpty, "\(report.errors)")
        // Validly signed: the metadata itself verifies.
        #expect(!Self.errors(report, .signatures).contains { $0.detail.hasPrefix("verify:") }, "\(report.errors)")
        #expect(Self.errors(report, .provenance).contains { $0.found == "root key \(extraID)" }, "\(report.errors)")
    }
}

extension AuditTests {
    @Test("a bundle that claims to be production but was made on SoftHSM2 tokens with rehearsal flags is a finding", arguments: dialects)
    func productionOnSoftHSM(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-production")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "01-root-generation", into: scratch)
        let publicDir = bundle.appendingPathComponent("public")
        var records = try BundleForge.records(publicDir)
        guard case .ceremonyStart(var start) = records[0].event else { Issue.record("no start"); return }
        start.rehearsal = false
        records[0].event = .ceremonyStart(start)
        try BundleForge.reseal(publicDir, records: records, rehearsal: false)
        let report = try Self.audit(bundle)
        #expect(Self.errors(report, .files).isEmpty && Self.errors(report, .transcript).isEmpty, "\(report.errors)")
        let found = Self.errors(report, .rehearsal)
        #expect(found.contains { $0.found?.hasPrefix("SoftHSM project token") == true }, "\(report.errors)")
        #expect(found.contains { $0.found == "rehearsal --yes" }, "\(report.errors)")
        #expect(!report.findings.contains { $0.check == .rehearsal && $0.severity == .notice })
    }

    @Test("an online key file changed after the ceremony is found from --plan; the recorded key ID is checked without it", arguments: dialects)
    func onlineKeyInput(dialect: String) throws {
        let scratch = try TemporaryDirectory("audit-online")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy(dialect, stage: "01-root-generation", into: scratch)
        let plan = bundle.deletingLastPathComponent().appendingPathComponent("plans/01-root-generation.yaml")
        let key = bundle.deletingLastPathComponent().appendingPathComponent("online/snapshot.pub.pem")
        guard FileManager.default.fileExists(atPath: key.path) else { Issue.record("no online snapshot key file"); return }
        try (try Data(contentsOf: key) + Data("\n".utf8)).write(to: key)
        let report = try Self.audit(bundle, plan: plan)
        #expect(Self.errors(report, .provenance).map(\.location) == [key.path], "\(report.errors)")
        #expect(Self.errors(report, .provenance).first?.detail == "the snapshot key file is not the one the ceremony read")
        // Without the input files, the key IDs recorded at the start are compared with the root's.
        let publicDir = bundle.appendingPathComponent("public")
        var records = try BundleForge.records(publicDir)
        guard case .ceremonyStart(var start) = records[0].event else { Issue.record("no start"); return }
        start.onlineKeys?["snapshot"]?.keyID = String(repeating: "e", count: 64)
        records[0].event = .ceremonyStart(start)
        try BundleForge.reseal(publicDir, records: records)
        let forged = try Self.audit(bundle)
        #expect(Self.errors(forged, .provenance).map(\.detail) == ["the snapshot key is not the online key declared as input"], "\(forged.errors)")
    }
}

extension AuditTests {
    @Test("hostile input: a transcript nested past the JSON limit is a finding naming the limit; a huge one is an input error, read no further")
    func hostileInput() throws {
        let scratch = try TemporaryDirectory("audit-hostile")
        defer { scratch.remove() }
        let bundle = try RehearsalBundles.copy("tuf", stage: "01-root-generation", into: scratch)
        let transcript = bundle.appendingPathComponent("public/transcript.jsonl")
        try Data(("{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n").utf8).write(to: transcript)
        let report = try Self.audit(bundle)
        let found = Self.errors(report, .transcript)
        #expect(found.contains { $0.detail.contains("over this tool's limit: nesting deeper than 128 levels") }, "\(report.errors)")

        // A sparse file larger than the bundle-file limit: refused from its size, never read.
        let handle = try FileHandle(forWritingTo: transcript)
        try handle.truncate(atOffset: UInt64(PathVerifier.maximumFileSize) + 1)
        try handle.close()
        #expect(throws: AuditInputError.self) { try Self.audit(bundle) }
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("larger than"))
    }
}

extension AuditTests {
    @Test("a ceremony run with a site profile: the profile is copied into the bundle and the steps replay with it; without the copy they cannot")
    func siteProfile() throws {
        let scratch = try TemporaryDirectory("audit-profile")
        defer { scratch.remove() }
        let rehearsal = try RehearsalBundles.directory("tuf")
        // Fresh tokens of its own, named only in the profile: the plan's token labels are overridden.
        for name in ["plans", "online"] {
            try FileManager.default.copyItem(at: rehearsal.appendingPathComponent(name), to: scratch.url.appendingPathComponent(name))
        }
        let tokens = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearsal", "tokens", "--dir", scratch.path("softhsm"), "--labels", "room-a,room-b,room-c,room-d,room-e"],
                                           environment: ["SOFTHSM2_CONF": nil])
        try #require(tokens.status == 0, "\(tokens.output)")
        let profile = try scratch.write("module: softhsm\nholders:\n  Alice: { label: room-a }\n  Bob: { label: room-b }\n  Carol: { label: room-c }\n  Erin: { label: room-e }\n  Oscar: { label: room-d }\n", to: "room.yaml")
        let out = scratch.path("with-profile")
        let run = try ProcessRunner.run(try TestPaths.keyceremony,
                                        ["run", scratch.path("plans/01-root-generation.yaml"), "--profile", profile.path, "--out", out,
                                         "--rehearsal", "--yes", "--pins", scratch.path("softhsm/pins.json")],
                                        environment: ["SOFTHSM2_CONF": scratch.path("softhsm/softhsm2.conf")])
        try #require(run.status == 0, "\(run.output)")
        let bundle = URL(fileURLWithPath: out)
        #expect(try Data(contentsOf: bundle.appendingPathComponent("public/profile.yaml")) == Data(contentsOf: profile))
        let report = try Self.audit(bundle, plan: URL(fileURLWithPath: scratch.path("plans/01-root-generation.yaml")))
        #expect(report.passed, "\(report.errors)")
        #expect(report.start?.profileDigest != nil)
        #expect(report.steps.contains { $0.text.contains("'room-b'") })

        let publicDir = bundle.appendingPathComponent("public")
        try FileManager.default.removeItem(at: publicDir.appendingPathComponent("profile.yaml"))
        try BundleForge.reseal(publicDir, records: try BundleForge.records(publicDir))
        let without = try Self.audit(bundle)
        #expect(Self.errors(without, .plan).map(\.location) == ["public/profile.yaml"], "\(without.errors)")
    }
}
