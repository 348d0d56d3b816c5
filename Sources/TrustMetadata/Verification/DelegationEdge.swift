/// One delegation as its delegator lists it: a role, the keys and threshold it must be
/// signed with, and whether the client's search stops after it.
///
/// A role delegated by two parents has two edges, each judged with its own paths and keys
/// ("every role in a delegation chain", spec PR #60).
struct DelegationEdge: Hashable, Sendable {
    var delegator: String
    var role: String
    var roleKeys: RoleKeys
    var terminating: Bool
    /// The delegation entry; `nil` for a `succinct_roles` bin (chosen by hash) and for the
    /// top-level targets role.
    var delegatedRole: DelegatedRole?
    /// For a bin: the bins it belongs to, to tell which bin a target hashes to.
    var succinct: SuccinctRoles?

    /// The top-level targets role, "delegated" by root.
    static func topLevel(_ keys: RoleKeys) -> DelegationEdge {
        DelegationEdge(delegator: "root", role: "targets", roleKeys: keys, terminating: false)
    }

    /// Whether the client follows this edge when it searches for `targetPath`
    /// (python-tuf `Delegations.get_roles_for_target`).
    func covers(_ targetPath: String, dialect: Dialect) -> Bool {
        if let delegatedRole { return delegatedRole.delegates(targetPath, dialect: dialect) }
        if let succinct { return succinct.bin(for: targetPath) == role }
        return true
    }
}

extension TargetsMetadata {
    /// The edges out of this role (named `name`), in listed order. Bins are listed only
    /// when `binExists` says a client could find them (a file or a snapshot entry); at
    /// most 2^16 are considered.
    func edges(from name: String, binExists: (String) -> Bool) -> [DelegationEdge] {
        guard let delegations else { return [] }
        if let roles = delegations.roles {
            return roles.map {
                DelegationEdge(delegator: name, role: $0.name, roleKeys: $0.roleKeys, terminating: $0.terminating ?? false,
                               delegatedRole: $0)
            }
        }
        guard let object = delegations.succinctRoles, let succinct = try? SuccinctRoles(object) else { return [] }
        return (0..<min(succinct.binCount, 1 << 16)).compactMap { index in
            let bin = succinct.binName(index)
            guard binExists(bin) else { return nil }
            return DelegationEdge(delegator: name, role: bin, roleKeys: succinct.roleKeys, terminating: true, succinct: succinct)
        }
    }

    /// The edges the client pushes when it searches this role for `targetPath`, in order:
    /// the covering delegations up to and including the first terminating one (python-tuf
    /// `_preorder_depth_first_walk`; every bin is terminating, TAP 15).
    ///
    /// With `stopAtTerminating` false, every covering delegation is listed.
    func edges(from name: String, for targetPath: String, stopAtTerminating: Bool = true) -> [DelegationEdge] {
        guard let delegations else { return [] }
        if let roles = delegations.roles {
            var result: [DelegationEdge] = []
            for role in roles where role.delegates(targetPath, dialect: dialect) {
                result.append(DelegationEdge(delegator: name, role: role.name, roleKeys: role.roleKeys,
                                             terminating: role.terminating ?? false, delegatedRole: role))
                if stopAtTerminating, role.terminating == true { break }
            }
            return result
        }
        guard let object = delegations.succinctRoles, let succinct = try? SuccinctRoles(object) else { return [] }
        return [DelegationEdge(delegator: name, role: succinct.bin(for: targetPath), roleKeys: succinct.roleKeys,
                               terminating: true, succinct: succinct)]
    }
}
