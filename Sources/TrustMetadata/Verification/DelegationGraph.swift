/// The delegated targets roles of one repository as a client loads them: each delegation
/// edge (role, delegator) checked once, on demand, as python-tuf's `_load_targets` and
/// `TrustedMetadataSet.update_delegated_targets` check it.
///
/// A load fails when the role is not in snapshot.json (TUF), its file is missing, cannot
/// be read, does not match the snapshot (version, length, hashes), is not signed by a
/// threshold of the keys this delegator lists for it, or has expired. Each file is read
/// and checked once, whichever edge reaches it first; signatures are checked per edge.
struct DelegationGraph {
    enum Load {
        case loaded(TargetsMetadata)
        /// Why the client refuses the role.
        case failed(String)
    }

    let verifier: TargetsVerifier
    let dialect: Dialect
    let files: RoleFiles
    let snapshot: SnapshotListing?
    let topLevel: DelegationEdge
    let topLevelLoad: Load

    /// Every role file read, by role name (loaded or not), for searching and listing targets.
    private(set) var metadata: [String: TargetsMetadata]
    /// Files read and checked, in order.
    private(set) var checkedFiles: [String] = []
    private(set) var fileNames: [String: String] = [:]
    var findings: [Finding] = []
    private var loads: [DelegationEdge: Load] = [:]
    private var parsed: [String: (ParsedFile, TargetsMetadata)?] = [:]
    private var rings: [String: KeyRing] = [:]
    private var reported: Set<String> = []

    init(verifier: TargetsVerifier, dialect: Dialect, files: RoleFiles, snapshot: SnapshotListing?,
         topLevel: DelegationEdge, targets: TargetsMetadata, targetsFile: String, topLevelLoad: Load) {
        self.verifier = verifier
        self.dialect = dialect
        self.files = files
        self.snapshot = snapshot
        self.topLevel = topLevel
        self.topLevelLoad = topLevelLoad
        metadata = ["targets": targets]
        fileNames = ["targets": targetsFile]
    }

    /// Whether a client could find a file for `role`: snapshot.json lists it or it is present.
    func exists(_ role: String) -> Bool {
        if snapshot?.entry(for: role) != nil { return true }
        return files.file(for: role, listedVersion: nil).file != nil
    }

    /// The file name findings about `role` go under.
    func fileName(of role: String) -> String {
        fileNames[role] ?? snapshot?.file ?? role
    }

    /// Loads `edge` as the client would, once.
    mutating func load(_ edge: DelegationEdge) -> Load {
        if edge == topLevel { return topLevelLoad }
        if let known = loads[edge] { return known }
        let load = loadOnce(edge)
        loads[edge] = load
        return load
    }

    private mutating func loadOnce(_ edge: DelegationEdge) -> Load {
        let role = edge.role
        let entry = snapshot?.entry(for: role)
        var failure: String?
        if let snapshot, entry == nil {
            failure = "\(snapshot.key(for: role)) is not in snapshot.json"
        }
        let (name, found) = files.file(for: role, listedVersion: entry?.version)
        if let snapshot, entry == nil, reportOnce("snapshot \(role)"), dialect == .tuf || found != nil {
            findings.append(Finding(file: snapshot.file, role: role, check: .snapshot, severity: dialect == .tuf ? .error : .notice,
                                    detail: dialect == .tuf
                                        ? "\(role) is delegated by \(edge.delegator) but snapshot.json does not list \(snapshot.key(for: role)); python-tuf refuses to load it (\"delegated but is not part of snapshot\")"
                                        : "\(role) is present but snapshot.json does not list it; notary clients never load it"))
        }
        guard let found else {
            let reason = failure ?? "the client fetches \(name), which is not in the repository"
            if failure == nil, snapshot != nil, reportOnce("missing \(role)") {
                findings.append(Finding(file: snapshot!.file, role: role, check: .snapshot, severity: .notice,
                                        detail: "snapshot.json lists \(snapshot!.key(for: role)) but \(name) is not here to check"))
            }
            return .failed(reason)
        }
        fileNames[role] = found.name
        guard let (file, targets) = parse(found, role: role) else { return .failed(failure ?? "\(name) cannot be read as targets metadata") }
        if let snapshot, entry != nil, let problem = snapshot.problem(role: role, bytes: found.bytes, version: targets.version) {
            if reportOnce("snapshot-match \(role)") {
                findings.append(Finding(file: found.name, role: role, check: .snapshot, detail: problem))
            }
            failure = failure ?? problem
        }
        let ring = ring(for: edge.delegator)
        var signatureFindings: [Finding] = []
        let count = verifier.countSignatures(file, role: role, roleKeys: edge.roleKeys, ring: ring, dialect: dialect,
                                             findings: &signatureFindings)
        if count < edge.roleKeys.threshold {
            let keyCount = Set(edge.roleKeys.keyIDs).count
            signatureFindings.append(Finding(file: found.name, role: role, check: .threshold,
                                             detail: "signed by \(count) of the \(keyCount) keys \(edge.delegator) delegates \(role) to; the threshold is \(edge.roleKeys.threshold)"))
            failure = failure ?? "signed by \(count) of the \(keyCount) keys \(edge.delegator) lists; the threshold is \(edge.roleKeys.threshold)"
        }
        for finding in signatureFindings where reportOnce("\(edge.delegator) \(role) \(finding.description)") {
            findings.append(finding)
        }
        if targets.expires.isExpired(at: verifier.options.at) {
            failure = failure ?? "expired at \(targets.expires.text)"
        }
        if dialect == .tuf, let delegations = targets.delegations, let refusal = DelegationRules.pythonTUFRefusal(delegations) {
            failure = failure ?? "python-tuf cannot read it: \(refusal)"
        }
        return failure.map(Load.failed) ?? .loaded(targets)
    }

    /// Reads and checks a role's file once.
    private mutating func parse(_ file: MetadataFile, role: String) -> (ParsedFile, TargetsMetadata)? {
        if let known = parsed[file.name] { return known }
        checkedFiles.append(file.name)
        var result: (ParsedFile, TargetsMetadata)?
        if let parsedFile = ParsedFile.read(file, findings: &findings),
           let targets = verifier.readTargets(parsedFile, role: role, dialect: dialect, findings: &findings) {
            verifier.check(targets, role: role, file: parsedFile.name, findings: &findings)
            metadata[role] = targets
            result = (parsedFile, targets)
        }
        parsed[file.name] = result
        return result
    }

    /// The delegator's delegation keys; their problems were reported with its file.
    private mutating func ring(for delegator: String) -> KeyRing {
        if let ring = rings[delegator] { return ring }
        var ignored: [Finding] = []
        let delegations = metadata[delegator]?.delegations
        let ring = KeyRing(keys: delegations?.keys ?? [:], dialect: dialect, keyIDsInUse: [], file: fileName(of: delegator),
                           role: delegator, gun: nil, at: verifier.options.at, findings: &ignored)
        rings[delegator] = ring
        return ring
    }

    private mutating func reportOnce(_ key: String) -> Bool {
        reported.insert(key).inserted
    }
}
