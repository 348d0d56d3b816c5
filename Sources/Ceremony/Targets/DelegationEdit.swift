import Foundation
import TrustMetadata

/// Applies a plan's delegation changes to the current `delegations` of targets.json and judges
/// the result, at `plan check` (when the current targets.json is on the machine) and again at
/// the ceremony, always.
///
/// Refused, each with its reason and the plan line: adding a role that exists, changing or
/// removing one that does not, removing a key the role does not have or adding one it has, a
/// rename onto an existing name, and any role left with no keys or with a threshold above its
/// distinct keys — a role nobody can sign for, the lockout notary users hit (notary #1500,
/// #1444). Notary roles keep threshold 1. Current roles keep their order (python-tuf searches
/// delegations in order); added roles come after them, in plan order. Keys no role lists any
/// more leave the `keys` map.
enum DelegationEdit {
    /// Why one change cannot be made, with where the plan says it.
    struct Problem: Sendable, Equatable, CustomStringConvertible {
        var location: SourceLocation
        var message: String
        var description: String { message }
    }

    /// The result of applying the changes.
    struct Outcome {
        var delegations: Delegations
        var problems: [Problem]
        /// The roles added or changed, by their new names.
        var touched: Set<String>
    }

    /// - Parameters:
    ///   - current: the current delegations (nil: none yet).
    ///   - keys: every key file the changes name, as read (a change whose files are missing is
    ///     judged without them; their problems are reported where the files are read).
    static func apply(_ changes: [DelegationChange], to current: Delegations?, keys: [URL: DelegatedKey],
                      dialect: Dialect) -> Outcome {
        var delegations = current ?? Delegations(keys: [:], roles: [])
        var problems: [Problem] = []
        var touched = Set<String>()
        func problem(_ change: DelegationChange, _ field: String, _ message: String) {
            problems.append(Problem(location: change.location(of: field), message: message))
        }
        if delegations.succinctRoles != nil {
            let first = changes.first!
            problem(first, "role", "the current targets.json delegates with succinct_roles (hash bins, TAP 15); this ceremony adds, changes and removes named roles only")
            return Outcome(delegations: delegations, problems: problems, touched: touched)
        }
        var roles = delegations.roles ?? []
        func index(_ name: String) -> Int? { roles.firstIndex { $0.name.utf8.elementsEqual(name.utf8) } }
        func keyIDs(_ files: [DelegationChange.KeyFile]) -> [String] {
            files.compactMap { keys[$0.url] }.map { key in
                delegations.keys[key.keyID] = key.key
                return key.keyID
            }
        }

        for change in changes {
            switch change.action {
            case .add:
                if index(change.role) != nil {
                    problem(change, "role", "role \(change.role) is already delegated in the current targets.json; use 'action: change' to change it")
                    continue
                }
                var role = DelegatedRole(name: change.role, keyIDs: keyIDs(change.keys ?? []), threshold: Int64(change.threshold ?? 1),
                                         terminating: dialect == .tuf ? (change.terminating ?? false) : nil, paths: change.paths,
                                         pathHashPrefixes: change.pathHashPrefixes)
                if dialect == .notary { role.paths = change.paths ?? [] }
                roles.append(role)
                touched.insert(change.role)
            case .remove:
                guard let at = index(change.role) else {
                    problem(change, "role", "role \(change.role) is not delegated in the current targets.json, so it cannot be removed")
                    continue
                }
                roles.remove(at: at)
            case .change:
                guard let at = index(change.role) else {
                    problem(change, "role", "role \(change.role) is not delegated in the current targets.json, so it cannot be changed; use 'action: add' to delegate it")
                    continue
                }
                var role = roles[at]
                if let files = change.keys {
                    role.keyIDs = keyIDs(files)
                }
                for file in change.addKeys {
                    guard let key = keys[file.url] else { continue }
                    if role.keyIDs.contains(key.keyID) {
                        problems.append(Problem(location: file.location, message: "the key in \(file.path) (\(key.keyID)) is already a key of \(change.role)"))
                        continue
                    }
                    delegations.keys[key.keyID] = key.key
                    role.keyIDs.append(key.keyID)
                }
                for keyID in change.removeKeyIDs {
                    guard let position = role.keyIDs.firstIndex(of: keyID) else {
                        problem(change, "remove_keys", "key ID \(keyID) is not a key of \(change.role) in the current targets.json")
                        continue
                    }
                    role.keyIDs.remove(at: position)
                }
                if let paths = change.paths {
                    role.paths = paths
                    role.pathHashPrefixes = nil
                }
                if let prefixes = change.pathHashPrefixes {
                    role.pathHashPrefixes = prefixes
                    role.paths = nil
                }
                if let threshold = change.threshold { role.threshold = Int64(threshold) }
                if let terminating = change.terminating { role.terminating = terminating }
                if let name = change.renameTo {
                    if index(name) != nil {
                        problem(change, "rename_to", "role \(name) is already delegated, so \(change.role) cannot take its name")
                        continue
                    }
                    role.name = name
                }
                roles[at] = role
                touched.insert(role.name)
            }
        }

        // Every role this ceremony touches must stay signable: keys, and a threshold they can meet.
        for role in roles where touched.contains(role.name) {
            guard let change = changes.first(where: { ($0.renameTo ?? $0.role).utf8.elementsEqual(role.name.utf8) }) else { continue }
            let field = change.keys != nil ? "keys" : (change.removeKeyIDs.isEmpty ? "role" : "remove_keys")
            let distinct = Set(role.keyIDs.compactMap { (try? delegations.keys[$0]?.material(dialect: dialect))?.spki }).count
            if role.keyIDs.isEmpty {
                problem(change, field, "this leaves \(role.name) with no keys: nobody could sign for it and clients would trust nothing it lists, the lockout notary users hit (notary #1500, #1444). Remove the role with 'action: remove', or give it a key in the same change")
            } else if role.threshold > Int64(distinct) {
                let thresholdField = change.threshold != nil ? "threshold" : field
                problem(change, thresholdField, "this leaves \(role.name) with threshold \(role.threshold) and \(distinct) distinct key\(distinct == 1 ? "" : "s"): no set of its keys could sign it, the lockout notary users hit (notary #1500, #1444). Lower the threshold or add keys")
            }
            if Set(role.keyIDs).count != role.keyIDs.count {
                problem(change, field, "\(role.name) would list the same key twice")
            }
            if dialect == .notary, role.threshold != 1 {
                problem(change, change.threshold != nil ? "threshold" : "role", "\(role.name) has threshold \(role.threshold), but notary supports delegation threshold 1 only; set 'threshold: 1'")
            }
        }
        delegations.roles = roles
        let inUse = Set(roles.flatMap(\.keyIDs))
        delegations.keys = delegations.keys.filter { inUse.contains($0.key) }
        return Outcome(delegations: delegations, problems: problems, touched: touched)
    }
}
