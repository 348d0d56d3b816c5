import Foundation

/// The body of a `targets-delegation` plan: the current root and targets.json, who signs with
/// the offline top-level targets key, and the delegated roles added, changed or removed.
///
/// The ceremony signs targets.json version N+1 (version 1 when `current_targets: none`) with a
/// threshold of the targets keys the current root lists: the threshold is the root's, never the
/// plan's. Everything the plan does not change in targets.json is carried over exactly: targets,
/// the other delegations, unknown fields.
package struct TargetsDelegationPlan: Sendable, Equatable {
    /// Where the current targets.json is, as `current_targets:` says.
    package enum CurrentTargets: Sendable, Equatable {
        /// `none`: there is no targets.json yet, so this ceremony signs version 1.
        case none
        /// A targets.json file, or a folder that holds one (a bundle, its `public/`, or a
        /// metadata folder: `targets.json` or the highest `N.targets.json`).
        case at(URL)
    }

    /// The current root: a bundle, its `public/` folder, or a folder of `N.root.json` as published.
    package var previous: URL
    package var previousLocation: SourceLocation
    /// A root the chain must start from, instead of the lowest version found.
    package var trustedRoot: URL?
    package var currentTargets: CurrentTargets
    package var currentTargetsLocation: SourceLocation
    /// The offline targets keys that come to sign, each named by its key ID in the current root.
    package var signingKeys: [RootKey]
    /// The delegated roles added, changed or removed, in plan order.
    package var changes: [DelegationChange]

    package init(previous: URL, previousLocation: SourceLocation, trustedRoot: URL?, currentTargets: CurrentTargets,
                currentTargetsLocation: SourceLocation, signingKeys: [RootKey], changes: [DelegationChange]) {
        self.previous = previous
        self.previousLocation = previousLocation
        self.trustedRoot = trustedRoot
        self.currentTargets = currentTargets
        self.currentTargetsLocation = currentTargetsLocation
        self.signingKeys = signingKeys
        self.changes = changes
    }

    /// Who signs, in words: "targets: signed by Erin (a threshold of the current root's targets keys)".
    package var signingSummary: String {
        "targets: signed by " + EnglishList.join(signingKeys.map(\.holder)) + " (the current root's targets threshold)"
    }
}
