import TrustMetadata

/// The delegations of a targets.json as the screen, `plan check` and the printed script show them
/// before anyone signs: one row per role (role, threshold, terminating, paths), each key below
/// it with its full key ID and the file it came from, and what the plan changed.
struct DelegationTable {
    var delegations: Delegations
    var dialect: Dialect
    /// Key ID → the plan's key file it was read from; keys not here were in the current targets.json.
    var keyFiles: [String: String]
    var changes: [DelegationChange]

    /// The table as lines, each starting with `indent`.
    func lines(indent: String = "    ") -> [String] {
        let roles = delegations.roles ?? []
        var lines: [String] = []
        if roles.isEmpty {
            lines.append("\(indent)(no delegated roles)")
        } else {
            let width = max(4, roles.map(\.name.count).max() ?? 4)
            func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(1, count - text.count + 2)) }
            lines.append(indent + pad("ROLE", width) + pad("THRESHOLD", 9) + pad("TERMINATING", 11) + "PATHS")
            for role in roles {
                let terminating = role.terminating.map { $0 ? "yes" : "no" } ?? "-"
                let state = Self.state(of: role.name, in: changes)
                lines.append(indent + pad(role.name, width) + pad("\(role.threshold) of \(role.keyIDs.count)", 9) + pad(terminating, 11)
                             + Self.paths(role, dialect: dialect) + (state.map { "   (\($0))" } ?? ""))
                for keyID in role.keyIDs {
                    let source = keyFiles[keyID].map { "from \($0)" } ?? "kept from the current targets.json"
                    let type = delegations.keys[keyID]?.keyType.map { "\($0), " } ?? ""
                    lines.append("\(indent)  key \(keyID) (\(type)\(source))")
                }
            }
        }
        for change in changes where change.action == .remove {
            lines.append("\(indent)removed: \(change.role)")
        }
        return lines
    }

    /// "added", "changed", "renamed from X" or nil for a role kept as it was.
    static func state(of name: String, in changes: [DelegationChange]) -> String? {
        guard let change = changes.first(where: { ($0.renameTo ?? $0.role).utf8.elementsEqual(name.utf8) }) else { return nil }
        switch change.action {
        case .add: return "added"
        case .change: return change.renameTo != nil ? "renamed from \(change.role)" : "changed"
        case .remove: return nil
        }
    }

    /// Paths as a client reads them: TUF patterns or hash prefixes, Notary prefixes ("" = every path).
    static func paths(_ role: DelegatedRole, dialect: Dialect) -> String {
        if let prefixes = role.pathHashPrefixes { return "path hash prefixes " + prefixes.joined(separator: ", ") }
        let paths = role.paths ?? []
        if paths.isEmpty { return "(none: the role can sign nothing)" }
        return paths.map { path in
            dialect == .notary && path.isEmpty ? "\"\" (every path)" : "\"\(path)\""
        }.joined(separator: ", ")
    }
}
