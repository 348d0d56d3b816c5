/// The client's search for one target through the delegations.
///
/// TUF: the pre-order depth-first walk of spec §5.6.7 exactly as python-tuf 7.0.1's
/// `Updater._preorder_depth_first_walk` does it:
/// - a stack of (role, delegator) edges starting at (targets, root); a popped role already
///   visited *by name* is skipped, whichever delegator it came from;
/// - each role is loaded with its own delegator's keys (a load failure ends the whole
///   search with an error: `get_targetinfo` raises), then searched for the target;
/// - the delegations covering the target are pushed in reverse listed order so they are
///   visited in listed order; a covering `terminating` delegation empties the stack and
///   ends the list, so it is visited after the covering siblings listed before it and
///   nothing else is left to backtrack to (§5.6.7.2.2.2);
/// - the search goes on while at most `max_delegations` (32) roles have been visited,
///   the top-level targets role counting among them: `len(visited) <= 32` lets 33 roles
///   be loaded, the top-level one and 32 delegated ones.
///
/// A role delegated by two parents is judged per chain: it is reached for a target when
/// some chain the walk takes covers the target at every step. Spec §5.6.7.2.1 says only
/// "if this role has been visited before, then skip this role"; python-tuf marks roles by
/// name, and since a role's targets and delegations do not depend on who delegated it, a
/// second visit could find nothing new, so the two agree. §5.6.7.2.2.1's multi-role
/// delegations are in no client and no metadata format, and are not modelled.
///
/// Notary (notary 0.7.0 `tuf.Repo.WalkTargets`, as `GetTargetByName` uses it): breadth-first
/// from targets; a role the client could not load is skipped, not fatal; a role is searched
/// only when its paths, restricted to its delegator's (`RestrictDelegationPathPrefixes`),
/// cover the target, and only then are its children queued; children whose names are not
/// directly below their delegator are dropped (`DelegationRole.Restrict`).
enum DelegationWalk {
    /// python-tuf's default `UpdaterConfig.max_delegations`.
    static let maximumDelegatedRoles = 32

    struct Result {
        var outcome: TargetResolution.Outcome
        /// Roles loaded and searched, in order (with `stopAtListing`, not the one it is found in).
        var visited: [String]
    }

    /// Searches for `targetPath`. With `stopAtListing` false, the walk goes on as if no
    /// role listed the target, which tells which roles the client would reach for it.
    static func search(_ targetPath: String, stopAtListing: Bool, graph: inout DelegationGraph) -> Result {
        switch graph.dialect {
        case .tuf: return tuf(targetPath, stopAtListing: stopAtListing, graph: &graph)
        case .notary: return notary(targetPath, stopAtListing: stopAtListing, graph: &graph)
        }
    }

    private static func tuf(_ targetPath: String, stopAtListing: Bool, graph: inout DelegationGraph) -> Result {
        var stack = [graph.topLevel]
        // Role names are compared by their bytes, as python-tuf's set of names does.
        var visited = Set<ExactText>()
        var order: [String] = []
        while visited.count <= maximumDelegatedRoles, let edge = stack.popLast() {
            if visited.contains(ExactText(edge.role)) { continue }
            guard case .loaded(let targets) = graph.load(edge) else {
                guard case .failed(let reason) = graph.load(edge) else { continue }
                return Result(outcome: .failed(role: edge.role, delegator: edge.delegator, reason: reason), visited: order)
            }
            if stopAtListing, targets.entries.contains(targetPath) {
                return Result(outcome: .found(role: edge.role), visited: order)
            }
            visited.insert(ExactText(edge.role))
            order.append(edge.role)
            let children = targets.edges(from: edge.role, for: targetPath)
            if children.last?.terminating == true { stack.removeAll() }
            stack += children.reversed()
        }
        return Result(outcome: .notFound, visited: order)
    }

    private static func notary(_ targetPath: String, stopAtListing: Bool, graph: inout DelegationGraph) -> Result {
        var queue: [(DelegationEdge, DelegationScope)] = [(graph.topLevel, DelegationScope(dialect: .notary))]
        var order: [String] = []
        var next = 0
        while next < queue.count {
            let (edge, scope) = queue[next]
            next += 1
            guard case .loaded(let targets) = graph.load(edge), scope.contains(targetPath) else { continue }
            if stopAtListing, targets.entries.contains(targetPath) {
                return Result(outcome: .found(role: edge.role), visited: order)
            }
            order.append(edge.role)
            for child in targets.edges(from: edge.role, binExists: { _ in false })
            where DelegationRules.problem(withName: child.role, delegator: edge.role, dialect: .notary) == nil {
                queue.append((child, scope.narrowed(by: child.delegatedRole!)))
            }
        }
        return Result(outcome: .notFound, visited: order)
    }

    /// Whether some chain of delegations from targets to `role` covers `targetPath` at every
    /// step, ignoring the order, `terminating` and the visit limit.
    static func covered(_ targetPath: String, in role: String, graph: DelegationGraph) -> Bool {
        var queue: [(String, DelegationScope)] = [("targets", DelegationScope(dialect: graph.dialect))]
        var seen: Set<ExactText> = [ExactText("targets")]
        var next = 0
        while next < queue.count {
            let (name, scope) = queue[next]
            next += 1
            if isSameText(name, role) { return true }
            guard let targets = graph.metadata[name] else { continue }
            switch graph.dialect {
            case .tuf:
                for edge in targets.edges(from: name, for: targetPath, stopAtTerminating: false)
                where seen.insert(ExactText(edge.role)).inserted {
                    queue.append((edge.role, scope))
                }
            case .notary:
                for edge in targets.edges(from: name, binExists: { _ in false }) {
                    guard let delegated = edge.delegatedRole else { continue }
                    let narrowed = scope.narrowed(by: delegated)
                    if narrowed.contains(targetPath), seen.insert(ExactText(edge.role)).inserted { queue.append((edge.role, narrowed)) }
                }
            }
        }
        return false
    }
}
