import Foundation
import PKCS11
import TrustMetadata

/// `root-generation`: keys made on tokens and the first root metadata (version 1), signed on
/// the tokens, every signature and the result verified in software. With `targets:`, the
/// top-level targets keys are made on tokens too, and the root lists them for `targets`.
final class RootGenerationProcedure: CeremonyProcedure {
    static let bodyKeys = RootGenerationPlan.bodyKeys

    static func readBody(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL,
                         sink: DiagnosticSink) -> PlanBody? {
        RootGenerationPlan.read(top, dialect: dialect, directory: directory, sink: sink).map(PlanBody.rootGeneration)
    }

    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep.Draft] {
        let plan = resolved.plan
        let officer = CeremonyStep.officerName
        var drafts = [StepPlanner.confirmDigest(plan)]
        for entry in resolved.keyEntries {
            drafts += StepPlanner.keyGenerationVisit(entry, plan: plan)
            if entry.key.backup {
                drafts.append(.init(entry.key.holder, .wrapKey(key: entry.key.name),
                                    "wrap key '\(entry.key.name)' on the token under the backup key, for the vault"))
            }
        }
        let repositories = plan.repositories.map { "'\($0)'" }.joined(separator: ", ")
        let files = plan.repositories.count > 1 ? "root.json for each of" : "root.json for"
        drafts.append(.init(officer, .buildMetadata, "build \(files) \(repositories) (\(resolved.thresholdSummaries.joined(separator: "; ")); expires \(plan.expires))"))
        let rootKeys = Set((plan.root?.keys ?? []).map(\.name))
        for entry in resolved.keys where rootKeys.contains(entry.key.name) {
            drafts.append(.init(entry.key.holder, .sign(key: entry.key.name),
                                "insert \(entry.token.spoken), enter its PIN and sign the root metadata with key '\(entry.key.name)'"))
        }
        drafts.append(.init(officer, .verify, "verify every signature and the root metadata in software, as 'keyceremony verify' does"))
        if let backup = plan.body.backup, let drill = resolved.key(BackupPlan.drillName) {
            drafts += StepPlanner.backupSteps(backup, drill: drill)
        }
        return drafts + StepPlanner.closing()
    }

    private let repositories: [String]
    let onlineKeys: [String: MetadataKey]
    private let keyWork = RootKeyWork()
    private var drafts: RootDrafts?
    private let backup: BackupWork?

    init(resolved: ResolvedPlan, context: CeremonyContext) throws {
        repositories = resolved.plan.repositories
        onlineKeys = try OnlineKeys.load(resolved.plan.onlineKeys, dialect: resolved.plan.dialect)
        backup = resolved.plan.body.backup.map(BackupWork.init)
    }

    var summary: [String] { backup?.summary ?? [] }

    func thresholdsMet(context: CeremonyContext) -> Bool { drafts?.thresholdsMet ?? false }

    func rootFiles(in directory: URL) -> [String: URL] { Self.rootFilesIn(directory, repositories: repositories) }

    func perform(_ step: CeremonyStep, context: CeremonyContext) throws {
        if try keyWork.performShared(step, drafts: drafts, context: context) { return }
        switch step.action {
        case .buildMetadata:
            try buildMetadata(context: context)
        case let .sign(name):
            _ = try context.desk.open(name, step: step, console: context.console, transcript: context.transcript)
            try keyWork.sign(name, drafts: try context.required(drafts, "the root metadata"), context: context)
        case let .wrapKey(name):
            let backup = try context.required(backup, "the backup")
            let key = try context.required(keyWork.keys[name], "key '\(name)'")
            let keyIDs = keyWork.certificates[name]?.values.map(\.key.keyID).sorted() ?? []
            try backup.wrap(name, key: key, keyIDs: keyIDs, session: try context.desk.session(name, step: step), context: context)
            context.desk.close(name)
        case .splitBackupKey:
            try context.required(backup, "the backup").split(context: context)
        case let .handOutShare(custodian):
            try context.required(backup, "the backup").handOut(custodian, context: context)
        case .recoveryDrill:
            try context.required(backup, "the backup").drill(context: context)
        default:
            throw CeremonyFailure(step: step, reason: "internal error: a root-generation has no step '\(step.text)'")
        }
    }

    private func buildMetadata(context: CeremonyContext) throws {
        let drafts = RootDrafts(dialect: context.dialect)
        for repository in context.plan.repositories {
            var root = RootMetadata(dialect: context.dialect, version: 1, expires: MetadataTime(context.expiry), keys: [:], roles: [:])
            var ids: [String: [String]] = [:]
            var rootKeyIDs: [String] = []
            let rootRole = try context.required(context.plan.root, "the root role")
            for planned in rootRole.keys {
                let keyID = root.addKey(try keyWork.metadataKey(planned.name, repository: repository, context: context))
                ids[planned.name] = [keyID]
                rootKeyIDs.append(keyID)
            }
            root.roles["root"] = RoleKeys(keyIDs: rootKeyIDs, threshold: Int64(rootRole.threshold))
            if let targets = context.plan.body.offlineTargets {
                let keyIDs = try targets.keys.map { root.addKey(try keyWork.metadataKey($0.name, repository: repository, context: context)) }
                root.roles["targets"] = RoleKeys(keyIDs: keyIDs, threshold: Int64(targets.threshold))
            }
            for role in OnlineKeyFiles.roles where root.roles[role] == nil {
                root.roles[role] = RoleKeys(keyIDs: [root.addKey(try context.required(onlineKeys[role], "the \(role) key"))], threshold: 1)
            }
            try drafts.add(root, repository: repository, current: nil, keyIDs: ids, transcript: context.transcript, say: context.console.say,
                           describeKey: context.describeKey)
        }
        self.drafts = drafts
    }
}
