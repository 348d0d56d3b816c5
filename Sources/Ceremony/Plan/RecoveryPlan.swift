import Foundation
import Yams
import TrustMetadata

/// The body of a `recovery` plan: root keys restored from a backup onto new tokens, then root
/// version N+1 signed with them, as a rotation plan describes it (a re-sign is a rotation that
/// keeps every key, the threshold and the online keys).
///
/// ```yaml
/// ceremony: recovery
/// previous: ../04-root-resign          # the current root, as for a rotation
/// recover:
///   backup: ../01-root-generation      # the generation's output directory (its backup/ folder)
///   keys: [root-a]                     # kept root keys restored onto the tokens named below
///   custodians: [Erin, Frank]          # who come to type their shares, in order
/// root:
///   threshold: 3
///   keys:
///     - {name: root-a, holder: Alice, token: {label: root-e}, key_id: …}   # the new token
///     - …
/// ```
package struct RecoveryPlan: Sendable, Equatable {
    /// The root update the recovered keys sign.
    package var update: RootUpdatePlan
    /// The folder holding `backup/<key id>.wrapped.json` files (a generation's output directory,
    /// or its `backup/` folder itself).
    package var backup: URL
    /// Kept root keys (by plan name) that are restored from the backup before the update.
    package var keys: [String]
    /// The custodians who come, in the order they type their shares.
    package var custodians: [String]

    package init(update: RootUpdatePlan, backup: URL, keys: [String], custodians: [String]) {
        self.update = update
        self.backup = backup
        self.keys = keys
        self.custodians = custodians
    }

    /// The plan keys a `recovery` body has.
    static let bodyKeys = RootUpdatePlan.bodyKeys + ["recover"]

    /// Reads a `recovery` body: a rotation body plus `recover:`.
    static func read(_ top: StrictMapping, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> RecoveryPlan? {
        let update = RootUpdatePlan.read(top, kind: .rootRotation, dialect: dialect, directory: directory, sink: sink)
        guard let node = top.required("recover", expected: "a mapping with 'backup', 'keys' and 'custodians'"),
              let map = StrictMapping(node, "recover", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["backup", "keys", "custodians"])
        let backup = map.required("backup", expected: "the generation ceremony's output directory holding backup/, relative to the plan")
            .flatMap { RootPlanFields.relativePath($0, "recover backup", directory: directory, sink: sink) }
        let keysNode = map.required("keys", expected: "the names of the root keys to restore, as listed under root keys")
        var keys: [String]?
        if let keysNode, let items = StrictYAML.sequence(keysNode, "recover keys", sink: sink) {
            keys = items.compactMap { FieldReaders.identifier($0, "a recovered key's name", sink: sink) }
            if keys?.count != items.count { keys = nil }
            if items.isEmpty { sink.error(keysNode, "recover keys is empty; name at least one root key to restore"); keys = nil }
        }
        let custodians = map.required("custodians", expected: "the custodians who come to type their shares")
            .flatMap { FieldReaders.people($0, "custodians", sink: sink) }
        if let update, let keys, let keysNode {
            for name in keys {
                guard let key = update.root.keys.first(where: { $0.name == name }) else {
                    sink.error(keysNode, "recover names key '\(name)', which is not one of the root keys; list it under root keys with its key_id and its new token")
                    continue
                }
                if key.existingKeyID == nil {
                    sink.error(keysNode, "key '\(name)' is a new key (it has 'algorithm'); only a key of the current root (with 'key_id') can be restored from backup")
                }
            }
        }
        guard let update, let backup, let keys, let custodians else { return nil }
        if custodians.isEmpty {
            sink.error(map.raw("custodians"), "no custodian comes; recovery needs at least a threshold of shares")
            return nil
        }
        return RecoveryPlan(update: update, backup: backup, keys: keys, custodians: custodians)
    }
}
