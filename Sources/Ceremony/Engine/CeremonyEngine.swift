import Foundation
import PKCS11
import TrustMetadata

/// The one driver every ceremony kind runs on.
///
/// The engine owns what every ceremony needs and what is riskiest to get wrong: the step loop,
/// confirmations and step records in the transcript, token visits (through ``TokenDesk``),
/// Ctrl-C and SIGTERM, failing exactly once, and the output directory. The ``CeremonyProcedure``
/// it is given says what the ceremony's own steps do.
///
/// Steps run exactly as ``ResolvedPlan/steps`` lists them, so what reviewers read in
/// `plan check` is what happens. Input problems are reported before anything is created; from
/// the first step on, any failure (or Ctrl-C) leaves only `DIR.failed-<time>/transcript.jsonl`,
/// which records every key already made.
final class CeremonyEngine<Procedure: CeremonyProcedure> {
    private let resolved: ResolvedPlan
    private let options: CeremonyOptions
    private let console: CeremonyConsole
    private var context: CeremonyContext?
    private let finishing = NSLock()

    init(resolved: ResolvedPlan, options: CeremonyOptions, console: CeremonyConsole) {
        self.resolved = resolved
        self.options = options
        self.console = console
    }

    func run() throws -> CeremonyResult {
        let plan = resolved.plan
        guard console.isRehearsal == options.rehearsal else {
            throw CeremonyFailure(step: nil, reason: "a rehearsal console may only run rehearsals, and a rehearsal needs one", isInputError: true)
        }
        let started = options.clock()
        if let finding = plan.expiryDiagnostic(at: started) {
            // Bounds are judged on the day, not only when the plan was checked weeks before.
            if finding.severity == .error { throw CeremonyFailure(step: nil, reason: "\(finding)", isInputError: true) }
            console.say("\(finding)")
        }
        let context = CeremonyContext(resolved: resolved, options: options, console: console,
                                      desk: try TokenDesk(resolved: resolved), started: started)
        let procedure = try Procedure(resolved: resolved, context: context)
        let description = CeremonyDescription(resolved, toolVersion: KeyCeremonyVersion.current, rehearsal: options.rehearsal)
        do {
            context.output = try OutputDirectory(destination: options.output, ceremony: description, clock: options.clock)
        } catch {
            throw CeremonyFailure(step: nil, reason: "\(error)", isInputError: true)
        }
        self.context = context
        Interruption.install { [weak self] in self?.abandon(message: "interrupted (Ctrl-C or SIGTERM)") }
        defer { Interruption.remove(); context.desk.closeAll() }

        if options.rehearsal { console.say("REHEARSAL — outputs are marked as a rehearsal and expire by \(RFC3339.format(context.expiry))") }
        console.say("Ceremony: \(plan.description)")
        for line in procedure.summary { console.say(line) }
        do {
            for step in StepPlanner.number(Procedure.steps(for: resolved)) {
                if Interruption.requested {
                    // Ctrl-C while the previous step worked: that step finished and is on record.
                    throw CeremonyFailure(step: context.currentStep, reason: "interrupted (Ctrl-C or SIGTERM) after this step completed", interrupted: true)
                }
                context.currentStep = step
                try context.transcript.append(.stepStart(.init(step)))
                console.say(step.description)
                let by = try console.confirm(step)
                try context.transcript.append(.confirmation(.init(step: step.number, by: by, statement: "ready: \(step.text)")))
                try perform(step, procedure: procedure, context: context)
                if step.action != .sealTranscript {
                    try context.transcript.append(.stepEnd(.init(step: step.number, outcome: .completed)))
                }
            }
        } catch {
            let failure = describe(error, context: context)
            if let failed = failOnce(context, message: failure.description, markStep: !failure.interrupted) {
                console.say("The ceremony stopped. What happened is recorded in \(failed.path)/transcript.jsonl")
            }
            throw failure
        }
        return CeremonyResult(directory: options.output, rootFiles: procedure.rootFiles(in: options.output),
                              planDigest: plan.source.digest)
    }

