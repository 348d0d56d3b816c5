import Crypto
import Foundation

/// Verifies targets metadata against a trusted root, then every delegated role a client
/// could load, and resolves each listed target as the client would.
///
/// Delegated role files come from ``RoleFiles``, never from a path derived from
/// metadata, so a hostile role name cannot reach outside the directory being verified.
public struct TargetsVerifier: Sendable {
    /// What verifying targets found.
    public struct Report: Sendable {
        public var findings: [Finding] = []
        /// Files read and checked, in order (targets first).
        public var files: [String] = []
        /// Every target path listed in any role file read, as a client resolves it, by path.
        public var resolutions: [TargetResolution] = []
    }

    public var options: VerificationOptions

    public init(options: VerificationOptions) {
        self.options = options
    }

    /// Verifies top-level `targets` with `root`, and each delegated role found in `delegated`
    /// (role name → file) with its delegators' keys. No snapshot is checked.
    public func verify(_ file: MetadataFile, root: RootMetadata, delegated: [String: MetadataFile] = [:]) -> [Finding] {
        verify(file, root: root, files: RoleFiles(byRole: delegated, dialect: root.dialect)).findings
    }

    /// Verifies top-level `targets` and every delegated role reachable from it in the
    /// delegation graph, then resolves every listed target as a client would.
    ///
    /// - Parameters:
    ///   - snapshot: the repository's snapshot, if any: every role a client loads must be
    ///     listed there, at the version (and length and hashes) it lists.
    ///   - topLevelProblem: why a client cannot even start (snapshot or timestamp refused), if so.
    public func verify(_ file: MetadataFile, root: RootMetadata, files: RoleFiles, snapshot: TimelinessMetadata? = nil,
                       snapshotFile: String = "snapshot.json", topLevelProblem: String? = nil) -> Report {
        var report = Report()
        report.files.append(file.name)
        guard let parsed = ParsedFile.read(file, findings: &report.findings) else { return report }
        var rootFindings: [Finding] = []
        let ring = RootVerifier(options: options).ring(for: root, file: file.name, findings: &rootFindings)
        guard let targets = readTargets(parsed, role: "targets", dialect: root.dialect, findings: &report.findings),
              let role = root.roles["targets"] else {
            if root.roles["targets"] == nil {
                report.findings.append(Finding(file: file.name, role: "targets", check: .role, detail: "root defines no targets role"))
            }
            return report
        }
        var failure = topLevelProblem
        // The signatures and the entries are independent: both are checked at once, and the
        // findings are reported in the usual order.
        let dialect = root.dialect
        let (verdicts, entryProblems) = ParallelWork.both(
            { SignatureCounter.verdicts(parsed.envelope.signatures, message: parsed.message, roleKeys: role, ring: ring, dialect: dialect) },
            { Self.entryProblems(targets) })
        let count = SignatureCounter.count(parsed.envelope.signatures, message: parsed.message, role: "targets", roleKeys: role,
                                           ring: ring, dialect: dialect, file: parsed.name, verdicts: verdicts,
                                           findings: &report.findings)
        if count < role.threshold {
            report.findings.append(Finding(file: file.name, role: "targets", check: .threshold,
                                           detail: "signed by \(count) distinct keys of the role; the threshold is \(role.threshold)"))
            failure = failure ?? "signed by \(count) of its keys; the threshold is \(role.threshold)"
        }
        check(targets, role: "targets", file: parsed.name, entryProblems: entryProblems, findings: &report.findings)
        if targets.expires.isExpired(at: options.at) { failure = failure ?? "expired at \(targets.expires.text)" }
        if root.dialect == .tuf, let delegations = targets.delegations, let refusal = DelegationRules.pythonTUFRefusal(delegations) {
            failure = failure ?? "python-tuf cannot read it: \(refusal)"
        }
        let listing = snapshot.map { SnapshotListing($0, file: snapshotFile) }
        if let listing {
            if listing.entry(for: "targets") == nil {
                report.findings.append(Finding(file: snapshotFile, role: "targets", check: .snapshot,
                                               detail: "snapshot.json does not list \(listing.key(for: "targets")); clients refuse the targets role"))
                failure = failure ?? "\(listing.key(for: "targets")) is not in snapshot.json"
            } else if let problem = listing.problem(role: "targets", bytes: file.bytes, version: targets.version) {
                report.findings.append(Finding(file: file.name, role: "targets", check: .snapshot, detail: problem))
                failure = failure ?? problem
            }
        }
        let topLevel = DelegationEdge.topLevel(role)
        var graph = DelegationGraph(verifier: self, dialect: root.dialect, files: files, snapshot: listing,
                                    topLevel: topLevel, targets: targets, targetsFile: file.name,
                                    topLevelLoad: failure.map(DelegationGraph.Load.failed) ?? .loaded(targets))
        explore(&graph)
        report.resolutions = resolve(&graph)
        report.findings += graph.findings
        report.files += graph.checkedFiles
        return report
    }

    /// Loads every edge reachable from targets, whatever the paths, so every role file a
    /// client could load is checked (breadth-first; each role's delegations followed once).
    private func explore(_ graph: inout DelegationGraph) {
        var queue = ["targets"]
        var explored: Set<String> = ["targets"]
        var next = 0
        while next < queue.count {
            let name = queue[next]
            next += 1
            guard let delegator = graph.metadata[name] else { continue }
            let edges = delegator.edges(from: name, binExists: { graph.exists($0) })
            for edge in edges {
                _ = graph.load(edge)
                if graph.metadata[edge.role] != nil, explored.insert(edge.role).inserted { queue.append(edge.role) }
            }
        }
    }

