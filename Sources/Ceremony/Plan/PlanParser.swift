import Foundation
import Yams
import PKCS11
import TrustMetadata

/// Turns plan bytes into a ``Plan``, reporting every problem with its location.
enum PlanParser {
    static let topLevelKeys = ["version", "ceremony", "dialect", "description", "repositories", "expires",
                               "module", "root", "online_keys", "witnesses", "backup"]

    static func parse(_ source: SourceFile) throws(PlanError) -> Plan {
        let sink = DiagnosticSink(file: source.displayName)
        guard let text = String(data: source.bytes, encoding: .utf8) else {
            sink.error(at: nil, "the plan is not UTF-8 text")
            throw PlanError(diagnostics: sink.sorted())
        }
        guard let document = StrictYAML.compose(text, sink: sink) else {
            throw PlanError(diagnostics: sink.sorted())
        }
        SecretKeyScanner.scan(document, sink: sink)
        let plan = read(document, source: source, sink: sink)
        try sink.throwIfErrors()
        guard var plan else {
            // Every path that yields nil reports an error; this is a safety net.
            throw PlanError(diagnostics: [PlanDiagnostic(severity: .error, file: source.displayName,
                                                         line: 1, column: 1, message: "the plan could not be read")])
        }
        plan.warnings = sink.sorted().filter { $0.severity == .warning }
        return plan
    }

    private static func read(_ document: Node, source: SourceFile, sink: DiagnosticSink) -> Plan? {
        guard let top = StrictMapping(document, "the plan", sink: sink) else { return nil }
        top.rejectUnknownKeys(allowed: topLevelKeys)

        if let node = top.required("version", expected: "1"), let version = StrictYAML.int(node, "version", sink: sink),
           version != Plan.formatVersion {
            sink.error(node, "version \(version) is not supported; this tool reads plan version \(Plan.formatVersion)")
        }
        let ceremony: CeremonyKind? = top.required("ceremony", expected: oneOf(CeremonyKind.allCases.map(\.rawValue)))
            .flatMap { node in
                if case .scalar(let scalar) = node, CeremonyKind.planned.contains(scalar.string) {
                    sink.error(node, "ceremony '\(scalar.string)' is planned but not supported by this version; expected \(oneOf(CeremonyKind.allCases.map(\.rawValue)))")
                    return nil
                }
                return enumValue(node, "ceremony", sink: sink)
            }
        let dialect: Dialect? = top.required("dialect", expected: oneOf(Dialect.allCases.map(\.rawValue)))
            .flatMap { enumValue($0, "dialect", sink: sink) }
        let description = top.required("description", expected: "a sentence saying what the ceremony is for")
            .flatMap { StrictYAML.string($0, "description", sink: sink) }
        let repositories = readRepositories(top, dialect: dialect, sink: sink)
        let expiresNode = top.required("expires", expected: "an RFC 3339 time such as 2031-01-01T00:00:00Z or a duration such as 365d, 52w, 5y or P1Y6M")
        let expires = expiresNode.flatMap { readExpiry($0, sink: sink) }
        let module = top.optional("module").flatMap { FieldReaders.module($0, "module", sink: sink) }
        let root = top.required("root", expected: "a mapping with 'threshold' and 'keys'")
            .flatMap { readRoot($0, dialect: dialect, sink: sink) }
        let onlineKeys = readOnlineKeys(top, directory: source.directory, sink: sink)
        let witnesses = top.optional("witnesses")
            .map { node in FieldReaders.people(node, "witnesses", sink: sink) } ?? []
        let backup = top.optional("backup").flatMap { node -> BackupSection? in
            guard let map = StrictMapping(node, "backup", sink: sink) else { return nil }
            return BackupSection(keys: map.entries.map(\.key))
        }
        if let witnesses, witnesses.isEmpty {
            sink.warning(top.raw("witnesses") ?? document, "no witnesses are named; someone other than the key holders should confirm each step")
        }

        guard let ceremony, let dialect, let description, let repositories, let expires,
              let expiresNode, let root, let onlineKeys, let witnesses else { return nil }
        return Plan(ceremony: ceremony, dialect: dialect, description: description, repositories: repositories,
                    expires: expires, module: module, root: root, onlineKeys: onlineKeys,
                    witnesses: witnesses, backup: backup, source: source,
                    expiresLocation: SourceLocation(line: expiresNode.mark?.line ?? 1,
                                                    column: expiresNode.mark?.column ?? 1))
    }

