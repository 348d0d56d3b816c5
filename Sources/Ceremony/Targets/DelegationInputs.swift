import Foundation
import TrustMetadata

/// Everything a `targets-delegation` ceremony reads before anyone signs, read and judged in one
/// place for the ceremony: the current root chain (verified from its first version), the current
/// targets.json (verified against that root), the delegated key files, the plan's changes applied
/// to the current delegations, and the offline targets keys the plan names, matched to the keys
/// the root lists for `targets`.
struct DelegationInputs {
    /// A plan key of the targets role, as the current root lists it.
    struct SigningKey {
        var spki: [UInt8]
        var keyID: String
    }

    var repository: String
    var root: CurrentRoot
    var current: CurrentTargets?
    var keys: [URL: DelegatedKey]
    var edit: DelegationEdit.Outcome
    /// Plan key name → the key it signs with.
    var signing: [String: SigningKey]

    /// The current root's targets role.
    var targetsRole: RoleKeys? { root.root.roles["targets"] }

    /// Reads and judges every input; every problem is listed at once.
    ///
    /// - Throws: ``CeremonyFailure`` (an input error) naming every problem found.
    static func load(resolved: ResolvedPlan, body: TargetsDelegationPlan, at time: Date, say: (String) -> Void) throws -> DelegationInputs {
        let plan = resolved.plan
        guard let repository = plan.repositories.first else {
            throw CeremonyFailure(step: nil, reason: "the plan names no repository", isInputError: true)
        }
        let root = try CurrentRoot.load(previous: body.previous, trustedRoot: body.trustedRoot, repository: repository, only: true,
                                        dialect: plan.dialect, at: time, say: say)
        var problems: [String] = []
        let current = try currentTargets(body, root: root, repository: repository, dialect: plan.dialect, at: time)
        let (keys, keyProblems) = DelegatedKey.loadAll(body.changes, dialect: plan.dialect, at: time)
        problems += keyProblems.map { "\(plan.source.displayName):\($0.file.location.line): \($0.reason)" }
        let edit = DelegationEdit.apply(body.changes, to: current?.metadata.delegations, keys: keys, dialect: plan.dialect)
        // Changes are judged once their key files are read; a missing file is its own problem.
        if keyProblems.isEmpty {
            problems += edit.problems.map { "\(plan.source.displayName):\($0.location.line): \($0.message)" }
        }
        let (signing, signingProblems) = matchSigningKeys(body.signingKeys, root: root.root, dialect: plan.dialect)
        problems += signingProblems.map(\.message)
        if let role = root.root.roles["targets"] {
            let coming = body.signingKeys.filter { resolved.key($0.name) != nil && signing[$0.name] != nil }
            if Int64(coming.count) < role.threshold {
                problems.append("targets.json needs \(role.threshold) of the current root's targets keys to sign, but only \(coming.count) come with a token (\(EnglishList.join(coming.map(\.holder)))); name more of the root's targets keys under 'targets:' with their tokens")
            }
        }
        guard problems.isEmpty else {
            let list = problems.map { "  - \($0)" }.joined(separator: "\n")
            throw CeremonyFailure(step: nil, reason: "the delegation cannot be signed as planned:\n\(list)", isInputError: true)
        }
        return DelegationInputs(repository: repository, root: root, current: current, keys: keys, edit: edit, signing: signing)
    }

    /// The current targets.json the plan names, or nil for `none`; `none` while the previous
    /// ceremony's folder holds a targets.json is refused, since signing version 1 over an
    /// existing targets.json would roll its version back.
    static func currentTargets(_ body: TargetsDelegationPlan, root: CurrentRoot, repository: String, dialect: Dialect,
                               at time: Date) throws -> CurrentTargets? {
        switch body.currentTargets {
        case .at(let url):
            return try CurrentTargets.load(at: url, root: root, repository: repository, dialect: dialect, at: time)
        case .none:
            if let found = CurrentTargets.candidates(at: body.previous, repository: repository).first {
                throw CeremonyFailure(step: nil, reason: "the plan says current_targets: none, but \(found.path) is a targets.json; name it in current_targets so the new version follows it", isInputError: true)
            }
            return nil
        }
    }

    /// Matches each planned signing key to a key of the root's targets role.
    static func matchSigningKeys(_ keys: [RootKey], root: RootMetadata, dialect: Dialect) -> ([String: SigningKey], [(key: RootKey, message: String)]) {
        var signing: [String: SigningKey] = [:]
        var problems: [(key: RootKey, message: String)] = []
        guard let role = root.roles["targets"] else {
            return ([:], keys.map { ($0, "the current root (version \(root.version)) defines no targets role") })
        }
        for key in keys {
            guard let keyID = key.existingKeyID else { continue }
            guard role.keyIDs.contains(keyID), let material = try? root.keys[keyID]?.material(dialect: dialect) else {
                problems.append((key, "targets key '\(key.name)' (\(key.holder)) names key ID \(keyID), which is not a targets key of the current root (version \(root.version)); its targets keys are \(role.keyIDs.joined(separator: ", "))"))
                continue
            }
            signing[key.name] = SigningKey(spki: material.spki, keyID: keyID)
        }
        return (signing, problems)
    }

    /// The targets.json to sign: the current one (or a new one) at the next version, expiring at
    /// `expiry`, with the changed delegations; everything else is carried over exactly.
    func nextTargets(expiry: Date, dialect: Dialect) -> TargetsMetadata {
        var targets = current?.metadata ?? TargetsMetadata(dialect: dialect, version: 0, expires: MetadataTime(expiry))
        targets.version += 1
        targets.expires = MetadataTime(expiry)
        targets.delegations = edit.delegations
        return targets
    }

    /// Key ID → the plan's key file it came from, for the table.
    var keyFileNames: [String: String] {
        var names: [String: String] = [:]
        for key in keys.values { names[key.keyID] = key.file.path }
        return names
    }
}
