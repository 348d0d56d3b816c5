import Foundation
import Yams
import TrustMetadata

extension RootGenerationPlan {
    /// The plan keys a `root-generation` body has.
    static let bodyKeys = ["root", "targets", "online_keys", "backup"]

    /// Reads and checks a `root-generation` body: new keys only, and an online key for each
    /// top-level role — or, with `targets:`, offline targets keys generated on tokens and online
    /// keys for snapshot and timestamp only.
    static func read(_ top: StrictMapping, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> RootGenerationPlan? {
        let root = top.required("root", expected: "a mapping with 'threshold' and 'keys'")
            .flatMap { RootPlanFields.root($0, dialect: dialect, rules: .init(generate: true, existing: false, backup: true), sink: sink) }
        let targetsNode = top.optional("targets")
        let targets = targetsNode.flatMap {
            RootPlanFields.role($0, "targets", dialect: dialect, rules: .init(generate: true, existing: false, purpose: .targets), sink: sink)
        }
        if let root { RootPlanFields.checkUnique(root.keys + (targets?.keys ?? []), sink: sink) }
        let roles = OnlineKeyFiles.roles.filter { targetsNode == nil || $0 != "targets" }
        let onlineKeys = top.required("online_keys", expected: "a mapping of \(roles.joined(separator: ", ")) to public key files")
            .flatMap { RootPlanFields.onlineKeys($0, required: true, offlineTargets: targetsNode != nil, directory: directory, sink: sink) }
        let backupNode = top.optional("backup")
        let backup = root.flatMap { BackupPlan.read(backupNode, keys: $0.keys, sink: sink) }
        if let backup, let root, root.keys.contains(where: { Array($0.holder.utf8) == Array(backup.drill.holder.utf8) }) {
            sink.warning(top.raw("backup"), "drill holder '\(backup.drill.holder)' also holds a root key; a separate person for the drill token keeps the duties apart")
        }
        guard let root, let onlineKeys, targetsNode == nil || targets != nil, backupNode == nil || backup != nil else { return nil }
        return RootGenerationPlan(root: root, targets: targets, onlineKeys: onlineKeys, backup: backup)
    }
}
