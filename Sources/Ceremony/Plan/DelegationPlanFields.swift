import Foundation
import Yams
import TrustMetadata

/// Validators for the `delegations:` list of a `targets-delegation` plan, judged from the plan
/// alone: role names as the dialect's clients accept them, key file lists, paths or path hash
/// prefixes, thresholds and `terminating`.
///
/// The rules follow the clients: python-tuf 7.0.1's `DelegatedRole` (exactly one of `paths` and
/// `path_hash_prefixes`, `terminating` required, threshold at least 1) and notary 0.7
/// (`data.IsDelegation` names, paths as prefixes with `""` for every path, threshold 1 only:
/// notary's `delegation add` has no threshold option and its client signs each delegation with
/// one key). Removing a role's last key, or a threshold above its keys, is refused: that is the
/// lockout notary users hit (notary #1500, #1444).
enum DelegationPlanFields {
    /// Reads the list of changes; every role is named once.
    static func changes(_ node: Node, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> [DelegationChange]? {
        guard let items = StrictYAML.sequence(node, "delegations", sink: sink) else { return nil }
        if items.isEmpty {
            sink.error(node, "delegations is empty; expected at least one role to add, change or remove")
            return nil
        }
        var changes: [DelegationChange] = []
        var ok = true
        for item in items {
            guard let change = change(item, dialect: dialect, directory: directory, sink: sink) else {
                ok = false
                continue
            }
            changes.append(change)
        }
        // A role is changed by one entry only, and a rename does not land on another entry's role.
        var named: [[UInt8]: DelegationChange] = [:]
        for change in changes {
            for (name, field) in [(change.role, "role")] + (change.renameTo.map { [($0, "rename_to")] } ?? []) {
                if let first = named[Array(name.utf8)] {
                    let at = change.location(of: field)
                    sink.error(line: at.line, column: at.column, "role \(name) is already named at line \(first.location.line); each role is added, changed or removed by one entry")
                    ok = false
                }
                named[Array(name.utf8)] = named[Array(name.utf8)] ?? change
            }
        }
        return ok ? changes : nil
    }

    private static let fields: [DelegationChange.Action: [String]] = [
        .add: ["role", "action", "keys", "paths", "path_hash_prefixes", "threshold", "terminating"],
        .change: ["role", "action", "rename_to", "keys", "add_keys", "remove_keys", "paths", "path_hash_prefixes", "threshold", "terminating"],
        .remove: ["role", "action"],
    ]

    private static func change(_ node: Node, dialect: Dialect?, directory: URL, sink: DiagnosticSink) -> DelegationChange? {
        guard let map = StrictMapping(node, "a delegation", sink: sink) else { return nil }
        let roleNode = map.required("role", expected: dialect == .notary ? "the delegated role's name, such as targets/releases" : "the delegated role's name, such as releases")
        let role = roleNode.flatMap { roleName($0, "role", dialect: dialect, sink: sink) }
        let actionNode = map.required("action", expected: PlanParser.oneOf(DelegationChange.Action.allCases.map(\.rawValue)))
        let action: DelegationChange.Action? = actionNode.flatMap { PlanParser.enumValue($0, "action", sink: sink) }
        guard let action else {
            map.rejectUnknownKeys(allowed: fields[.change]!)
            return nil
        }
        map.rejectUnknownKeys(allowed: fields[action]!)
        var change = DelegationChange(action: action, role: role ?? "", location: RootPlanFields.location(node))
        for entry in map.entries { change.fieldLocations[entry.key] = RootPlanFields.location(entry.value) }
        var ok = role != nil
        func fail() { ok = false }
        let notary = dialect == .notary

        if let node = map.optional("keys") {
            if let files = keyFiles(node, "keys", directory: directory, sink: sink) {
                if files.isEmpty {
                    sink.error(node, action == .add
                               ? "a delegation needs at least one key; a role with no keys can sign nothing a client trusts"
                               : "removing every key of \(change.role) leaves a role nobody can sign for, and clients then trust nothing it lists: the lockout notary users hit (notary #1500, #1444). Remove the role with 'action: remove', or name its new keys")
                    fail()
                }
                change.keys = files
            } else { fail() }
        }
        if let node = map.optional("add_keys") {
            if let files = keyFiles(node, "add_keys", directory: directory, sink: sink) {
                if files.isEmpty {
                    sink.error(node, "add_keys is empty; leave it out")
                    fail()
                }
                change.addKeys = files
            } else { fail() }
        }
        if let node = map.optional("remove_keys") {
            if let ids = keyIDs(node, sink: sink) { change.removeKeyIDs = ids } else { fail() }
        }
        if change.keys != nil, let node = map.optional("add_keys") ?? map.optional("remove_keys") {
            sink.error(node, "give either 'keys' (the role's whole new key list) or 'add_keys'/'remove_keys', not both")
            fail()
        }
        if let node = map.optional("paths") {
            if let paths = paths(node, dialect: dialect, sink: sink) { change.paths = paths } else { fail() }
        }
        if let node = map.optional("path_hash_prefixes") {
            if notary {
                sink.error(node, "Notary delegations have no path_hash_prefixes; give 'paths' (prefixes, \"\" for every path)")
                fail()
            } else if let prefixes = hashPrefixes(node, sink: sink) { change.pathHashPrefixes = prefixes } else { fail() }
            if map.optional("paths") != nil {
                sink.error(node, "give either 'paths' or 'path_hash_prefixes', not both (python-tuf refuses a role with both)")
                fail()
            }
        }
        var thresholdOK = true
        if let node = map.optional("threshold") {
            if let threshold = StrictYAML.int(node, "threshold", sink: sink) {
                if threshold < 1 {
                    sink.error(node, "threshold is \(threshold); expected at least 1")
                    thresholdOK = false
                } else if notary && threshold != 1 {
                    sink.error(node, "threshold is \(threshold), but notary supports delegation threshold 1 only: notary's clients sign a delegation with one key, so a higher threshold would lock the role; expected 1")
                    thresholdOK = false
                }
                change.threshold = threshold
            } else { thresholdOK = false }
            if !thresholdOK { fail() }
        }
        if let node = map.optional("terminating") {
            if notary {
                sink.error(node, "Notary delegations have no 'terminating'; leave it out")
                fail()
            } else if let value = StrictYAML.bool(node, "terminating", sink: sink) { change.terminating = value } else { fail() }
        }
        if let node = map.optional("rename_to") {
            if let name = roleName(node, "rename_to", dialect: dialect, sink: sink) {
                if name.utf8.elementsEqual(change.role.utf8) {
                    sink.error(node, "rename_to is the role's own name; leave it out")
                    fail()
                }
                change.renameTo = name
            } else { fail() }
        }

        switch action {
        case .add:
            if map.required("keys", expected: "the public key files of the role's keys, relative to the plan") == nil { fail() }
            if map.required("threshold", expected: notary ? "1 (notary supports delegation threshold 1 only)" : "how many of the role's keys must sign, at least 1") == nil { fail() }
            if notary {
                if map.required("paths", expected: "the path prefixes the role may sign for; [\"\"] for every path") == nil { fail() }
            } else {
                if map.optional("paths") == nil && map.optional("path_hash_prefixes") == nil {
                    sink.error(node, "a delegation needs 'paths' (patterns such as 'releases/*') or 'path_hash_prefixes'")
                    fail()
                }
                if map.required("terminating", expected: "true or false: whether a client's search for a target stops at this role") == nil { fail() }
            }
            if thresholdOK, let keys = change.keys, !keys.isEmpty, let threshold = change.threshold, threshold > keys.count {
                sink.error(map.optional("threshold"), "threshold is \(threshold) but only \(keys.count) key\(keys.count == 1 ? " is" : "s are") listed; a role whose threshold no set of its keys can meet signs nothing a client trusts. Expected at most \(keys.count)")
                fail()
            }
        case .change:
            let changing = ["rename_to", "keys", "add_keys", "remove_keys", "paths", "path_hash_prefixes", "threshold", "terminating"]
            if !changing.contains(where: { map.optional($0) != nil }) {
                sink.error(node, "a change names what changes: one or more of \(changing.map { "'\($0)'" }.joined(separator: ", "))")
                fail()
            }
            if thresholdOK, let keys = change.keys, !keys.isEmpty, let threshold = change.threshold, threshold > keys.count {
                sink.error(map.optional("threshold"), "threshold is \(threshold) but only \(keys.count) key\(keys.count == 1 ? " is" : "s are") listed; expected at most \(keys.count)")
                fail()
            }
        case .remove:
            break
        }
        return ok ? change : nil
    }

    /// A delegated role name the dialect's clients accept, delegated by `targets`.
    static func roleName(_ node: Node, _ what: String, dialect: Dialect?, sink: DiagnosticSink) -> String? {
        guard let name = StrictYAML.string(node, what, sink: sink) else { return nil }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) || name.utf8.count > 255 {
            sink.error(node, "\(what) '\(name)' must be at most 255 bytes on one line")
            return nil
        }
        if let dialect, let problem = DelegatedRole.nameProblem(name, delegator: "targets", dialect: dialect) {
            let example = dialect == .notary ? "such as targets/releases" : "such as releases"
            sink.error(node, "\(what) '\(name)' cannot be delegated by targets.json: \(problem); expected a role name \(example)")
            return nil
        }
        return name
    }

