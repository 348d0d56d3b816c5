import Foundation
import Testing
import TestSupport
import TrustMetadata
@testable import Ceremony
import PKCS11

/// A console that confirms every step and records what was said; it has no PINs to give.
final class ScriptedConsole: CeremonyConsole {
    private(set) var lines: [String] = []
    private(set) var confirmed: [Int] = []
    let isRehearsal = true

    func say(_ text: String) { lines.append(text) }

    func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String {
        confirmed.append(step.number)
        return "scripted"
    }

    /// Who confirmed the plan digest as a witness, in order.
    private(set) var witnessed: [String] = []

    func witnessConfirmations(_ witnesses: [String], statement: String) throws(CeremonyConsoleError) -> [String] {
        witnessed += witnesses
        return witnesses
    }

    func pin(holder: String, token: TokenIdentity, step: CeremonyStep?) throws(CeremonyConsoleError) -> SecretBytes {
        throw .pinUnavailable("a scripted console has no PINs")
    }
}

/// What a scripted procedure does at its middle step.
protocol ProcedureScript {
    static func middle(_ context: CeremonyContext) throws
}

/// A procedure with no tokens: a root of software keys, built, signed and verified through the
/// same root work the real procedures use, with a scripted middle step.
final class SoftwareRootProcedure<Script: ProcedureScript>: CeremonyProcedure {
    static var bodyKeys: [String] { [] }
    static func readBody(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> PlanBody? { nil }

    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep.Draft] {
        [StepPlanner.confirmDigest(resolved.plan),
         .init(CeremonyStep.officerName, .buildMetadata, "build and sign a root with software keys"),
         .init(CeremonyStep.officerName, .reviewRootChanges, "the scripted middle step"),
         .init(CeremonyStep.officerName, .verify, "verify the root")] + StepPlanner.closing()
    }

    private let signers: [SoftwareSigner]
    private let drafts = RootDrafts(dialect: .tuf)

    init(resolved: ResolvedPlan, context: CeremonyContext) throws {
        signers = try (0..<4).map { _ in try SoftwareSigner(generating: .ecdsaP256) }
    }

    var summary: [String] { ["a root of software keys"] }

    func rootFiles(in directory: URL) -> [String: URL] { Self.rootFilesIn(directory, repositories: ["engine-test"]) }

    func perform(_ step: CeremonyStep, context: CeremonyContext) throws {
        switch step.action {
        case .buildMetadata:
            var root = RootMetadata(dialect: .tuf, version: 1, expires: MetadataTime(context.expiry), keys: [:], roles: [:])
            let ids = signers.map { root.addKey(MetadataKey.make($0.publicKey, dialect: .tuf)) }
            root.roles["root"] = RoleKeys(keyIDs: [ids[0]], threshold: 1)
            for (index, role) in OnlineKeyFiles.roles.enumerated() { root.roles[role] = RoleKeys(keyIDs: [ids[index + 1]], threshold: 1) }
            try drafts.add(root, repository: "engine-test", current: nil, keyIDs: ["software": [ids[0]]],
                           transcript: context.transcript, say: context.console.say)
            try drafts.sign(name: "software", holder: "Officer", with: signers[0], transcript: context.transcript)
        case .reviewRootChanges:
            try Script.middle(context)
        case .verify:
            try drafts.verify(context: context)
        case .writeBundle:
            try context.output.writePlan(context.plan.source)
            try drafts.write(to: context.output)
        default:
            Issue.record("the engine handed over a step it owns: \(step)")
        }
    }
}

enum DoNothing: ProcedureScript {
    static func middle(_ context: CeremonyContext) throws {}
}

struct StepBroke: Error, CustomStringConvertible {
    var description: String { "the scripted step broke" }
}

enum Throws: ProcedureScript {
    static func middle(_ context: CeremonyContext) throws { throw StepBroke() }
}

/// Delivers Ctrl-C while the step works, as the signal source does.
enum InterruptsWhileWorking: ProcedureScript {
    static func middle(_ context: CeremonyContext) throws {
        Interruption.deliverForTesting()
    }
}

