/// Structural rules for `delegations`, as python-tuf and notary enforce them when
/// they load or write metadata.
///
/// Notary is taken both ways: what `notary delegation add` writes is accepted (no `paths`
/// member without `--paths`, Go's `null` for an empty list), and a role that can then sign
/// nothing is a notice; what notary refuses is refused (`data.IsDelegation` names,
/// thresholds above the keys listed).
enum DelegationRules {
    static func check(_ delegations: Delegations, delegator: String, dialect: Dialect, ring: KeyRing, file: String,
                      findings: inout [Finding]) {
        func add(_ role: String?, _ detail: String) {
            findings.append(Finding(file: file, role: role ?? delegator, check: .delegation, detail: detail))
        }
        switch (delegations.roles, delegations.succinctRoles) {
        case (nil, nil): add(nil, "delegations need roles or succinct_roles")
        case (.some, .some): add(nil, "delegations may have roles or succinct_roles, not both")
        default: break
        }
        if let succinct = delegations.succinctRoles {
            checkSuccinct(succinct, delegator: delegator, keys: delegations.keys, ring: ring, file: file, findings: &findings)
        }
        var names = Set<String>()
        for role in delegations.roles ?? [] {
            if !names.insert(role.name).inserted { add(role.name, "role name is delegated twice") }
            if let problem = problem(withName: role.name, delegator: delegator, dialect: dialect) { add(role.name, problem) }
            RoleRules.check(role.roleKeys, name: role.name, keys: delegations.keys, ring: ring, file: file,
                            findings: &findings, check: .delegation)
            switch dialect {
            case .tuf:
                if role.terminating == nil { add(role.name, "terminating is missing") }
                switch (role.paths, role.pathHashPrefixes) {
                case (nil, nil): add(role.name, "one of paths or path_hash_prefixes must be set")
                case (.some, .some): add(role.name, "paths and path_hash_prefixes cannot both be set")
                default: break
                }
            case .notary:
                if (role.paths ?? []).isEmpty {
                    findings.append(Finding(file: file, role: role.name, check: .delegation, severity: .notice,
                                            detail: "\(role.name) has no paths, so it can sign nothing (as `notary delegation add` without --paths writes it)"))
                }
                if role.terminating != nil { add(role.name, "terminating is not part of Notary delegations") }
            }
            // "" is a prefix of every hash: python-tuf's `startswith("")` delegates every path.
            for prefix in role.pathHashPrefixes ?? [] where !prefix.isEmpty && !ByteEncoding.isHex(prefix) {
                add(role.name, "path hash prefix \"\(prefix)\" is not hex")
            }
            for path in role.paths ?? [] where path.isEmpty && dialect == .tuf {
                add(role.name, "an empty path pattern matches nothing")
            }
        }
    }

    /// Why python-tuf 7.0.1 refuses to deserialize these delegations at all (`Delegations`,
    /// `DelegatedRole`, `SuccinctRoles` and `Role` constructors raise), if it does: a
    /// client then cannot load the file that carries them, whatever its signatures.
    static func pythonTUFRefusal(_ delegations: Delegations) -> String? {
        switch (delegations.roles, delegations.succinctRoles) {
        case (nil, nil): return "delegations have neither roles nor succinct_roles"
        case (.some, .some): return "delegations have both roles and succinct_roles"
        default: break
        }
        if let object = delegations.succinctRoles {
            do {
                let succinct = try SuccinctRoles(object)
                if let problem = pythonTUFRefusal(succinct.roleKeys) { return "succinct_roles: \(problem)" }
            } catch {
                return error.description
            }
        }
        var names = Set<String>()
        for role in delegations.roles ?? [] {
            if !names.insert(role.name).inserted { return "role \(role.name) is delegated twice" }
            if role.name.isEmpty || RootMetadata.topLevelRoles.contains(role.name) {
                return "a delegated role is named \"\(role.name)\""
            }
            if role.terminating == nil { return "role \(role.name) has no terminating" }
            if (role.paths == nil) == (role.pathHashPrefixes == nil) {
                return "role \(role.name) needs exactly one of paths and path_hash_prefixes"
            }
            if let problem = pythonTUFRefusal(role.roleKeys) { return "role \(role.name): \(problem)" }
        }
        return nil
    }

    /// python-tuf's `Role.__init__`: key IDs unique, threshold at least 1.
    private static func pythonTUFRefusal(_ keys: RoleKeys) -> String? {
        if Set(keys.keyIDs).count != keys.keyIDs.count { return "key IDs are not unique" }
        if keys.threshold < 1 { return "threshold is below 1" }
        return nil
    }

    /// Why a delegated role name is unacceptable, if it is.
    static func problem(withName name: String, delegator: String, dialect: Dialect) -> String? {
        if name.isEmpty { return "role name is empty" }
        switch dialect {
        case .tuf:
            if RootMetadata.topLevelRoles.contains(name) { return "a delegated role cannot take the top-level name \(name)" }
            return nil
        case .notary:
            // notary `data.IsDelegation`: "targets/" then ^[-a-z0-9_/]+$, under 256 bytes and
            // path.Clean'd; `DelegationRole.IsParentOf`: one level below its delegator.
            guard name.hasPrefix("targets/") else { return "Notary delegated roles are named targets/<name>" }
            let segments = name.split(separator: "/", omittingEmptySubsequences: false)
            if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                return "role name has an empty, . or .. segment"
            }
            if !name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2F }) {
                return "notary accepts only lower-case letters, digits, -, _ and / in delegation names"
            }
            if name.utf8.count > 255 { return "role name is longer than 255 bytes" }
            let parent = segments.dropLast().joined(separator: "/")
            if parent != delegator { return "role \(name) is not directly below its delegator \(delegator)" }
            return nil
        }
    }

    private static func checkSuccinct(_ succinct: JSONObject, delegator: String, keys: [String: MetadataKey],
                                      ring: KeyRing, file: String, findings: inout [Finding]) {
        func add(_ role: String?, _ detail: String) {
            findings.append(Finding(file: file, role: role ?? delegator, check: .delegation, detail: detail))
        }
        do {
            let succinct = try SuccinctRoles(succinct)
            RoleRules.check(succinct.roleKeys, name: "succinct_roles", keys: keys, ring: ring, file: file, findings: &findings,
                            check: .delegation)
        } catch {
            add(nil, error.description)
        }
    }
}
