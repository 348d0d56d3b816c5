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
    /// What is read aloud at the first step; set at preflight.
    private var ceremonyDigest: CeremonyDigest?
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
        let (procedure, facts) = try preflight(context)
        let description = CeremonyDescription(resolved, toolVersion: KeyCeremonyVersion.current, rehearsal: options.rehearsal)
        do {
            context.output = try OutputDirectory(destination: options.output, ceremony: description, clock: options.clock)
            try context.transcript.append(.preflight(facts))
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
                if step.action == .confirmPlanDigest { try showDigest(step, context: context) }
                var asked = step
                asked.prompt = prompt(for: step, context: context)
                do {
                    // A holder who does not come (a 'stop' at their step) or whose token fails may be
                    // skipped once every threshold is met; anything else stops the ceremony.
                    let by = try console.confirm(asked)
                    try context.transcript.append(.confirmation(.init(step: step.number, by: by, statement: "ready: \(step.text)")))
                    try perform(step, procedure: procedure, context: context)
                } catch {
                    guard try skip(step, after: error, procedure: procedure, context: context) else { throw error }
                    continue
                }
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
        let rootFiles = procedure.rootFiles(in: options.output)
        sayPaperRecord(rootFiles: rootFiles)
        return CeremonyResult(directory: options.output, rootFiles: rootFiles, planDigest: plan.source.digest)
    }

    // MARK: Preflight

    /// Checks everything that can be checked before anything is created, and reports every
    /// problem at once: the procedure's inputs (online keys, current root), every planned token
    /// (present, matching, own token, PIN usable, no object with a label this ceremony makes),
    /// a software token in a production run, and the output directory (creatable, no
    /// `DIR.partial-*` left by a killed run).
    ///
    /// - Returns: the procedure, ready to run, and what the transcript records of the checks.
    /// - Throws: ``CeremonyFailure`` listing every problem; an input error when all are input problems.
    private func preflight(_ context: CeremonyContext) throws -> (Procedure, TranscriptEvent.Preflight) {
        var problems: [(text: String, input: Bool)] = []
        var procedure: Procedure?
        do {
            procedure = try Procedure(resolved: resolved, context: context)
        } catch {
            problems.append((text: "\(error)", input: (error as? CeremonyFailure)?.isInputError ?? true))
        }
        var labels: [String: [String]] = [:]
        for step in Procedure.steps(for: resolved) {
            // A generated key pair is labelled with its key name (``KeyPolicy``).
            if case let .generateKey(name) = step.action { labels[name, default: []].append(name) }
            // A restored key is labelled with its key name too.
            if case let .restoreKey(name) = step.action { labels[name, default: []].append(name) }
        }
        do {
            ceremonyDigest = try CeremonyDigest(plan: resolved.plan, profile: resolved.profile?.source)
            context.ceremonyDigest = ceremonyDigest
        } catch {
            problems.append((text: "\(error)", input: true))
        }
        problems += context.desk.preflight(labels: labels).map { (text: $0, input: false) }
        problems += (procedure?.preflightProblems(desk: context.desk) ?? []).map { (text: $0, input: false) }
        // A token that cannot make or sign with its planned algorithm is refused before any key exists.
        problems += context.desk.capabilityProblems(resolved).map { (text: $0, input: false) }
        if !options.rehearsal && context.desk.isSoftwareModule && options.allowSoftwareToken == nil {
            problems.append((text: "the PKCS#11 module is SoftHSM2, a software token whose keys are files on this disk; SoftHSM2 is for rehearsals (--rehearsal). To run a production ceremony on it anyway, give --allow-software-token \"reason\" (the reason is recorded in the transcript)", input: false))
        }
        problems += Self.outputProblems(options.output).map { (text: $0, input: true) }

        guard problems.isEmpty, let procedure else {
            let list = problems.map { "  - \($0.text)" }.joined(separator: "\n")
            let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
            throw CeremonyFailure(step: nil, reason: "preflight found \(count); nothing was created and no key was made:\n\(list)",
                                  isInputError: problems.allSatisfy(\.input))
        }
        console.say("Preflight: every planned token is present and ready, and nothing this ceremony creates exists yet")
        var tokens: [String: String] = [:]
        for entry in resolved.keys {
            guard let identity = context.desk.identities[entry.key.name] else { continue }
            tokens[entry.key.name] = identity.description
            console.say("  \(entry.key.holder): key '\(entry.key.name)' on token \(identity)")
        }
        var online: [String: String] = [:]
        for (role, key) in procedure.onlineKeys.sorted(by: { $0.key < $1.key }) {
            online[role] = key.keyID
            console.say("  online \(role) key: key ID \(key.keyID)")
        }
        if let reason = options.allowSoftwareToken, !options.rehearsal, context.desk.isSoftwareModule {
            console.say("  WARNING: a production ceremony on SoftHSM2 software tokens, allowed because: \(reason)")
        }
        let facts = TranscriptEvent.Preflight(
            module: context.desk.modulePath, moduleManufacturer: context.desk.moduleManufacturer,
            ceremonyDigest: ceremonyDigest?.digest.hex, tokens: tokens, onlineKeys: online,
            softwareTokenReason: options.rehearsal ? nil : options.allowSoftwareToken)
        return (procedure, facts)
    }

    /// Whether the output directory can be made, and whether a killed run left its working folder.
    static func outputProblems(_ output: URL) -> [String] {
        var problems: [String] = []
        let destination = output.standardizedFileURL
        do {
            try OutputDirectory.checkDestination(destination)
            let parent = destination.deletingLastPathComponent().path
            if access(parent, W_OK) != 0 { problems.append("the output folder's parent \(parent) is not writable") }
        } catch {
            problems.append("\(error)")
        }
        let parent = destination.deletingLastPathComponent()
        let prefix = destination.lastPathComponent + ".partial-"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []).sorted() where name.hasPrefix(prefix) {
            problems.append("\(parent.appendingPathComponent(name).path) is the working folder of an earlier run of this ceremony that was killed before it could finish or fail cleanly (kill -9, power loss). Its public/transcript.jsonl records what was made. This tool will not guess what to do with it: run 'keyceremony cleanup \(parent.appendingPathComponent(name).path)' to delete the keys it made, then move that folder out of the way, and run again")
        }
        return problems
    }

    // MARK: Screens

    /// The plan digest and its words, on screen before anyone confirms; each witness then
    /// confirms by name, and each name is recorded.
    private func showDigest(_ step: CeremonyStep, context: CeremonyContext) throws {
        console.say("  plan file SHA-256: \(resolved.plan.source.digest.hex)")
        if let profile = resolved.profile { console.say("  site profile SHA-256: \(profile.source.digest.hex)") }
        guard let digest = ceremonyDigest?.digest else {
            throw CeremonyFailure(step: step, reason: "internal error: no ceremony digest to read aloud; nothing is published")
        }
        console.say("  ceremony digest (plan, site profile and input files; SHA-256, as 'plan check' prints it): \(digest.hex)")
        for line in digest.wordLines { console.say("    \(line)") }
        let statement = CeremonyStep.witnessDigestStatement
        do {
            for name in try console.witnessConfirmations(resolved.plan.witnesses, statement: statement) {
                try context.transcript.append(.confirmation(.init(step: step.number, by: name, statement: statement)))
            }
        } catch {
            throw CeremonyFailure(step: step, reason: "\(error)")
        }
    }

    /// What the confirmation asks of the actor, in words that say what to do before typing.
    private func prompt(for step: CeremonyStep, context: CeremonyContext) -> String {
        func token(_ name: String) -> String {
            context.desk.identities[name].map { "token \($0)" } ?? context.desk.planned(name)?.token.spoken ?? "your token"
        }
        switch step.action {
        case let .insertToken(name): return "\(step.actor), insert \(token(name)), then type 'yes'"
        case let .sign(name): return "\(step.actor), insert \(token(name)), then type 'yes' to sign"
        case .generateKey: return "\(step.actor), type 'yes' to generate the key"
        case .issueCertificate, .renewCertificate: return "\(step.actor), type 'yes' to have the token issue the certificate"
        case .confirmPlanDigest: return "\(step.actor), type 'yes' once every witness has confirmed the words"
        case .handOutShare: return "\(step.actor), type 'yes' once everyone else has turned away from the screen"
        case .enterShares: return "\(step.actor), type 'yes' once the first custodian is alone at the keyboard"
        default: return "\(step.actor), type 'yes' to go on"
        }
    }

    /// The last screen: what to write on paper.
    private func sayPaperRecord(rootFiles: [String: URL]) {
        console.say("\nWrite on paper:")
        for (repository, file) in rootFiles.sorted(by: { $0.key < $1.key }) {
            guard let data = try? BundlePath.read(file) else { continue }
            let digest = PlanDigest(of: data)
            console.say("  \(repository) \(file.lastPathComponent) SHA-256: \(digest.hex)")
            for line in digest.wordLines { console.say("    \(line)") }
        }
        let transcript = options.output.standardizedFileURL.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(BundlePath.transcript)
        if let data = try? BundlePath.read(transcript),
           let last = data.split(separator: UInt8(ascii: "\n")).last,
           let record = try? TranscriptRecord.decode(line: Data(last)),
           case let .seal(seal) = record.event, let bytes = ByteEncoding.decodeHex(seal.digest) {
            let digest = PlanDigest(bytes: bytes)
            console.say("  transcript seal digest: \(digest.hex)")
            for line in digest.wordLines { console.say("    \(line)") }
        }
    }

    // MARK: Skipping a holder

    /// After a holder's signing step failed: when every threshold is met without that holder,
    /// the officer may skip them (recorded), and the ceremony goes on.
    ///
    /// - Returns: true when the step was skipped; false to fail the ceremony with `error`.
    private func skip(_ step: CeremonyStep, after error: Error, procedure: Procedure, context: CeremonyContext) throws -> Bool {
        guard case let .sign(name) = step.action, !Interruption.requested,
              !((error as? CeremonyFailure)?.interrupted ?? false), procedure.thresholdsMet(context: context) else { return false }
        context.desk.close(name)
        let holder = context.holder(name)
        let reason = describe(error, context: context).description
        console.say("  \(holder) could not sign: \(reason)")
        console.say("  Every threshold is already met without \(holder)'s signature.")
        guard (try? console.ask("skip \(holder) and go on without their signature?", who: CeremonyStep.officerName)) == true else { return false }
        try context.transcript.append(.holderSkipped(.init(step: step.number, holder: holder, key: name, reason: reason,
                                                           confirmedBy: "\(CeremonyStep.officerName) at the terminal")))
        try context.transcript.append(.stepEnd(.init(step: step.number, outcome: .skipped)))
        console.say("  \(holder) skipped; recorded in the transcript")
        return true
    }

    /// The steps every ceremony shares are the engine's; the rest are the procedure's.
    private func perform(_ step: CeremonyStep, procedure: Procedure, context: CeremonyContext) throws {
        switch step.action {
        case .confirmPlanDigest:
            break  // shown, and confirmed by the witnesses, before the officer confirms
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
        let left = context.desk.created
        if !left.isEmpty {
            if !output.transcript.isSealed { _ = try? output.transcript.append(.objectsLeft(.init(objects: left))) }
            console.say("Objects this ceremony made, left on the tokens (delete them with 'keyceremony cleanup' on the failed folder below):")
            for object in left { console.say("  \(object.spoken)") }
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
        case .targetsDelegation: return TargetsDelegationProcedure.self
        case .recovery: return RecoveryProcedure.self
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
