import Foundation

/// The part of a plan that belongs to one ceremony kind.
///
/// Each kind's body is read by its own reader (``RootGenerationPlan``, ``RootUpdatePlan``);
/// the header around it is common to every kind.
package enum PlanBody: Sendable, Equatable {
    case rootGeneration(RootGenerationPlan)
    /// `root-rotation` and `root-resign`: version N+1 of an existing root.
    case rootUpdate(RootUpdatePlan)
    /// `recovery`: root keys restored from backup shares onto new tokens, then version N+1
    /// signed with them as a rotation or re-sign plan says.
    case recovery(RecoveryPlan)

    /// The root update a `root-rotation`, `root-resign` or `recovery` plan makes.
    package var rootUpdate: RootUpdatePlan? {
        switch self {
        case .rootGeneration: return nil
        case let .rootUpdate(body): return body
        case let .recovery(body): return body.update
        }
    }

    /// The root role the ceremony produces.
    package var root: RootRole {
        switch self {
        case let .rootGeneration(body): return body.root
        case let .rootUpdate(body): return body.root
        case let .recovery(body): return body.update.root
        }
    }

    /// The online key files named in the plan.
    package var onlineKeys: OnlineKeyFiles {
        switch self {
        case let .rootGeneration(body): return body.onlineKeys
        case let .rootUpdate(body): return body.onlineKeys
        case let .recovery(body): return body.update.onlineKeys
        }
    }

    /// Every key whose token comes to the ceremony, in plan order: the new root's keys,
    /// then leaving keys that sign for the old threshold, then a backup's drill token.
    package var tokenKeys: [RootKey] {
        switch self {
        case let .rootGeneration(body): return body.root.keys + (body.backup.map { [$0.drill] } ?? [])
        case let .rootUpdate(body): return body.root.keys + body.leaving
        case let .recovery(body): return body.update.root.keys + body.update.leaving
        }
    }

    /// Keys that leave the root: their tokens may stay away (a lost token does not sign).
    package var leavingKeys: [RootKey] { rootUpdate?.leaving ?? [] }

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
    /// All three online roles: a root lists a key for each.
    package var onlineKeys: OnlineKeyFiles
    /// Root keys marked `backup: true`, wrapped and split into SLIP-39 shares; nil without backup.
    package var backup: BackupPlan?

    package init(root: RootRole, onlineKeys: OnlineKeyFiles, backup: BackupPlan?) {
        self.root = root
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

    package init(previous: URL, previousLocation: SourceLocation, trustedRoot: URL?, root: RootRole,
                leaving: [RootKey], onlineKeys: OnlineKeyFiles) {
        self.previous = previous
        self.previousLocation = previousLocation
        self.trustedRoot = trustedRoot
        self.root = root
        self.leaving = leaving
        self.onlineKeys = onlineKeys
    }
}
