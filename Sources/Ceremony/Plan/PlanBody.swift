import Foundation

/// The part of a plan that belongs to one ceremony kind.
///
/// Each kind's body is read by its own reader (``RootGenerationPlan``, ``RootUpdatePlan``,
/// ``TargetsDelegationPlan``, ``RecoveryPlan``); the header around it is common to every kind.
package enum PlanBody: Sendable, Equatable {
    case rootGeneration(RootGenerationPlan)
    /// `root-rotation` and `root-resign`: version N+1 of an existing root.
    case rootUpdate(RootUpdatePlan)
    /// `targets-delegation`: targets.json version N+1, signed by the offline targets key.
    case targetsDelegation(TargetsDelegationPlan)
    /// `recovery`: root keys restored from backup shares onto new tokens, then version N+1
    /// signed with them as a rotation or re-sign plan says.
    case recovery(RecoveryPlan)

    /// The root update a `root-rotation`, `root-resign` or `recovery` plan makes.
    package var rootUpdate: RootUpdatePlan? {
        switch self {
        case .rootGeneration, .targetsDelegation: return nil
        case let .rootUpdate(body): return body
        case let .recovery(body): return body.update
        }
    }

    /// The root role the ceremony produces; nil for a ceremony that signs no root.
    package var root: RootRole? {
        switch self {
        case let .rootGeneration(body): return body.root
        case let .rootUpdate(body): return body.root
        case let .recovery(body): return body.update.root
        case .targetsDelegation: return nil
        }
    }

    /// The top-level targets role the ceremony puts in the root when its key is offline on a
    /// token (`targets:` in a generation or rotation plan); nil when an online key file serves it
    /// or the root keeps its current targets role.
    package var offlineTargets: RootRole? {
        switch self {
        case let .rootGeneration(body): return body.targets
        case let .rootUpdate(body): return body.targets
        case let .recovery(body): return body.update.targets
        case .targetsDelegation: return nil
        }
    }

    /// The online key files named in the plan.
    package var onlineKeys: OnlineKeyFiles {
        switch self {
        case let .rootGeneration(body): return body.onlineKeys
        case let .rootUpdate(body): return body.onlineKeys
        case let .recovery(body): return body.update.onlineKeys
        case .targetsDelegation: return OnlineKeyFiles(files: [:])
        }
    }

    /// Every key whose token comes to the ceremony, in plan order: the new root's keys, new
    /// offline targets keys, then leaving keys that sign for the old threshold, then a backup's
    /// drill token; for a delegation, the offline targets keys that sign targets.json.
    package var tokenKeys: [RootKey] {
        switch self {
        case let .rootGeneration(body): return body.root.keys + (body.targets?.keys ?? []) + (body.backup.map { [$0.drill] } ?? [])
        case let .rootUpdate(body):
            return body.root.keys + (body.targets?.keys.filter { $0.algorithm != nil } ?? []) + body.leaving
        case let .recovery(body):
            return body.update.root.keys + (body.update.targets?.keys.filter { $0.algorithm != nil } ?? []) + body.update.leaving
        case let .targetsDelegation(body): return body.signingKeys
        }
    }

    /// Keys that may come without a token: a leaving root key whose token is lost does not sign.
    package var keysThatMayStayAway: Set<String> {
        Set((rootUpdate?.leaving ?? []).map(\.name))
    }

    /// The thresholds in words, one line per role the ceremony signs or makes:
    /// "root: 2 of Alice, Bob, Carol", "targets: 1 of Erin".
    package var thresholdSummaries: [String] {
        switch self {
        case let .rootGeneration(body):
            return [body.root.summary] + (body.targets.map { [$0.summary(role: "targets")] } ?? [])
        case let .rootUpdate(body):
            return [body.root.summary] + (body.targets.map { [$0.summary(role: "targets")] } ?? [])
        case let .recovery(body):
            return [body.update.root.summary] + (body.update.targets.map { [$0.summary(role: "targets")] } ?? [])
        case let .targetsDelegation(body):
            return [body.signingSummary]
        }
    }

    /// Kept root keys a `recovery` restores from backup onto their (new) tokens.
    package var restoredKeys: [String] {
        if case let .recovery(body) = self { return body.keys }
        return []
    }

    /// The backup a generation plan makes, if any.
    package var backup: BackupPlan? {
        if case let .rootGeneration(body) = self { return body.backup }
        return nil
    }
}

/// The body of a `root-generation` plan: new keys on tokens and the online keys for a first root.
package struct RootGenerationPlan: Sendable, Equatable {
    package var root: RootRole
    /// The top-level targets role when its keys are generated on tokens (`targets:`); the root
    /// then lists them for `targets`, and `online_keys` names no targets key.
    package var targets: RootRole?
    /// The online roles: all three, or snapshot and timestamp when `targets` is offline.
    package var onlineKeys: OnlineKeyFiles
    /// Root keys marked `backup: true`, wrapped and split into SLIP-39 shares; nil without backup.
    package var backup: BackupPlan?

    package init(root: RootRole, targets: RootRole? = nil, onlineKeys: OnlineKeyFiles, backup: BackupPlan?) {
        self.root = root
        self.targets = targets
        self.onlineKeys = onlineKeys
        self.backup = backup
    }
}

/// The body of a `root-rotation` or `root-resign` plan: the current root and what changes.
///
/// Version N+1 is built from version N (read from `previous`), so everything the plan does not
/// change is carried over exactly: online keys, unknown fields, `consistent_snapshot`.
package struct RootUpdatePlan: Sendable, Equatable {
    /// The previous ceremony's output directory, its `public/` folder, or a folder of
    /// `N.root.json` files as published (one subfolder per GUN when there are several).
    package var previous: URL
    package var previousLocation: SourceLocation
    /// A root the chain must start from, instead of the lowest version found (one repository only).
    package var trustedRoot: URL?
    /// The keys of version N+1: kept keys (``RootKey/Source/existing(keyID:)``) and new ones.
    package var root: RootRole
    /// Keys of version N that leave the root. Those with a token sign for version N's threshold;
    /// those without one (a lost token) do not come to the ceremony.
    package var leaving: [RootKey]
    /// Online role keys replaced in version N+1; roles not named keep their current key.
    package var onlineKeys: OnlineKeyFiles
    /// A new top-level targets role with offline keys (`targets:`, rotation only): kept keys
    /// (`key_id`, a key of the current targets role) and keys generated on tokens. Nil keeps the
    /// current targets role, or replaces it with `online_keys.targets`.
    package var targets: RootRole?

    package init(previous: URL, previousLocation: SourceLocation, trustedRoot: URL?, root: RootRole,
                leaving: [RootKey], onlineKeys: OnlineKeyFiles, targets: RootRole? = nil) {
        self.previous = previous
        self.previousLocation = previousLocation
        self.trustedRoot = trustedRoot
        self.root = root
        self.leaving = leaving
        self.onlineKeys = onlineKeys
        self.targets = targets
    }
}