@Suite("The ceremony engine, in process", .serialized)
struct CeremonyEngineTests {
    static func resolved() throws -> ResolvedPlan {
        // A plan whose keys come with no token and no module: the engine must not need one.
        var plan = try validPlan(replacing("module: softhsm\n", with: "", in: validTUFPlan))
        // Nor online key files: the software procedure makes its own keys, and the digest read
        // aloud covers exactly the files a plan names.
        if case let .rootGeneration(body) = plan.body {
            plan.body = .rootGeneration(RootGenerationPlan(root: body.root, onlineKeys: OnlineKeyFiles(files: [:]), backup: nil))
        }
        return ResolvedPlan(plan: plan, profile: nil, module: nil, keys: [])
    }

    static func run<S: ProcedureScript>(_ script: S.Type, into directory: TemporaryDirectory) throws -> (Result<CeremonyResult, Error>, ScriptedConsole) {
        let console = ScriptedConsole()
        let engine = CeremonyEngine<SoftwareRootProcedure<S>>(
            resolved: try resolved(), options: CeremonyOptions(output: directory.url.appendingPathComponent("out"), rehearsal: true),
            console: console)
        return (Result { try engine.run() }, console)
    }

    static func failedTranscript(in directory: TemporaryDirectory) throws -> (URL, [TranscriptRecord]) {
        let failed = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path("")).first { $0.hasPrefix("out.failed-") })
        let url = directory.url.appendingPathComponent(failed)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path) == [BundlePath.transcript])
        let verification = try TranscriptVerifier.verify(fileAt: url.appendingPathComponent(BundlePath.transcript), requireSeal: false)
        #expect(verification.problem == nil)
        return (url, verification.records)
    }

    @Test("a procedure with no tokens runs every step and writes a bundle that checks and verifies")
    func noTokens() throws {
        let directory = try TemporaryDirectory("engine-ok")
        defer { directory.remove() }
        let (result, console) = try Self.run(DoNothing.self, into: directory)
        let done = try result.get()
        // Step 1 is confirmed by the plan's witness, Wendy, by name, and then by the officer.
        #expect(console.witnessed == ["Wendy"])
        #expect(console.confirmed == [1, 2, 3, 4, 5, 6])
        #expect(console.lines.contains("a root of software keys"))
        let bundle = BundleCheck.run(directory: done.directory)
        #expect(bundle.isValid, "\(bundle.problems)")
        let report = try PathVerifier(options: VerificationOptions(dialect: .tuf)).verify(path: done.directory.path)
        #expect(report.passed, "\(report.findings)")
        #expect(FileManager.default.fileExists(atPath: try #require(done.rootFiles["engine-test"]).path))
    }

    @Test("a step that throws stops the ceremony at that step, exactly once, leaving only the failed transcript")
    func stepThrows() throws {
        let directory = try TemporaryDirectory("engine-throws")
        defer { directory.remove() }
        let (result, console) = try Self.run(Throws.self, into: directory)
        guard case let .failure(error) = result, let failure = error as? CeremonyFailure else {
            Issue.record("expected a CeremonyFailure, got \(result)")
            return
        }
        #expect(failure.step?.number == 3)
        #expect(failure.description == "step 3/6: the scripted step broke")
        #expect(!failure.interrupted)
        #expect(console.confirmed == [1, 2, 3])
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
        let (_, records) = try Self.failedTranscript(in: directory)
        let errors = records.compactMap { record -> TranscriptEvent.ErrorReport? in
            if case let .error(report) = record.event { return report } else { return nil }
        }
        #expect(errors.map(\.step) == [3])
        #expect(records.contains { if case let .stepEnd(end) = $0.event { return end.step == 3 && end.outcome == .failed } else { return false } })
    }

    @Test("Ctrl-C while a step works: the step completes and is recorded, and the ceremony stops before the next one")
    func interruptedBetweenSteps() throws {
        let directory = try TemporaryDirectory("engine-interrupt")
        defer { directory.remove() }
        let (result, console) = try Self.run(InterruptsWhileWorking.self, into: directory)
        guard case let .failure(error) = result, let failure = error as? CeremonyFailure else {
            Issue.record("expected a CeremonyFailure, got \(result)")
            return
        }
        #expect(failure.interrupted)
        #expect(failure.step?.number == 3)
        #expect(console.confirmed == [1, 2, 3], "no step after the interruption was started")
        let (_, records) = try Self.failedTranscript(in: directory)
        #expect(records.contains { if case let .stepEnd(end) = $0.event { return end.step == 3 && end.outcome == .completed } else { return false } })
        #expect(!records.contains { if case let .stepStart(start) = $0.event { return start.step == 4 } else { return false } })
    }
}
