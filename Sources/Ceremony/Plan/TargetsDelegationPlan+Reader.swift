import Foundation
import Yams
import TrustMetadata

extension TargetsDelegationPlan {
    /// The plan keys a `targets-delegation` body has.
    static let bodyKeys = ["previous", "trusted_root", "current_targets", "targets", "delegations"]

    /// Reads and checks a `targets-delegation` body: everything that can be judged from the plan
    /// alone. What needs the current targets.json (a role to change must exist, the keys a change
    /// leaves) is judged by ``DelegationEdit`` when it is read, at `plan check` and at the ceremony.
    static func read(_ top: StrictMapping, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> TargetsDelegationPlan? {
        let previousNode = top.required("previous", expected: "the previous ceremony's output directory, or a folder of N.root.json files, relative to the plan")
        let previous = previousNode.flatMap { RootPlanFields.relativePath($0, "previous", directory: directory, sink: sink) }
        let trustedRootNode = top.optional("trusted_root")
        let trustedRoot = trustedRootNode.flatMap { RootPlanFields.relativePath($0, "trusted_root", directory: directory, sink: sink) }
        let currentNode = top.required("current_targets", expected: "the current targets.json (a file, or a folder holding it), relative to the plan, or 'none' when this ceremony signs the first targets.json")
        let current = currentNode.flatMap { node -> CurrentTargets? in
            if case .scalar(let scalar) = node, scalar.string == "none", scalar.style == .plain || scalar.style == .any { return CurrentTargets.none }
            return RootPlanFields.relativePath(node, "current_targets", directory: directory, sink: sink).map(CurrentTargets.at)
        }
        let signingKeys = top.required("targets", expected: "a mapping with 'keys': the offline targets keys that sign, each with name, holder, token and key_id")
            .flatMap { readSigningKeys($0, dialect: dialect, sink: sink) }
        if let signingKeys { RootPlanFields.checkUnique(signingKeys, sink: sink) }
        let changes = top.required("delegations", expected: "a list of delegated roles to add, change or remove")
            .flatMap { DelegationPlanFields.changes($0, dialect: dialect, directory: directory, sink: sink) }
        guard let previous, let previousNode, let current, let currentNode, let signingKeys, let changes,
              trustedRootNode == nil || trustedRoot != nil else { return nil }
        return TargetsDelegationPlan(previous: previous, previousLocation: RootPlanFields.location(previousNode), trustedRoot: trustedRoot,
                                     currentTargets: current, currentTargetsLocation: RootPlanFields.location(currentNode),
                                     signingKeys: signingKeys, changes: changes)
    }

    /// `targets: {keys: [...]}`: keys already in the current root, found on their tokens.
    private static func readSigningKeys(_ node: Node, dialect: Dialect?, sink: DiagnosticSink) -> [RootKey]? {
        guard let map = StrictMapping(node, "targets", sink: sink) else { return nil }
        if let threshold = map.raw("threshold") {
            sink.error(threshold, "the targets threshold comes from the current root, which this ceremony does not change; remove 'threshold' here (a root-rotation changes it)")
        }
        map.rejectUnknownKeys(allowed: ["keys", "threshold"])
        guard let keysNode = map.required("keys", expected: "a list of the offline targets keys that come to sign, each with name, holder, token and key_id") else { return nil }
        return RootPlanFields.keyList(keysNode, "targets keys", dialect: dialect,
                                      rules: .init(generate: false, existing: true, purpose: .targets), sink: sink)
    }
}