    /// A list of public key files relative to the plan.
    private static func keyFiles(_ node: Node, _ what: String, directory: URL, sink: DiagnosticSink) -> [DelegationChange.KeyFile]? {
        guard let items = StrictYAML.sequence(node, what, sink: sink) else { return nil }
        var files: [DelegationChange.KeyFile] = []
        var ok = true
        for item in items {
            guard let url = RootPlanFields.relativePath(item, "each of \(what)", directory: directory, sink: sink),
                  let path = item.scalar?.string else {
                ok = false
                continue
            }
            if files.contains(where: { $0.url == url }) {
                sink.error(item, "key file \(path) is listed twice")
                ok = false
            }
            files.append(.init(path: path, url: url, location: RootPlanFields.location(item)))
        }
        return ok ? files : nil
    }

    /// Key IDs as targets.json lists them: 64 lower-case hex digits.
    private static func keyIDs(_ node: Node, sink: DiagnosticSink) -> [String]? {
        guard let items = StrictYAML.sequence(node, "remove_keys", sink: sink) else { return nil }
        if items.isEmpty {
            sink.error(node, "remove_keys is empty; leave it out")
            return nil
        }
        var ids: [String] = []
        for item in items {
            guard let text = StrictYAML.string(item, "each of remove_keys", sink: sink) else { return nil }
            guard text.utf8.count == 64, isLowerHex(text) else {
                sink.error(item, "remove_keys '\(text)' is not a key ID; expected 64 lower-case hex digits as targets.json lists them")
                return nil
            }
            if ids.contains(text) {
                sink.error(item, "key ID \(text) is listed twice")
                return nil
            }
            ids.append(text)
        }
        return ids
    }

