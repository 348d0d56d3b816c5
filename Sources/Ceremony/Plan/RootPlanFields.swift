import Foundation
import Yams
import PKCS11
import TrustMetadata

/// Validators shared by the ceremonies' plan readers: keys on tokens, thresholds, online keys,
/// paths relative to the plan.
///
/// Each reader (``RootGenerationPlan``, ``RootUpdatePlan``, ``TargetsDelegationPlan``) is built
/// from these, as Boulder's per-ceremony configs are built from shared validators.
enum RootPlanFields {
    /// What a key on a token is for: it decides the algorithms a dialect allows.
    enum KeyPurpose: String {
        /// A root key (Notary: published as a root certificate).
        case root
        /// An offline top-level targets key (Notary: a bare key, as `notary init` makes it).
        case targets
    }

    /// Which key sources a reader accepts.
    struct KeyRules {
        /// `algorithm:` — a key generated in this ceremony.
        var generate: Bool
        /// `key_id:` — a key already in the current root.
        var existing: Bool
        /// Whether `token:` may be left out with no profile mapping (a leaving key that does not sign).
        var tokenOptional = false
        var purpose: KeyPurpose = .root
        /// `backup: true` — a new key backed up under SLIP-39 shares (root generation).
        var backup = false
    }

    static func location(_ node: Node) -> SourceLocation {
        SourceLocation(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// Reads `root: {threshold, keys}`.
    static func root(_ node: Node, dialect: Dialect?, rules: KeyRules, sink: DiagnosticSink) -> RootRole? {
        role(node, "root", dialect: dialect, rules: rules, sink: sink)
    }

    /// Reads `<name>: {threshold, keys}`: a role signed by keys on tokens (`root`, or an offline `targets`).
    static func role(_ node: Node, _ name: String, dialect: Dialect?, rules: KeyRules, sink: DiagnosticSink) -> RootRole? {
        guard let map = StrictMapping(node, name, sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["threshold", "keys"])
        let thresholdNode = map.required("threshold", expected: "the number of \(name) keys that must sign, at least 1")
        let threshold = thresholdNode.flatMap { StrictYAML.int($0, "\(name) threshold", sink: sink) }
        guard let keysNode = map.required("keys", expected: "a list of keys, each with name, holder, token and \(expectedSource(rules))"),
              let keys = keyList(keysNode, "\(name) keys", dialect: dialect, rules: rules, sink: sink) else { return nil }
        guard let threshold, let thresholdNode else { return nil }
        if threshold < 1 {
            sink.error(thresholdNode, "\(name) threshold is \(threshold); expected at least 1")
            return nil
        }
        if threshold > keys.count {
            sink.error(thresholdNode, "\(name) threshold is \(threshold) but only \(keys.count) key\(keys.count == 1 ? " is" : "s are") listed; expected at most \(keys.count)")
            return nil
        }
        var role = RootRole(threshold: threshold, keys: keys)
        role.thresholdLocation = location(thresholdNode)
        return role
    }

    /// Reads a non-empty list of keys with unique names, holders and tokens.
    static func keyList(_ node: Node, _ what: String, dialect: Dialect?, rules: KeyRules, sink: DiagnosticSink,
                        allowEmpty: Bool = false) -> [RootKey]? {
        guard let items = StrictYAML.sequence(node, what, sink: sink) else { return nil }
        if items.isEmpty && !allowEmpty {
            sink.error(node, "\(what) is empty; expected at least one key")
            return nil
        }
        var keys: [RootKey] = []
        var ok = true
        for item in items {
            guard let key = rootKey(item, dialect: dialect, rules: rules, sink: sink) else {
                ok = false
                continue
            }
            keys.append(key)
        }
        return ok ? keys : nil
    }

    /// Reports names, holders, tokens and key IDs used twice across `keys` (all of one plan).
    static func checkUnique(_ keys: [RootKey], sink: DiagnosticSink) {
        var names: [[UInt8]: RootKey] = [:]
        var holders: [[UInt8]: RootKey] = [:]
        var tokens: [TokenSelector: RootKey] = [:]
        var keyIDs: [[UInt8]: RootKey] = [:]
        func report(_ key: RootKey, _ field: String, _ message: String) {
            let at = key.location(of: field)
            sink.error(line: at.line, column: at.column, message)
        }
        for key in keys {
            // Names are compared as bytes: canonically equivalent spellings are different names.
            if let first = names[Array(key.name.utf8)] {
                report(key, "name", "key name '\(key.name)' is already used at line \(first.location(of: "name").line); key names must be unique")
            }
            if let first = holders[Array(key.holder.utf8)] {
                report(key, "holder", "holder '\(key.holder)' already holds a key (line \(first.location(of: "holder").line)); each holder holds one key, on one token")
            }
            if let token = key.token, let other = tokens[token] {
                report(key, "token", "\(token.spoken) is already used by key '\(other.name)'; each key needs its own token")
            }
            if let keyID = key.existingKeyID, let other = keyIDs[Array(keyID.utf8)] {
                report(key, "key_id", "key ID \(keyID) is already named by key '\(other.name)'")
            }
            names[Array(key.name.utf8)] = names[Array(key.name.utf8)] ?? key
            holders[Array(key.holder.utf8)] = holders[Array(key.holder.utf8)] ?? key
            if let token = key.token { tokens[token] = tokens[token] ?? key }
            if let keyID = key.existingKeyID { keyIDs[Array(keyID.utf8)] = keyIDs[Array(keyID.utf8)] ?? key }
        }
    }

    private static func expectedSource(_ rules: KeyRules) -> String {
        switch (rules.generate, rules.existing) {
        case (true, true): return "either 'algorithm' (a new key) or 'key_id' (a key in the current root)"
        case (false, true): return "'key_id' (the key's ID in the current root)"
        default: return "algorithm"
        }
    }

    private static func rootKey(_ node: Node, dialect: Dialect?, rules: KeyRules, sink: DiagnosticSink) -> RootKey? {
        guard let map = StrictMapping(node, "a \(rules.purpose.rawValue) key", sink: sink) else { return nil }
        var allowed = ["name", "holder", "token"]
        if rules.generate { allowed.append("algorithm") }
        if rules.existing { allowed.append("key_id") }
        if rules.backup { allowed.append("backup") }
        map.rejectUnknownKeys(allowed: allowed)
        let backupNode = map.optional("backup")
        let backup = backupNode.flatMap { StrictYAML.bool($0, "backup", sink: sink) }
        let name = map.required("name", expected: "a short key name such as 'root-a'")
            .flatMap { FieldReaders.identifier($0, "key name", sink: sink) }
        let holder = map.required("holder", expected: "the name of the person who holds this key's token")
            .flatMap { FieldReaders.personName($0, "holder", sink: sink) }
        let tokenNode = map.optional("token")
        let token = tokenNode.flatMap { FieldReaders.tokenSelector($0, "token", sink: sink) }
        let algorithmNode: Node?
        let keyIDNode: Node?
        switch (rules.generate, rules.existing) {
        case (true, false):
            algorithmNode = map.required("algorithm", expected: PlanParser.oneOf(KeyAlgorithm.allCases.map(\.rawValue)))
            keyIDNode = nil
        case (false, _):
            algorithmNode = nil
            keyIDNode = map.required("key_id", expected: "the key's ID in the current root (64 hex digits)")
        case (true, true):
            algorithmNode = map.optional("algorithm")
            keyIDNode = map.optional("key_id")
            if algorithmNode == nil && keyIDNode == nil {
                sink.error(node, "a \(rules.purpose.rawValue) key needs \(expectedSource(rules))")
            } else if algorithmNode != nil && keyIDNode != nil {
                sink.error(node, "a \(rules.purpose.rawValue) key has either 'algorithm' (a new key) or 'key_id' (a key in the current root), not both")
            }
        }
        var source: RootKey.Source?
        if let algorithmNode, keyIDNode == nil,
           let chosen: KeyAlgorithm = PlanParser.enumValue(algorithmNode, "algorithm", sink: sink) {
            if dialect == .notary, rules.purpose == .root, chosen != .ecdsaP256 {
                // Caught here, not after keys exist on tokens: notary 0.7 root certificates are ECDSA,
                // and its clients check every ECDSA signature with SHA-256.
                sink.error(algorithmNode, "Notary root keys must be ecdsa-p256, not \(chosen.rawValue): notary's clients accept only ECDSA P-256 root certificates signed with SHA-256")
            } else if dialect == .notary, chosen == .ecdsaP384 {
                // notary 0.7 verifies every ECDSA signature over a SHA-256 digest; a P-384 token signs SHA-384.
                sink.error(algorithmNode, "a Notary targets key cannot be ecdsa-p384: notary's clients check every ECDSA signature with SHA-256; use ecdsa-p256")
            } else {
                source = .generate(chosen)
            }
        }
        if let keyIDNode, algorithmNode == nil, let text = StrictYAML.string(keyIDNode, "key_id", sink: sink) {
            if text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
                source = .existing(keyID: text)
            } else {
                sink.error(keyIDNode, "key_id '\(text)' is not a key ID; expected 64 lower-case hex digits as the current root lists them")
            }
        }
        guard let name, let holder, let source, tokenNode == nil || token != nil, backupNode == nil || backup != nil else { return nil }
        var fields: [String: SourceLocation] = [:]
        for entry in map.entries { fields[entry.key] = location(entry.value) }
        var key = RootKey(name: name, holder: holder, token: token, source: source, location: location(node), fieldLocations: fields)
        key.backup = backup ?? false
        return key
    }

    /// Reads `online_keys`; with `required`, every role of `roles` must be named (a first root
    /// lists a key for every top-level role); otherwise the roles named are the ones replaced.
    /// `offlineTargets` says the targets key is on a token (`targets:`), so no file may name it.
    static func onlineKeys(_ node: Node, required: Bool, offlineTargets: Bool = false, directory: URL, sink: DiagnosticSink) -> OnlineKeyFiles? {
        let roles = OnlineKeyFiles.roles.filter { !offlineTargets || $0 != "targets" }
        guard let map = StrictMapping(node, "online_keys", sink: sink) else { return nil }
        if offlineTargets, let targets = map.raw("targets") {
            sink.error(targets, "the targets key is offline on a token ('targets:' in this plan), so online_keys names no targets key file")
            return nil
        }
        map.rejectUnknownKeys(allowed: roles)
        var urls: [String: URL] = [:]
        var locations: [String: SourceLocation] = [:]
        var ok = true
        for role in roles {
            let valueNode = required
                ? map.required(role, expected: "a public key file for the \(role) role, relative to the plan")
                : map.optional(role)
            guard let valueNode else {
                if required { ok = false }
                continue
            }
            guard let path = StrictYAML.string(valueNode, "online_keys \(role)", sink: sink) else {
                ok = false
                continue
            }
            if path.hasPrefix("/") || path.hasPrefix("~") {
                sink.error(valueNode, "online_keys \(role) '\(path)' must be relative to the plan's folder, so the plan and its keys move together")
                ok = false
                continue
            }
            urls[role] = directory.appendingPathComponent(path).standardizedFileURL
            locations[role] = location(valueNode)
        }
        return ok ? OnlineKeyFiles(files: urls, locations: locations) : nil
    }

    /// Reads a path relative to the plan's folder.
    static func relativePath(_ node: Node, _ what: String, directory: URL, sink: DiagnosticSink) -> URL? {
        guard let path = StrictYAML.string(node, what, sink: sink) else { return nil }
        if path.hasPrefix("/") || path.hasPrefix("~") {
            sink.error(node, "\(what) '\(path)' must be relative to the plan's folder, so the plan and its inputs move together")
            return nil
        }
        return directory.appendingPathComponent(path).standardizedFileURL
    }
}
