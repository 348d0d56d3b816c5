import Foundation
import Yams
import TrustMetadata

extension RootGenerationPlan {
    /// The plan keys a `root-generation` body has.
    static let bodyKeys = ["root", "online_keys", "backup"]

    /// Reads and checks a `root-generation` body: new keys only, all three online keys.
    static func read(_ top: StrictMapping, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> RootGenerationPlan? {
        let root = top.required("root", expected: "a mapping with 'threshold' and 'keys'")
            .flatMap { RootPlanFields.root($0, dialect: dialect, rules: .init(generate: true, existing: false), sink: sink) }
        if let root { RootPlanFields.checkUnique(root.keys, sink: sink) }
        let onlineKeys = top.required("online_keys", expected: "a mapping of \(OnlineKeyFiles.roles.joined(separator: ", ")) to public key files")
            .flatMap { RootPlanFields.onlineKeys($0, required: true, directory: directory, sink: sink) }
        let backup = top.optional("backup").flatMap { node -> BackupSection? in
            guard let map = StrictMapping(node, "backup", sink: sink) else { return nil }
            return BackupSection(keys: map.entries.map(\.key))
        }
        guard let root, let onlineKeys else { return nil }
        return RootGenerationPlan(root: root, onlineKeys: onlineKeys, backup: backup)
    }
}