    static func isLowerHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// TUF: glob patterns (an empty pattern matches nothing, so it is refused). Notary: prefixes,
    /// where `""` delegates every path.
    private static func paths(_ node: Node, dialect: Dialect?, sink: DiagnosticSink) -> [String]? {
        guard let items = StrictYAML.sequence(node, "paths", sink: sink) else { return nil }
        if items.isEmpty {
            sink.error(node, dialect == .notary ? "paths is empty, so the role could sign nothing; give prefixes, or [\"\"] for every path"
                                                : "paths is empty, so the role could sign nothing; give patterns such as 'releases/*'")
            return nil
        }
        var paths: [String] = []
        for item in items {
            // A quoted "" is text (Notary's "every path"); a bare empty value is null.
            guard case .scalar(let scalar) = item, !StrictYAML.isNull(item) else {
                sink.error(item, "each path must be text, found \(StrictYAML.kind(item))")
                return nil
            }
            let path = scalar.string
            if path.isEmpty && dialect != .notary {
                sink.error(item, "an empty path pattern matches no target (python-tuf); give a pattern such as 'releases/*', or '*' for every file at the top")
                return nil
            }
            if path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                sink.error(item, "path '\(path)' holds a control character")
                return nil
            }
            if paths.contains(path) {
                sink.error(item, "path '\(path)' is listed twice")
                return nil
            }
            paths.append(path)
        }
        return paths
    }

    /// TUF `path_hash_prefixes`: lower-case hex, as python-tuf compares them with a lower-case digest.
    private static func hashPrefixes(_ node: Node, sink: DiagnosticSink) -> [String]? {
        guard let items = StrictYAML.sequence(node, "path_hash_prefixes", sink: sink) else { return nil }
        if items.isEmpty {
            sink.error(node, "path_hash_prefixes is empty, so the role could sign nothing")
            return nil
        }
        var prefixes: [String] = []
        for item in items {
            guard let text = StrictYAML.string(item, "each of path_hash_prefixes", sink: sink) else { return nil }
            guard text.utf8.count <= 64, isLowerHex(text) else {
                sink.error(item, "path hash prefix '\(text)' must be 1 to 64 lower-case hex digits: python-tuf compares it with the lower-case hex SHA-256 of each target path")
                return nil
            }
            prefixes.append(text)
        }
        return prefixes
    }
}
