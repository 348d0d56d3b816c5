import Crypto
import Foundation

/// Verifies targets metadata against a trusted root, then walks its delegations.
///
/// Delegated role files are looked up by role name in a map the caller builds, never
/// opened by a path derived from metadata, so a hostile role name cannot reach
/// outside the directory being verified.
public struct TargetsVerifier: Sendable {
    /// Delegations deeper than this are not followed (python-tuf's default limit).
    public static let maximumDelegationDepth = 32

    public var options: VerificationOptions

    public init(options: VerificationOptions) {
        self.options = options
    }

    /// Verifies top-level `targets` with `root`, and each delegated role found in `delegated`
    /// (role name → file) with its delegator's keys.
    public func verify(_ file: MetadataFile, root: RootMetadata, delegated: [String: MetadataFile] = [:]) -> [Finding] {
        var findings: [Finding] = []
        guard let parsed = ParsedFile.read(file, findings: &findings) else { return findings }
        var rootFindings: [Finding] = []
        let rootVerifier = RootVerifier(options: options)
        let ring = rootVerifier.ring(for: root, file: file.name, findings: &rootFindings)
        guard let targets = readTargets(parsed, role: "targets", dialect: root.dialect, findings: &findings),
              let role = root.roles["targets"] else {
            if root.roles["targets"] == nil {
                findings.append(Finding(file: file.name, role: "targets", check: .role, detail: "root defines no targets role"))
            }
            return findings
        }
        checkSignatures(parsed, role: "targets", roleKeys: role, ring: ring, dialect: root.dialect, findings: &findings)
        check(targets, role: "targets", file: parsed.name, findings: &findings)

        // Breadth-first over delegations; each role is verified once.
        var queue: [(TargetsMetadata, String, Int, DelegationScope)] = [(targets, "targets", 0, DelegationScope(dialect: root.dialect))]
        var visited: Set<String> = ["targets"]
        var loaded: [String: TargetsMetadata] = ["targets": targets]
        var scoped: [(role: String, file: String, targets: TargetsMetadata, scope: DelegationScope)] = []
        var next = 0
        while next < queue.count {
            let (delegator, delegatorName, depth, delegatorScope) = queue[next]
            next += 1
            guard let delegations = delegator.delegations, let roles = delegations.roles,
                  depth < Self.maximumDelegationDepth else { continue }
            // Key problems were reported when the delegator's file was checked.
            var alreadyReported: [Finding] = []
            let delegationRing = KeyRing(keys: delegations.keys, dialect: root.dialect,
                                         keyIDsInUse: Set(roles.flatMap(\.keyIDs)), file: file.name,
                                         role: delegatorName, gun: nil, at: options.at, findings: &alreadyReported)
            for role in roles where !visited.contains(role.name) {
                guard let roleFile = delegated[role.name] else { continue }
                visited.insert(role.name)
                guard let roleParsed = ParsedFile.read(roleFile, findings: &findings),
                      let roleTargets = readTargets(roleParsed, role: role.name, dialect: root.dialect, findings: &findings)
                else { continue }
                checkSignatures(roleParsed, role: role.name, roleKeys: role.roleKeys, ring: delegationRing,
                                dialect: root.dialect, findings: &findings)
                check(roleTargets, role: role.name, file: roleParsed.name, findings: &findings)
                let scope = delegatorScope.narrowed(by: role)
                loaded[role.name] = roleTargets
                scoped.append((role.name, roleParsed.name, roleTargets, scope))
                queue.append((roleTargets, role.name, depth + 1, scope))
            }
        }
        checkPaths(scoped, loaded: loaded, dialect: root.dialect, findings: &findings)
        return findings
    }

    /// Targets a client would never take from the delegated role that lists them: outside
    /// the paths delegated to it, or (TUF) cut off by a terminating delegation before the
    /// client's search reaches the role.
    ///
    /// python-tuf's search stops early only at a terminating delegation or after 32 roles,
    /// so it is simulated only when one of those can happen; otherwise the paths decide.
    private func checkPaths(_ scoped: [(role: String, file: String, targets: TargetsMetadata, scope: DelegationScope)],
                            loaded: [String: TargetsMetadata], dialect: Dialect, findings: inout [Finding]) {
        let delegationEntries = loaded.values.reduce(0) { $0 + ($1.delegations?.roles?.count ?? 0) }
        let walkMatters = dialect == .tuf && (delegationEntries + 1 > DelegationWalk.maximumVisits
            || loaded.values.contains { $0.delegations?.roles?.contains { $0.terminating == true } ?? false })
        for (role, file, targets, scope) in scoped {
            for member in targets.targets.members {
                if !scope.contains(member.name) {
                    findings.append(Finding(file: file, role: role, check: .delegation,
                                            detail: "target \(member.name) is outside the paths delegated to \(role); clients never take it from this role"))
                } else if walkMatters, !DelegationWalk.reaches(role, for: member.name, roles: loaded) {
                    findings.append(Finding(file: file, role: role, check: .delegation,
                                            detail: "target \(member.name) is never reached in \(role): python-tuf's search for it stops at a terminating delegation (or after \(DelegationWalk.maximumVisits) roles) first"))
                }
            }
        }
    }

