import Foundation
import PKCS11
import TrustMetadata

/// `targets-delegation`: targets.json version N+1 (version 1 when there is none yet), signed on
/// the tokens of the offline top-level targets keys by a threshold of the targets keys the
/// current root lists, adding, changing or removing delegated roles (TUF specification §2.1.2
/// `delegations` and §5.6 for how clients search them; Notary `targets/<name>` roles).
///
/// The current root chain and targets.json must verify before anyone signs (``DelegationInputs``);
/// a change that would leave a role nobody can sign for is refused then, as at `plan check`
/// (``DelegationEdit``). The delegations are shown as a table before the first signature, and
/// the signed targets.json is verified with the root chain in software, then again in the
/// output folder as `keyceremony verify` sees it, before the bundle is complete. The bundle holds
/// byte copies of the root versions and the new `targets.json`.
final class TargetsDelegationProcedure: CeremonyProcedure {
    static let bodyKeys = TargetsDelegationPlan.bodyKeys

    static func readBody(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL,
                         sink: DiagnosticSink) -> PlanBody? {
        if let node = top.optional("repositories"), case .sequence(let items) = node, items.count > 1 {
            sink.error(node, "a targets-delegation plan names exactly one repository, found \(items.count): each repository's targets.json has its own delegations and versions, so run one ceremony per repository")
            return nil
        }
        return TargetsDelegationPlan.read(top, dialect: dialect, directory: directory, sink: sink).map(PlanBody.targetsDelegation)
    }

    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep.Draft] {
        let plan = resolved.plan
        let officer = CeremonyStep.officerName
        let repository = plan.repositories.map { "'\($0)'" }.joined(separator: ", ")
        var drafts = [StepPlanner.confirmDigest(plan)]
        drafts.append(.init(officer, .reviewRootChanges,
                            "read the current root, verified from its first version, and the current targets.json, verified against it; say who must sign"))
        let changes: String
        if case let .targetsDelegation(body) = plan.body {
            changes = body.changes.map(\.summary).joined(separator: ", ")
        } else {
            changes = ""
        }
        drafts.append(.init(officer, .buildMetadata,
                            "build the next version of targets.json for \(repository) (\(changes); expires \(plan.expires)) and show its delegations: role, keys, paths, threshold, terminating"))
        for entry in resolved.keys {
            drafts.append(.init(entry.key.holder, .sign(key: entry.key.name),
                                "insert \(entry.token.spoken), enter its PIN and sign targets.json with targets key '\(entry.key.name)'"))
        }
        drafts.append(.init(officer, .verify, "verify every signature, targets.json and the root chain in software, as 'keyceremony verify' does"))
        return drafts + StepPlanner.closing()
    }

    private let body: TargetsDelegationPlan
    private let inputs: DelegationInputs
    private let keyWork = RootKeyWork()
    private var draft: TargetsDraft?

    init(resolved: ResolvedPlan, context: CeremonyContext) throws {
        guard case let .targetsDelegation(body) = resolved.plan.body else {
            throw CeremonyFailure(step: nil, reason: "internal error: a \(resolved.plan.ceremony.rawValue) plan without its body", isInputError: true)
        }
        self.body = body
        inputs = try DelegationInputs.load(resolved: resolved, body: body, at: context.started, say: context.console.say)
    }

    /// Every targets key whose holder brings a token must be on that token, found by its public key.
    func preflightProblems(desk: TokenDesk) -> [String] {
        inputs.signing.sorted(by: { $0.key < $1.key }).compactMap { name, key in
            desk.missingKey(name, spki: key.spki, keyIDs: [key.keyID])
        }
    }

    var summary: [String] {
        let version = (inputs.current?.metadata.version ?? 0) + 1
        let threshold = inputs.targetsRole?.threshold ?? 0
        let holders = body.signingKeys.map(\.holder)
        return ["\(inputs.repository): targets.json version \(version) needs \(threshold) of the current root's targets keys: \(EnglishList.join(holders, conjunction: threshold < holders.count ? "or" : "and"))"]
    }

    func thresholdsMet(context: CeremonyContext) -> Bool { draft?.tally.verified ?? false }

    func rootFiles(in directory: URL) -> [String: URL] {
        [inputs.repository: directory.appendingPathComponent(BundlePath.publicFolder)
            .appendingPathComponent(BundlePath.metadataFolder(repository: inputs.repository)).appendingPathComponent("targets.json")]
    }

    func perform(_ step: CeremonyStep, context: CeremonyContext) throws {
        switch step.action {
        case .reviewRootChanges:
            try review(context: context)
        case .buildMetadata:
            try build(context: context)
        case let .sign(name):
            try sign(name, step: step, context: context)
        case .verify:
            try verify(context: context)
        case .writeBundle:
            try write(context: context)
        default:
            throw CeremonyFailure(step: step, reason: "internal error: a targets-delegation has no step '\(step.text)'")
        }
    }

    private func review(context: CeremonyContext) throws {
        let root = inputs.root
        try context.transcript.append(.currentRoot(.init(repository: inputs.repository, version: Int(root.root.version),
                                                         sha256: root.newestDigest, verifiedFrom: Int(root.firstVersion))))
        context.console.say("  \(inputs.repository): current root version \(root.root.version) (file SHA-256 \(root.newestDigest)), verified from version \(root.firstVersion); expires \(root.root.expires.text)")
        if let current = inputs.current {
            try context.transcript.append(.currentTargets(.init(repository: inputs.repository, version: Int(current.metadata.version), sha256: current.sha256)))
            let under = current.verifiedUnder == root.root.version ? "against it" : "under root version \(current.verifiedUnder) (see the note)"
            context.console.say("  current targets.json version \(current.metadata.version) (file SHA-256 \(current.sha256), \(current.url.path)) verifies \(under); expires \(current.metadata.expires.text)")
            for note in current.notes { context.console.say("  note: \(note)") }
        } else {
            context.console.say("  there is no targets.json yet: this ceremony signs version 1")
        }
        if let role = inputs.targetsRole {
            context.console.say("  the root's targets role: threshold \(role.threshold), key ID\(role.keyIDs.count == 1 ? "" : "s") \(role.keyIDs.joined(separator: ", "))")
        }
        for key in body.signingKeys {
            let keyID = inputs.signing[key.name]?.keyID ?? "?"
            let comes = context.resolved.key(key.name) != nil
            context.console.say("  \(key.holder)'s targets key '\(key.name)' (key ID \(keyID))\(comes ? " signs" : " does not come to sign")")
        }
        for line in summary { context.console.say("  \(line)") }
    }

    private func build(context: CeremonyContext) throws {
        let role = try context.required(inputs.targetsRole, "the root's targets role")
        let targets = inputs.nextTargets(expiry: context.expiry, dialect: context.dialect)
        let draft = TargetsDraft(repository: inputs.repository, dialect: context.dialect, targets: targets, role: role)
        let digest = try draft.signedDigest()
        try context.transcript.append(.metadataDigest(.init(repository: inputs.repository, role: "targets", version: Int(targets.version),
                                                            sha256: digest.sha256, length: digest.length)))
        let delegations = inputs.edit.delegations
        let roles = (delegations.roles ?? []).map { role in
            TranscriptEvent.DelegationsShown.Role(name: role.name, keyIDs: role.keyIDs, threshold: Int(role.threshold), paths: role.paths,
                                                  pathHashPrefixes: role.pathHashPrefixes, terminating: role.terminating)
        }
        var keyFiles: [TranscriptEvent.DelegationsShown.KeyInput] = []
        for change in body.changes {
            for file in change.keyFiles {
                guard let key = inputs.keys[file.url] else { continue }
                keyFiles.append(.init(role: change.renameTo ?? change.role, keyID: key.keyID, fileSHA256: key.fileSHA256))
            }
        }
        try context.transcript.append(.delegations(.init(repository: inputs.repository, version: Int(targets.version), roles: roles,
                                                         changes: body.changes.map(\.summary), keyFiles: keyFiles)))
        context.console.say("  \(inputs.repository): targets.json version \(targets.version), signed bytes SHA-256 \(digest.sha256)")
        context.console.say("    expires \(targets.expires.text) (exactly as the file carries it); \(targets.targets.count) target\(targets.targets.count == 1 ? "" : "s") carried over")
        context.console.say("    changes: \(body.changes.map(\.summary).joined(separator: "; "))")
        context.console.say("    delegations after this ceremony:")
        let table = DelegationTable(delegations: delegations, dialect: context.dialect, keyFiles: inputs.keyFileNames, changes: body.changes)
        for line in table.lines(indent: "      ") { context.console.say(line) }
        self.draft = draft
    }

    private func sign(_ name: String, step: CeremonyStep, context: CeremonyContext) throws {
        _ = try context.desk.open(name, step: step, console: context.console, transcript: context.transcript)
        let key = try context.required(inputs.signing[name], "the targets key '\(name)'")
        if keyWork.keys[name] == nil {
            try keyWork.find(name, spki: key.spki, keyIDs: [key.keyID], context: context)
        }
        let draft = try context.required(draft, "targets.json")
        let (signer, holder) = try keyWork.signer(name, context: context)
        try draft.sign(name: name, holder: holder, keyID: key.keyID, with: signer, transcript: context.transcript)
        keyWork.doneSigning(name, holder: holder, signer: signer, context: context)
        let tally = draft.tally
        var line = "  targets.json: \(tally.signed.count) of \(tally.threshold) signed"
        line += tally.verified ? ", threshold met" : "; needs \(tally.missing) more"
        context.console.say(line)
    }

    private func verify(context: CeremonyContext) throws {
        let draft = try context.required(draft, "targets.json")
        let errors = try draft.verify(root: inputs.root, at: context.options.clock())
        guard errors.isEmpty else {
            throw CeremonyFailure(step: context.currentStep, reason: "the signed targets.json for '\(inputs.repository)' does not verify: " + errors.map(\.description).joined(separator: "; "))
        }
        context.console.say("  \(inputs.repository): targets.json version \(draft.targets.version) verifies with root version \(inputs.root.root.version) (\(draft.tally.signed.count) of \(draft.tally.threshold) targets keys signed, expires \(draft.targets.expires.text))")
    }

    /// Writes the plan, the public keys, the root versions as read and the verified targets.json,
    /// then verifies the written metadata folder as `keyceremony verify` does before the seal.
    private func write(context: CeremonyContext) throws {
        let draft = try context.required(draft, "targets.json")
        guard let bytes = draft.verified else {
            throw CeremonyFailure(step: context.currentStep, reason: "internal error: targets.json was not verified; nothing is published")
        }
        let output = context.output!
        try output.writePlan(context.plan.source)
        var written = Set<String>()
        let root = inputs.root.root
        for keyID in inputs.targetsRole?.keyIDs ?? [] where written.insert(keyID).inserted {
            guard let material = try? root.keys[keyID]?.material(dialect: context.dialect) else { continue }
            try output.writePublicKey(pem: material.pem, keyID: keyID)
        }
        let delegations = inputs.edit.delegations
        for (keyID, key) in delegations.keys.sorted(by: { $0.key < $1.key }) where written.insert(keyID).inserted {
            guard let material = try? key.material(dialect: context.dialect) else { continue }
            try output.writePublicKey(pem: material.pem, keyID: keyID)
            if key.isCertificate, let pem = key.publicValue.flatMap({ Data(base64Encoded: $0) }) {
                try output.writeCertificate(pem: String(decoding: pem, as: UTF8.self), keyID: keyID)
            }
        }
        let repository = inputs.repository
        for earlier in inputs.root.history {
            try output.writeEarlierRootMetadata(Data(earlier.bytes), repository: repository, version: earlier.version)
        }
        if let newest = inputs.root.history.last {
            try output.writeMetadataFile(Data(newest.bytes), repository: repository, name: "root.json")
        }
        try output.writeMetadataFile(Data(bytes), repository: repository, name: "targets.json")

        // The folder as written, as `keyceremony verify` sees it, before anything is sealed.
        var options = VerificationOptions(dialect: context.dialect, repository: repository, at: context.options.clock())
        options.strictSignatures = true
        let folder = output.publicDirectory.appendingPathComponent(BundlePath.metadataFolder(repository: repository))
        let report: PathVerifier.Report
        do {
            report = try PathVerifier(options: options).verify(path: folder.path)
        } catch {
            throw CeremonyFailure(step: context.currentStep, reason: "the written metadata cannot be read back: \(error)")
        }
        let errors = report.findings.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw CeremonyFailure(step: context.currentStep, reason: "the written metadata of '\(repository)' does not verify: " + errors.map(\.description).joined(separator: "; "))
        }
        context.console.say("  written and verified again as 'keyceremony verify' sees it: \(report.files.count) files of '\(repository)'")
    }
}