    /// The steps every ceremony shares are the engine's; the rest are the procedure's.
    private func perform(_ step: CeremonyStep, procedure: Procedure, context: CeremonyContext) throws {
        switch step.action {
        case .confirmPlanDigest:
            let digest = resolved.plan.source.digest
            console.say("  plan digest (SHA-256): \(digest.hex)")
            for line in digest.wordLines { console.say("    \(line)") }
            if let profile = resolved.profile { console.say("  site profile digest (SHA-256): \(profile.source.digest.hex)") }
            // Each witness the plan names confirms the digest, each by name, on the record.
            for witness in resolved.plan.witnesses {
                let asked = CeremonyStep(number: step.number, total: step.total, actor: witness, action: step.action,
                                         text: "confirm the plan digest matches the reviewed plan")
                let how = try console.confirm(asked)
                try context.transcript.append(.confirmation(.init(step: step.number, by: witness,
                                                                  statement: "\(CeremonyStep.witnessDigestStatement) (\(how))")))
            }
        case let .insertToken(name):
            _ = try context.desk.open(name, step: step, console: console, transcript: context.transcript)
        case .sealTranscript:
            _ = try context.output.complete()
        default:
            try procedure.perform(step, context: context)
        }
    }

    // MARK: Failure

    /// Called from the signal handler while the main thread may be blocked at a prompt.
    private func abandon(message: String) {
        guard let context, let failed = failOnce(context, message: message, markStep: true) else { return }
        console.say("\nThe ceremony was \(message); nothing was published. Transcript: \(failed.path)/transcript.jsonl")
    }

    /// Moves the output aside exactly once, whichever of the main thread and the signal handler
    /// gets there first; the other finds the work done.
    private func failOnce(_ context: CeremonyContext, message: String, markStep: Bool) -> URL? {
        finishing.lock()
        defer { finishing.unlock() }
        guard let output = context.output, case .assembling = output.state else { return nil }
        if markStep, let step = context.currentStep, !output.transcript.isSealed {
            _ = try? output.transcript.append(.stepEnd(.init(step: step.number, outcome: .failed)))
        }
        return output.fail(step: context.currentStep?.number, message: message)
    }

    /// Wraps any error with the step, holder and token it happened at.
    private func describe(_ error: Error, context: CeremonyContext) -> CeremonyFailure {
        if let failure = error as? CeremonyFailure { return failure }
        var holder: String?
        var token: TokenIdentity?
        if let name = context.currentStep?.action.keyName {
            holder = context.holder(name)
            token = context.desk.identities[name]
        }
        return CeremonyFailure(step: context.currentStep, holder: holder, token: token, reason: "\(error)")
    }
}

/// The one place that maps a ceremony kind to the procedure that runs it.
enum CeremonyCatalog {
    static func procedure(for kind: CeremonyKind) -> any CeremonyProcedure.Type {
        switch kind {
        case .rootGeneration: return RootGenerationProcedure.self
        case .rootRotation, .rootResign: return RootUpdateProcedure.self
        }
    }
}

/// Runs any ceremony plan.
package enum CeremonyRunner {
    /// Runs `resolved` with the procedure of its kind.
    ///
    /// - Throws: ``CeremonyFailure``: an input error before anything was created, or a failure
    ///   at a step (the output then is only the failed transcript).
    package static func run(_ resolved: ResolvedPlan, options: CeremonyOptions, console: CeremonyConsole) throws -> CeremonyResult {
        try run(CeremonyCatalog.procedure(for: resolved.plan.ceremony), resolved, options: options, console: console)
    }

    private static func run<P: CeremonyProcedure>(_ procedure: P.Type, _ resolved: ResolvedPlan, options: CeremonyOptions,
                                                   console: CeremonyConsole) throws -> CeremonyResult {
        try CeremonyEngine<P>(resolved: resolved, options: options, console: console).run()
    }
}
