import Foundation
import TrustMetadata

/// One kind of ceremony: how its plan body is read, which steps it has, and what each of its
/// own steps does.
///
/// The split follows swift-certificates' `Verifier<Policy>`: ``CeremonyEngine`` is the one
/// driver (step loop, confirmations, step records, interruption, failing exactly once, the
/// output directory, and the token visits through ``TokenDesk``), and a procedure is the policy
/// plugged into it. A procedure never loops over steps, handles failure or opens tokens itself,
/// so none of that risky code exists twice. ``CeremonyCatalog`` is the only place that maps a
/// ``CeremonyKind`` to its procedure.
protocol CeremonyProcedure: AnyObject {
    /// The plan keys this kind's body may have, besides the common header.
    static var bodyKeys: [String] { get }

    /// Reads and checks this kind's plan body, reporting every problem to `sink`.
    static func readBody(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL,
                         sink: DiagnosticSink) -> PlanBody?

    /// The steps, unnumbered, as `plan check` lists them and `run` performs them.
    /// A pure function of the resolved plan.
    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep.Draft]

    /// Reads every input (online keys, the current root) before anything is created.
    ///
    /// - Throws: ``CeremonyFailure`` marked as an input error.
    init(resolved: ResolvedPlan, context: CeremonyContext) throws

    /// Problems only this kind of ceremony can see before anything is made (for a rotation: a
    /// kept or leaving key that is not on its token); empty when all is well.
    func preflightProblems(desk: TokenDesk) -> [String]

    /// Lines said before the first step: what the ceremony needs, in words.
    var summary: [String] { get }

    /// Online role → the key it gets in the new metadata, shown and recorded at preflight.
    var onlineKeys: [String: MetadataKey] { get }

    /// Whether every threshold the output needs is already met by the signatures made so far,
    /// so that a holder who cannot sign may be skipped.
    func thresholdsMet(context: CeremonyContext) -> Bool

    /// Performs one of this procedure's own steps. The engine has already announced and
    /// confirmed it, and performs token visits, the plan digest and the seal itself.
    func perform(_ step: CeremonyStep, context: CeremonyContext) throws

    /// Repository → the metadata file the ceremony made inside the output directory, once
    /// complete: its `root.json` (a delegation: its `targets.json`), whose digest goes on paper.
    func rootFiles(in directory: URL) -> [String: URL]
}

extension CeremonyProcedure {
    func preflightProblems(desk: TokenDesk) -> [String] { [] }

    var onlineKeys: [String: MetadataKey] { [:] }
    func thresholdsMet(context: CeremonyContext) -> Bool { false }

    static func rootFilesIn(_ directory: URL, repositories: [String]) -> [String: URL] {
        var files: [String: URL] = [:]
        for repository in repositories {
            files[repository] = directory.appendingPathComponent(BundlePath.publicFolder)
                .appendingPathComponent(BundlePath.metadataFolder(repository: repository)).appendingPathComponent("root.json")
        }
        return files
    }
}

/// What every step of a running ceremony can reach.
final class CeremonyContext {
    let resolved: ResolvedPlan
    let options: CeremonyOptions
    let console: CeremonyConsole
    let desk: TokenDesk
    /// When the ceremony started, by its clock.
    let started: Date
    /// The expiry written into new metadata (capped in a rehearsal).
    let expiry: Date
    /// Set once the output directory exists, before the first step.
    var output: OutputDirectory!
    var currentStep: CeremonyStep?
    /// The digest read aloud at the first step; set at preflight.
    var ceremonyDigest: CeremonyDigest?

    init(resolved: ResolvedPlan, options: CeremonyOptions, console: CeremonyConsole, desk: TokenDesk, started: Date) {
        self.resolved = resolved
        self.options = options
        self.console = console
        self.desk = desk
        self.started = started
        expiry = resolved.plan.metadataExpiry(ceremonyStart: started, rehearsal: options.rehearsal)
    }

    var plan: Plan { resolved.plan }
    var dialect: Dialect { resolved.plan.dialect }
    var transcript: TranscriptWriter { output.transcript }

    /// Steps come from the plan in a fixed order, so what an earlier step made is always there;
    /// if it ever is not, the ceremony stops with words rather than a crash.
    func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else {
            throw CeremonyFailure(step: currentStep, reason: "internal error: \(what) is missing at this step; the ceremony stops and nothing is published")
        }
        return value
    }

    /// "Alice's key 'root-a' on token 'root-a' (serial …)", for the screens before signing.
    func describeKey(_ name: String) -> String {
        let token = desk.identities[name].map { "token \($0)" } ?? desk.planned(name)?.token.spoken ?? "no token in this ceremony"
        return "\(holder(name))'s key '\(name)' on \(token)"
    }

    /// The holder of the plan's key `name`.
    func holder(_ name: String) -> String { desk.planned(name)?.key.holder ?? name }
}