    /// Resolves every listed target, and reports listings a client never takes and the
    /// targets a client loses to a role it cannot load.
    private func resolve(_ graph: inout DelegationGraph) -> [TargetResolution] {
        let listedIn = Self.listings(graph.metadata)
        var resolutions: [TargetResolution] = []
        var lost: [String: (delegator: String, reason: String, targets: [String])] = [:]
        resolutions.reserveCapacity(listedIn.count)
        // A path the top-level role lists is found there at the first step of either client's
        // search, when that role loads (the search's own first step, without its bookkeeping).
        var topLevel: TargetsMetadata?
        if case .loaded(let targets) = graph.topLevelLoad { topLevel = targets }
        var cursor = 0  // paths come in the top-level map's order when it lists them all
        for (path, roles) in listedIn {
            let search = topLevel?.entries.contains(path, cursor: &cursor) == true
                ? DelegationWalk.Result(outcome: .found(role: "targets"), visited: [])
                : DelegationWalk.search(path, stopAtListing: true, graph: &graph)
            resolutions.append(TargetResolution(path: path, outcome: search.outcome))
            if case .failed(let role, let delegator, let reason) = search.outcome, graph.dialect == .tuf {
                lost[role, default: (delegator, reason, [])].targets.append(path)
            }
            let delegatedRoles = roles.filter { $0 != "targets" }
            guard !delegatedRoles.isEmpty else { continue }
            let reach = DelegationWalk.search(path, stopAtListing: false, graph: &graph)
            if case .failed = reach.outcome { continue }  // reported with what the client loses
            let reached = Set(reach.visited)
            for role in delegatedRoles where !reached.contains(role) {
                let file = graph.fileName(of: role)
                if !DelegationWalk.covered(path, in: role, graph: graph) {
                    graph.findings.append(Finding(file: file, role: role, check: .delegation,
                                                  detail: "target \(path) is outside the paths delegated to \(role); clients never take it from this role"))
                } else if graph.dialect == .tuf {
                    graph.findings.append(Finding(file: file, role: role, check: .delegation,
                                                  detail: "target \(path) is never reached in \(role): python-tuf's search for it stops at a terminating delegation (or after \(DelegationWalk.maximumDelegatedRoles) roles) first"))
                }
            }
        }
        for (role, loss) in lost.sorted(by: { $0.key < $1.key }) {
            let shown = loss.targets.prefix(10).joined(separator: ", ")
            let more = loss.targets.count > 10 ? " and \(loss.targets.count - 10) more" : ""
            graph.findings.append(Finding(file: graph.fileName(of: role), role: role, check: .delegation,
                                          detail: "a client's search fails at \(role) (delegated by \(loss.delegator)): \(loss.reason); it cannot resolve \(shown)\(more)"))
        }
        return resolutions
    }

    /// Every listed target path with the roles that list it (in role-name order), sorted by
    /// path as `String` sorts (canonically equivalent names are one path).
    ///
    /// When one role lists every target and its names are ASCII in strictly ascending byte
    /// order, as python-tuf and notary write them, that order is already the sorted one and
    /// no name can merge with another, so the members are taken as they are: the same list,
    /// without hashing and sorting 100,000 names.
    static func listings(_ metadata: [String: TargetsMetadata]) -> [(key: String, value: [String])] {
        let listing = metadata.filter { $0.value.entries.count > 0 }
        if listing.count == 1, let (role, targets) = listing.first {
            let names = targets.entries.names
            if names.sortedASCII {
                let roles = [role]
                return names.paths.map { (key: $0, value: roles) }
            }
        }
        var listedIn: [String: [String]] = [:]
        for (role, targets) in metadata.sorted(by: { $0.key < $1.key }) {
            for path in targets.entries.names.paths { listedIn[path, default: []].append(role) }
        }
        return listedIn.sorted(by: { $0.key < $1.key })
    }

    func readTargets(_ file: ParsedFile, role: String, dialect: Dialect, findings: inout [Finding]) -> TargetsMetadata? {
        do {
            let targets = try TargetsMetadata(signed: file.envelope.signed, targets: file.targetEntries)
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

    /// How many distinct keys of `roleKeys` validly signed the file.
    func countSignatures(_ file: ParsedFile, role: String, roleKeys: RoleKeys, ring: KeyRing, dialect: Dialect,
                         findings: inout [Finding]) -> Int {
        SignatureCounter.count(file.envelope.signatures, message: file.message, role: role, roleKeys: roleKeys, ring: ring,
                               dialect: dialect, file: file.name, findings: &findings)
    }

    /// Expiry, target entries and delegation structure of one targets file.
    ///
    /// - Parameter entryProblems: ``entryProblems(_:)``, if already worked out.
    func check(_ targets: TargetsMetadata, role: String, file: String, entryProblems: [(path: String, problem: String)]? = nil,
               findings: inout [Finding]) {
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
        for (path, problem) in entryProblems ?? Self.entryProblems(targets) {
            findings.append(Finding(file: file, role: role, check: .target, detail: "target \(path): \(problem)"))
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

    /// What is wrong with each target entry, in the map's order.
    static func entryProblems(_ targets: TargetsMetadata) -> [(path: String, problem: String)] {
        targets.entries.problems(dialect: targets.dialect) { problem(withTarget: $0, dialect: targets.dialect) }
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
