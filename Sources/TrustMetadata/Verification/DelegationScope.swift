/// The target paths a role may sign for, given the delegations that lead to it.
///
/// A client only takes a target from a delegated role if every delegation on the way
/// there covers it, so the scope narrows with each step:
/// - TUF (python-tuf's ngclient): the walk descends into a role only when its
///   delegation matches the target, so each delegation on the chain must match.
/// - Notary: each role's `paths` are cut down to those that start with one of its
///   delegator's (notary's `RestrictDelegationPathPrefixes`), then used as prefixes.
struct DelegationScope {
    private var chain: [DelegatedRole] = []
    /// Notary prefixes after restriction; `nil` for the top-level role, which may sign anything.
    private var notaryPrefixes: [String]?
    let dialect: Dialect

    /// The scope of the top-level `targets` role: every path.
    init(dialect: Dialect) {
        self.dialect = dialect
    }

    /// The scope of `role`, delegated by the role this scope belongs to.
    func narrowed(by role: DelegatedRole) -> DelegationScope {
        var scope = self
        switch dialect {
        case .tuf:
            scope.chain.append(role)
        case .notary:
            let childPaths = role.paths ?? []
            if let parent = notaryPrefixes {
                scope.notaryPrefixes = childPaths.filter { path in parent.contains { path.utf8.starts(with: $0.utf8) } }
            } else {
                scope.notaryPrefixes = childPaths
            }
        }
        return scope
    }

    /// Whether a client would take `targetPath` from the role this scope belongs to.
    func contains(_ targetPath: String) -> Bool {
        switch dialect {
        case .tuf:
            return chain.allSatisfy { $0.delegates(targetPath, dialect: .tuf) }
        case .notary:
            guard let notaryPrefixes else { return true }
            return notaryPrefixes.contains { targetPath.utf8.starts(with: $0.utf8) }
        }
    }
}