    private func readTargets(_ file: ParsedFile, role: String, dialect: Dialect, findings: inout [Finding]) -> TargetsMetadata? {
        do {
            let targets = try TargetsMetadata(signed: file.envelope.signed)
            guard targets.dialect == dialect else {
                findings.append(Finding(file: file.name, role: role, check: .dialect,
                                        detail: "file is \(targets.dialect.rawValue) metadata, root is \(dialect.rawValue)"))
                return nil
            }
            return targets
        } catch {
            findings.append(Finding(file: file.name, role: role, check: .malformed, detail: error.description))
            return nil
        }
    }

    private func checkSignatures(_ file: ParsedFile, role: String, roleKeys: RoleKeys, ring: KeyRing, dialect: Dialect,
                                 findings: inout [Finding]) {
        let count = SignatureCounter.count(file.envelope.signatures, message: file.message, role: role,
                                           roleKeys: roleKeys, ring: ring, dialect: dialect, file: file.name,
                                           findings: &findings)
        if count < roleKeys.threshold {
            findings.append(Finding(file: file.name, role: role, check: .threshold,
                                    detail: "signed by \(count) distinct keys of the role; the threshold is \(roleKeys.threshold)"))
        }
    }

    /// Expiry, target entries and delegation structure of one targets file.
    func check(_ targets: TargetsMetadata, role: String, file: String, findings: inout [Finding]) {
        if targets.expires.isExpired(at: options.at) {
            findings.append(Finding(file: file, role: role, check: .expiry, detail: "expired at \(targets.expires.text)"))
        }
        if targets.version < 1 {
            findings.append(Finding(file: file, role: role, check: .version, detail: "version must be at least 1"))
        }
        if targets.dialect == .notary {
            // notary-server hashes its own re-encoding of the file for the snapshot; without
            // `delegations` that re-encoding differs and clients fail the checksum.
            if targets.delegations == nil {
                findings.append(Finding(file: file, role: role, check: .malformed,
                                        detail: "Notary targets must carry delegations (empty keys and roles if none); notary-server re-encodes them and clients would fail the checksum"))
            }
            if targets.unknownFields.count > 0 {
                findings.append(Finding(file: file, role: role, check: .malformed, severity: .notice,
                                        detail: "fields \(targets.unknownFields.names) are unknown to notary and are dropped when notary-server re-encodes the file"))
            }
        }
        for member in targets.targets.members {
            if let problem = Self.problem(withTarget: member.value, dialect: targets.dialect) {
                findings.append(Finding(file: file, role: role, check: .target, detail: "target \(member.name): \(problem)"))
            }
        }
        if let delegations = targets.delegations {
            var ringFindings: [Finding] = []
            let inUse = Set((delegations.roles ?? []).flatMap(\.keyIDs))
                .union(delegations.succinctRoles?["keyids"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let ring = KeyRing(keys: delegations.keys, dialect: targets.dialect, keyIDsInUse: inUse, file: file,
                               role: role, gun: nil, at: options.at, findings: &ringFindings)
            findings += ringFindings
            DelegationRules.check(delegations, delegator: role, dialect: targets.dialect, ring: ring, file: file,
                                  findings: &findings)
        }
    }

    /// What is wrong with one target entry, if anything.
    static func problem(withTarget value: JSONValue, dialect: Dialect) -> String? {
        guard let object = value.objectValue else { return "entry is not an object" }
        guard let length = object["length"]?.integerValue, length >= 0 else { return "length is not a non-negative integer" }
        guard let hashes = object["hashes"]?.objectValue, hashes.count > 0 else { return "hashes are missing" }
        for hash in hashes.members {
            guard let text = hash.value.stringValue else { return "hash \(hash.name) is not a string" }
            let decodes = dialect == .tuf ? ByteEncoding.isHex(text) : ByteEncoding.decodeBase64(text) != nil
            if !decodes { return "hash \(hash.name) is not \(dialect == .tuf ? "hex" : "base64")" }
        }
        if let custom = object["custom"], custom.objectValue == nil, !custom.isNull {
            return "custom is not an object"
        }
        return nil
    }
}
