/// Structural rules for `delegations`, as python-tuf and notary enforce them when
/// they load or write metadata.
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
                if role.paths == nil { add(role.name, "paths is missing") }
                if role.terminating != nil { add(role.name, "terminating is not part of Notary delegations") }
            }
            for prefix in role.pathHashPrefixes ?? [] where !ByteEncoding.isHex(prefix) {
                add(role.name, "path hash prefix \"\(prefix)\" is not hex")
            }
            for path in role.paths ?? [] where path.isEmpty && dialect == .tuf {
                add(role.name, "an empty path pattern matches nothing")
            }
        }
    }

    /// Why a delegated role name is unacceptable, if it is.
    static func problem(withName name: String, delegator: String, dialect: Dialect) -> String? {
        if name.isEmpty { return "role name is empty" }
        switch dialect {
        case .tuf:
            if RootMetadata.topLevelRoles.contains(name) { return "a delegated role cannot take the top-level name \(name)" }
            return nil
        case .notary:
            // notary: targets/<segment>[/<segment>…], each delegation one level below its delegator.
            guard name.hasPrefix("targets/") else { return "Notary delegated roles are named targets/<name>" }
            let segments = name.split(separator: "/", omittingEmptySubsequences: false)
            if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                return "role name has an empty, . or .. segment"
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
        let reader = FieldReader(succinct, path: "delegations.succinct_roles")
        do {
            let bits = try reader.integer("bit_length")
            if !(1...32).contains(bits) { add(nil, "succinct_roles bit_length \(bits) is not within 1…32") }
            _ = try reader.string("name_prefix")
            let role = try RoleKeys(reader)
            RoleRules.check(role, name: "succinct_roles", keys: keys, ring: ring, file: file, findings: &findings,
                            check: .delegation)
        } catch {
            add(nil, error.description)
        }
    }
}