    static func oneOf(_ values: [String]) -> String {
        values.count == 1 ? "'\(values[0])'" : "one of " + values.map { "'\($0)'" }.joined(separator: ", ")
    }

    private static func enumValue<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, sink: DiagnosticSink) -> T?
    where T.RawValue == String {
        guard let text = StrictYAML.string(node, what, sink: sink) else { return nil }
        guard let value = T(rawValue: text) else {
            sink.error(node, "\(what) '\(text)' is not known; expected \(oneOf(T.allCases.map(\.rawValue)))")
            return nil
        }
        return value
    }

    private static func readRepositories(_ top: StrictMapping, dialect: Dialect?, sink: DiagnosticSink) -> [String]? {
        guard let node = top.required("repositories", expected: "a list of Notary GUNs or one TUF repository name"),
              let items = StrictYAML.sequence(node, "repositories", sink: sink) else { return nil }
        var names: [String] = []
        var ok = true
        for item in items {
            guard let name = FieldReaders.repositoryName(item, "repository", sink: sink) else {
                ok = false
                continue
            }
            if names.contains(name) {
                sink.error(item, "repository '\(name)' is listed twice")
                ok = false
            }
            names.append(name)
        }
        if items.isEmpty {
            sink.error(node, "repositories is empty; expected at least one repository")
            return nil
        }
        if dialect == .tuf && items.count != 1 {
            sink.error(node, "a tuf plan names exactly one repository, found \(items.count)")
            return nil
        }
        return ok ? names : nil
    }

    private static func readExpiry(_ node: Node, sink: DiagnosticSink) -> Expiry? {
        guard let text = StrictYAML.string(node, "expires", sink: sink) else { return nil }
        guard let expiry = Expiry(text) else {
            sink.error(node, "expires '\(text)' is neither an RFC 3339 time with seconds and zone (2031-01-01T00:00:00Z) nor a duration (90d, 52w, 5y, P1Y6M)")
            return nil
        }
        return expiry
    }

    private static func readRoot(_ node: Node, dialect: Dialect?, sink: DiagnosticSink) -> RootRole? {
        guard let map = StrictMapping(node, "root", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["threshold", "keys"])
        let thresholdNode = map.required("threshold", expected: "the number of root keys that must sign, at least 1")
        let threshold = thresholdNode.flatMap { StrictYAML.int($0, "root threshold", sink: sink) }
        guard let keysNode = map.required("keys", expected: "a list of keys, each with name, holder, token and algorithm"),
              let items = StrictYAML.sequence(keysNode, "root keys", sink: sink) else { return nil }
        if items.isEmpty {
            sink.error(keysNode, "root keys is empty; expected at least one key")
        }
        var keys: [RootKey] = []
        var seenNames: [String: Node] = [:]
        var seenHolders: [String: Node] = [:]
        var seenTokens: [TokenSelector: String] = [:]
        var ok = true
        for item in items {
            guard let (key, keyMap) = readRootKey(item, dialect: dialect, sink: sink) else {
                ok = false
                continue
            }
            if let first = seenNames[key.name] {
                sink.error(keyMap.raw("name"), "key name '\(key.name)' is already used at line \(first.mark?.line ?? 0); key names must be unique")
                ok = false
            }
            if let first = seenHolders[key.holder] {
                sink.error(keyMap.raw("holder"), "holder '\(key.holder)' already holds a key (line \(first.mark?.line ?? 0)); each holder holds one root key")
                ok = false
            }
            if let token = key.token, let other = seenTokens[token] {
                sink.error(keyMap.raw("token"), "\(token.spoken) is already used by key '\(other)'; each key needs its own token")
                ok = false
            }
            seenNames[key.name] = seenNames[key.name] ?? keyMap.raw("name")
            seenHolders[key.holder] = seenHolders[key.holder] ?? keyMap.raw("holder")
            if let token = key.token { seenTokens[token] = seenTokens[token] ?? key.name }
            keys.append(key)
        }
        guard let threshold, let thresholdNode else { return nil }
        if threshold < 1 {
            sink.error(thresholdNode, "root threshold is \(threshold); expected at least 1")
            return nil
        }
        if threshold > items.count {
            sink.error(thresholdNode, "root threshold is \(threshold) but only \(items.count) key\(items.count == 1 ? " is" : "s are") listed; expected at most \(items.count)")
            return nil
        }
        return ok && !items.isEmpty ? RootRole(threshold: threshold, keys: keys) : nil
    }

    private static func readRootKey(_ node: Node, dialect: Dialect?, sink: DiagnosticSink) -> (RootKey, StrictMapping)? {
        guard let map = StrictMapping(node, "a root key", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["name", "holder", "token", "algorithm"])
        let name = map.required("name", expected: "a short key name such as 'root-a'")
            .flatMap { FieldReaders.identifier($0, "key name", sink: sink) }
        let holder = map.required("holder", expected: "the name of the person who holds this key's token")
            .flatMap { FieldReaders.personName($0, "holder", sink: sink) }
        let tokenNode = map.optional("token")
        let token = tokenNode.flatMap { FieldReaders.tokenSelector($0, "token", sink: sink) }
        let algorithmNode = map.required("algorithm", expected: oneOf(KeyAlgorithm.allCases.map(\.rawValue)))
        var algorithm: KeyAlgorithm? = algorithmNode.flatMap { enumValue($0, "algorithm", sink: sink) }
        if dialect == .notary, let chosen = algorithm, chosen != .ecdsaP256 {
            // Caught here, not after keys exist on tokens: notary 0.7 root certificates are ECDSA,
            // and its clients check every ECDSA signature with SHA-256.
            sink.error(algorithmNode, "Notary root keys must be ecdsa-p256, not \(chosen.rawValue): notary's clients accept only ECDSA P-256 root certificates signed with SHA-256")
            algorithm = nil
        }
        guard let name, let holder, let algorithm, tokenNode == nil || token != nil else { return nil }
        let location = SourceLocation(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        return (RootKey(name: name, holder: holder, token: token, algorithm: algorithm, location: location), map)
    }

    /// Root metadata lists a key for every top-level role, so both dialects need all three files.
    private static func readOnlineKeys(_ top: StrictMapping, directory: URL, sink: DiagnosticSink) -> OnlineKeyFiles? {
        let roles = ["targets", "snapshot", "timestamp"]
        guard let node = top.required("online_keys", expected: "a mapping of \(roles.joined(separator: ", ")) to public key files"),
              let map = StrictMapping(node, "online_keys", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: roles)
        var urls: [String: URL] = [:]
        var locations: [String: SourceLocation] = [:]
        for role in roles {
            guard let valueNode = map.required(role, expected: "a public key file for the \(role) role, relative to the plan"),
                  let path = StrictYAML.string(valueNode, "online_keys \(role)", sink: sink) else { continue }
            if path.hasPrefix("/") || path.hasPrefix("~") {
                sink.error(valueNode, "online_keys \(role) '\(path)' must be relative to the plan's folder, so the plan and its keys move together")
                continue
            }
            urls[role] = directory.appendingPathComponent(path).standardizedFileURL
            locations[role] = SourceLocation(line: valueNode.mark?.line ?? 1, column: valueNode.mark?.column ?? 1)
        }
        guard let targets = urls["targets"], let snapshot = urls["snapshot"], let timestamp = urls["timestamp"] else { return nil }
        return OnlineKeyFiles(targets: targets, snapshot: snapshot, timestamp: timestamp, locations: locations)
    }
}
