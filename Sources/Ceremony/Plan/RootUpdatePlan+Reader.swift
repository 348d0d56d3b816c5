import Foundation
import Yams
import TrustMetadata

extension RootUpdatePlan {
    /// The plan keys a `root-rotation` or `root-resign` body has.
    static let bodyKeys = ["previous", "trusted_root", "root", "leaving", "online_keys", "targets"]

    /// Reads and checks a `root-rotation` or `root-resign` body.
    ///
    /// A rotation may keep keys (`key_id`), add keys (`algorithm`), list leaving keys, change the
    /// threshold, replace online keys, and give the top-level targets role offline keys on tokens
    /// (`targets:`, kept by `key_id` or generated). A re-sign keeps every key: its root lists only
    /// `key_id` keys and it has no `leaving`, `online_keys` or `targets` (whether they match version
    /// N is checked against the current root when the ceremony loads it).
    static func read(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL,
                     sink: DiagnosticSink) -> RootUpdatePlan? {
        let resign = kind == .rootResign
        let previousNode = top.required("previous", expected: "the previous ceremony's output directory, or a folder of N.root.json files, relative to the plan")
        let previous = previousNode.flatMap { RootPlanFields.relativePath($0, "previous", directory: directory, sink: sink) }
        let trustedRoot = top.optional("trusted_root")
            .flatMap { RootPlanFields.relativePath($0, "trusted_root", directory: directory, sink: sink) }
        let root = top.required("root", expected: "a mapping with 'threshold' and 'keys'")
            .flatMap { RootPlanFields.root($0, dialect: dialect, rules: .init(generate: !resign, existing: true), sink: sink) }
        var leaving: [RootKey]? = []
        var onlineKeys: OnlineKeyFiles? = OnlineKeyFiles(files: [:])
        var targets: RootRole?
        let targetsNode = resign ? nil : top.optional("targets")
        if resign {
            for key in ["leaving", "online_keys", "targets"] {
                if let node = top.raw(key) {
                    sink.error(node, "a root-resign keeps every key; '\(key)' belongs in a root-rotation plan")
                }
            }
        } else {
            leaving = top.optional("leaving").flatMap {
                RootPlanFields.keyList($0, "leaving keys", dialect: dialect,
                                       rules: .init(generate: false, existing: true, tokenOptional: true), sink: sink, allowEmpty: true)
            }
            targets = targetsNode.flatMap {
                RootPlanFields.role($0, "targets", dialect: dialect, rules: .init(generate: true, existing: true, tokenOptional: true, purpose: .targets), sink: sink)
            }
            onlineKeys = top.optional("online_keys")
                .flatMap { RootPlanFields.onlineKeys($0, required: false, offlineTargets: targetsNode != nil, directory: directory, sink: sink) }
            if top.optional("online_keys") == nil { onlineKeys = OnlineKeyFiles(files: [:]) }
            if top.optional("leaving") == nil { leaving = [] }
        }
        if let root, let leaving { RootPlanFields.checkUnique(root.keys + leaving + (targets?.keys ?? []), sink: sink) }
        if let trustedRoot, top.raw("trusted_root") != nil, trustedRoot.hasDirectoryPath {
            sink.error(top.raw("trusted_root"), "trusted_root must name a root.json file")
        }
        guard let previous, let previousNode, let root, let leaving, let onlineKeys, targetsNode == nil || targets != nil else { return nil }
        return RootUpdatePlan(previous: previous, previousLocation: RootPlanFields.location(previousNode),
                              trustedRoot: trustedRoot, root: root, leaving: leaving, onlineKeys: onlineKeys, targets: targets)
    }
}
