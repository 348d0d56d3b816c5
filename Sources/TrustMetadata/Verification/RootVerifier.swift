import Foundation

/// Verifies root metadata: one root on its own, one rotation, or a whole chain.
///
/// The chain rule is the TUF client's: version N+1 must be signed by a threshold of
/// version N's root keys and by a threshold of its own, and must be exactly N+1.
/// Only the newest root's expiry matters, as a client only stops at the newest.
public struct RootVerifier: Sendable {
    public var options: VerificationOptions

    public init(options: VerificationOptions) {
        self.options = options
    }

    /// The result of verifying a chain.
    public struct ChainResult: Sendable {
        /// The newest root that verified, which later checks (targets) trust.
        public var newest: RootMetadata?
        /// The file it came from.
        public var newestFile: String?
        public var findings: [Finding]
    }

    /// Verifies roots in version order starting from `trusted` (itself verified
    /// against its own keys) or, without it, from the lowest version given.
    ///
    /// Files are read once, each root's keys are decoded once, and each distinct
    /// (key, signature, file) is checked once — version N+1 is counted under N's keys and
    /// under its own, and a key in both is not checked twice — so time and memory grow
    /// linearly with the number of versions. Reading the files and checking the signatures
    /// are spread over all cores ahead of the walk (``ParallelWork``); the walk itself runs
    /// in order and reports exactly what checking one file after another would.
    public func verifyChain(_ files: [MetadataFile], trusted: MetadataFile? = nil) -> ChainResult {
        var findings: [Finding] = []
        var parsed: [ChainRoot] = []
        // The parsed roots are released on another thread, beside whatever comes next.
        defer { ParallelWork.releaseElsewhere(parsed) }
        let memo = KeyDecodingMemo()
        let values = ParsedValueMemo()
        let rings = KeyRingMemo()
        let reads = ParallelWork.map(files.count) { index in
            readChainRoot(files[index], memo: memo, values: values, rings: rings, checkingAhead: true)
        }
        for read in reads {
            findings += read.findings
            if let root = read.root { parsed.append(root) }
        }
        parsed.sort { $0.root.version < $1.root.version }

        var current: ChainRoot
        if let trusted {
            let read = readChainRoot(trusted, memo: memo, values: values, rings: rings, checkingAhead: true)
            findings += read.findings
            guard var trustedRoot = read.root else {
                return ChainResult(newest: nil, newestFile: nil, findings: findings)
            }
            let given = parsed
            parsed.removeAll { $0.root.version <= trustedRoot.root.version }
            precomputeRotations(first: &trustedRoot, then: &parsed)
            checkRoot(trustedRoot, findings: &findings)
            checkAgainstTrusted(given, trusted: trustedRoot.root, trustedFile: trustedRoot.file.name, findings: &findings)
            current = trustedRoot
        } else if var first = parsed.first {
            parsed.removeFirst()
            precomputeRotations(first: &first, then: &parsed)
            checkRoot(first, findings: &findings)
            current = first
        } else {
            return ChainResult(newest: nil, newestFile: nil, findings: findings)
        }
        var currentIndex = -1  // in `parsed`; -1 is the first (or trusted) root
        for (index, next) in parsed.enumerated() {
            let (file, root) = (next.file, next.root)
            if root.version == current.root.version {
                if root.signed != current.root.signed {
                    findings.append(Finding(file: file.name, role: "root", check: .version,
                                            detail: "two different roots claim version \(root.version) (also \(current.file.name))"))
                } else if file.bytes != current.file.bytes {
                    // root.json and N.root.json are one file twice; a copy with other signatures
                    // (or bytes) would otherwise never be checked.
                    findings.append(Finding(file: file.name, role: "root", check: .version,
                                            detail: "claims version \(root.version) as \(current.file.name) does, but the two files are not byte-identical"))
                    // Every file is verified on its own: this copy's own signatures too.
                    checkRoot(next, findings: &findings)
                }
                continue
            }
            let before = findings.count
            if let rotation = next.rotation, rotation.from == currentIndex {
                findings += rotation.findings
            } else {
                checkRotation(from: current.root, ring: current.ring, to: next, findings: &findings)
            }
            if findings[before...].contains(where: { $0.severity == .error }) {
                // A client stops at the first root it cannot accept.
                return ChainResult(newest: current.root, newestFile: current.file.name, findings: findings)
            }
            (current, currentIndex) = (next, index)
        }
        checkExpiry(current.root.expires, role: "root", file: current.file.name, findings: &findings)
        return ChainResult(newest: current.root, newestFile: current.file.name, findings: findings)
    }

    /// One root of a chain: its file, its model and its key ring, each made once. The ring's
    /// findings are kept to be reported where ``checkRoot(_:findings:)`` reports them.
    ///
    /// What is read once is held by reference: the walk copies roots as it goes, and a copy
    /// then costs one retain, not one for every array and dictionary inside.
    struct ChainRoot: Sendable {
        private final class Parts: Sendable {
            let file: ParsedFile
            let root: RootMetadata
            let ring: KeyRing
            let ringFindings: [Finding]

            init(file: ParsedFile, root: RootMetadata, ring: KeyRing, ringFindings: [Finding]) {
                self.file = file
                self.root = root
                self.ring = ring
                self.ringFindings = ringFindings
            }
        }

        private let parts: Parts
        var file: ParsedFile { parts.file }
        var root: RootMetadata { parts.root }
        var ring: KeyRing { parts.ring }
        var ringFindings: [Finding] { parts.ringFindings }
        /// Verdicts on the file's signatures worked out ahead of the walk, by position.
        var verdicts: [SignatureVerdict?] = []
        /// What ``checkRoot(_:findings:)`` finds, worked out while reading (``readChainRoot(_:memo:values:rings:checkingAhead:)``).
        var ownFindings: [Finding]?
        /// What the walk finds when it comes to this root from the root at `from` (an index
        /// into the roots after the first, -1 for the first), worked out ahead of it.
        var rotation: (from: Int, findings: [Finding])?

        init(file: ParsedFile, root: RootMetadata, ring: KeyRing, ringFindings: [Finding]) {
            parts = Parts(file: file, root: root, ring: ring, ringFindings: ringFindings)
        }
    }


    /// Reads one root file into a ``ChainRoot``, or the findings that stop it.
    ///
    /// - Parameters:
    ///   - memo: keys already decoded in this verification (``KeyDecodingMemo``).
    ///   - values: `signed.keys` and `signed.roles` already parsed in it (``ParsedValueMemo``).
    ///   - rings: key rings already made in it (``KeyRingMemo``).
    ///   - checkingAhead: also check the signatures by the root's own root keys and
    ///     work out what ``checkRoot(_:findings:)`` finds (both depend on this root alone), so
    ///     that a chain does that work on all cores while it reads, for the walk to report in order.
    func readChainRoot(_ file: MetadataFile, memo: KeyDecodingMemo? = nil, values: ParsedValueMemo? = nil,
                       rings: KeyRingMemo? = nil, checkingAhead: Bool = false) -> (findings: [Finding], root: ChainRoot?) {
        var findings: [Finding] = []
        guard let parsed = ParsedFile.read(file, memo: values, findings: &findings),
              let root = readRoot(parsed, findings: &findings) else { return (findings, nil) }
        var ringFindings: [Finding] = []
        let source = rings == nil ? nil : KeyRingMemo.Source(parsed, dialect: root.dialect)
        let ring: KeyRing
        if let source, let known = rings?.ring(for: source) {
            ring = known
        } else {
            ring = self.ring(for: root, file: parsed.name, memo: memo, findings: &ringFindings)
            if let source, ringFindings.isEmpty { rings?.keep(ring, for: source) }
        }
        var chainRoot = ChainRoot(file: parsed.droppingSignedTree(), root: root, ring: ring, ringFindings: ringFindings)
        if checkingAhead, let role = root.roles["root"] {
            chainRoot.verdicts = SignatureCounter.verdicts(chainRoot.file.envelope.signatures, message: chainRoot.file.message, roleKeys: role,
                                                           ring: ring, dialect: root.dialect)
            var own: [Finding] = []
            checkRoot(chainRoot, findings: &own)
            chainRoot.ownFindings = own
        }
        return (findings, chainRoot)
    }

    /// Works out on all cores what the walk will find at each root of `rest`, coming from the
    /// root it will have accepted last: the last root before it with another version (the
    /// walk passes over repeats of a version). That is each signature by that root's keys not
    /// checked while reading (those by the root's own keys were), the count under its keys,
    /// and the root's own findings. The walk stops at the first root it refuses, so what
    /// is worked out past that point is not reported; and a root the walk reaches from
    /// another root than foreseen is checked when it gets there, so this never changes what
    /// is reported, only when the work is done.
    private func precomputeRotations(first: inout ChainRoot, then rest: inout [ChainRoot]) {
        var from: [Int] = []
        from.reserveCapacity(rest.count)
        var accepted = -1
        for (index, root) in rest.enumerated() {
            from.append(accepted)
            let acceptedVersion = accepted < 0 ? first.root.version : rest[accepted].root.version
            if root.root.version != acceptedVersion { accepted = index }
        }
        let (firstRoot, roots, previousOf) = (first, rest, from)
        let results = ParallelWork.map(rest.count + 1) { slot -> (verdicts: [SignatureVerdict?], findings: [Finding]?) in
            let index = slot - 1
            var root = index < 0 ? firstRoot : roots[index]
            let previous = index < 0 ? nil : (previousOf[index] < 0 ? firstRoot : roots[previousOf[index]])
            root.verdicts = remainingVerdicts(of: root, previous: previous)
            guard let previous, root.root.version != previous.root.version else { return (root.verdicts, nil) }
            var findings: [Finding] = []
            checkRotation(from: previous.root, ring: previous.ring, to: root, findings: &findings)
            return (root.verdicts, findings)
        }
        first.verdicts = results[0].verdicts
        for index in rest.indices {
            rest[index].verdicts = results[index + 1].verdicts
            rest[index].rotation = results[index + 1].findings.map { (from[index], $0) }
        }
    }

    /// `root`'s verdicts with the signatures by root keys of `root` or `previous` that
    /// reading did not check (those by `previous`'s keys alone) checked now.
    private func remainingVerdicts(of root: ChainRoot, previous: ChainRoot?) -> [SignatureVerdict?] {
        let signatures = root.file.envelope.signatures
        var verdicts = root.verdicts.isEmpty ? Array(repeating: nil, count: signatures.count) : root.verdicts
        var allowed = Set(root.root.roles["root"]?.keyIDs ?? [])
        if let previous { allowed.formUnion(previous.root.roles["root"]?.keyIDs ?? []) }
        for (position, signature) in signatures.enumerated() where verdicts[position] == nil && allowed.contains(signature.keyID) {
            let source = root.ring.usable[signature.keyID] != nil ? root.ring : previous?.ring
            guard let source, let material = source.usable[signature.keyID] else { continue }
            let problem = SignatureCounter.problem(with: signature, material: material, scheme: source.schemes[signature.keyID],
                                                   message: root.file.message, dialect: root.root.dialect)
            verdicts[position] = problem.map(SignatureVerdict.invalid) ?? .valid
        }
        return verdicts
    }

    /// Findings for roots given alongside a trusted root that do not move forward from it.
    ///
    /// A client that already trusts version N never looks at N or below again, so those
    /// files would otherwise be skipped without a word, and `verify FILE --trusted-root T`
    /// would pass for any FILE not newer than T. Another root with T's version but other
    /// content is a fork, and when even the newest root given is older than T the input
    /// is a rollback. Older roots next to newer ones are only history and pass, as does a
    /// copy of T itself (same `signed` content).
    private func checkAgainstTrusted(_ roots: [ChainRoot], trusted: RootMetadata, trustedFile: String,
                                     findings: inout [Finding]) {
        for (file, root) in roots.map({ ($0.file, $0.root) }) where root.version == trusted.version && root.signed != trusted.signed {
            findings.append(Finding(file: file.name, role: "root", check: .version,
                                    detail: "fork: version \(root.version) differs from the trusted root \(trustedFile) of the same version"))
        }
        if let newest = roots.last, newest.root.version < trusted.version {
            findings.append(Finding(file: newest.file.name, role: "root", check: .version,
                                    detail: "rollback: version \(newest.root.version) is older than the trusted root \(trustedFile) (version \(trusted.version)); a client that trusts it would never go back"))
        }
    }

    /// Checks that `next` may replace `previous`: version, both thresholds, and structure.
    public func verifyRotation(from previous: RootMetadata, to next: MetadataFile) -> [Finding] {
        var (findings, root) = readChainRoot(next)
        guard let root else { return findings }
        var ignored: [Finding] = []
        checkRotation(from: previous, ring: ring(for: previous, file: next.name, findings: &ignored), to: root, findings: &findings)
        return findings
    }

    /// Checks one root against its own keys (a first or trusted root), including expiry.
    public func verifySelfSigned(_ file: MetadataFile) -> (root: RootMetadata?, findings: [Finding]) {
        var (findings, root) = readChainRoot(file)
        guard let root else { return (nil, findings) }
        checkRoot(root, findings: &findings)
        checkExpiry(root.root.expires, role: "root", file: root.file.name, findings: &findings)
        return (root.root, findings)
    }

    // MARK: Checks

    func readRoot(_ file: ParsedFile, findings: inout [Finding]) -> RootMetadata? {
        do {
            let root = try RootMetadata(signed: file.envelope.signed)
            if let expected = options.dialect, root.dialect != expected {
                findings.append(Finding(file: file.name, role: "root", check: .dialect,
                                        detail: "file is \(root.dialect.rawValue) metadata, expected \(expected.rawValue)"))
                return nil
            }
            return root
        } catch {
            findings.append(Finding(file: file.name, role: "root", check: .malformed, detail: error.description))
            return nil
        }
    }

    /// - Parameter previousRing: the usable keys of `previous` (``ring(for:file:findings:)``).
    private func checkRotation(from previous: RootMetadata, ring previousRing: KeyRing, to next: ChainRoot,
                               findings: inout [Finding]) {
        let (root, file) = (next.root, next.file)
        if root.dialect != previous.dialect {
            findings.append(Finding(file: file.name, role: "root", check: .dialect,
                                    detail: "dialect changed from \(previous.dialect.rawValue) to \(root.dialect.rawValue)"))
            return
        }
        if root.version != previous.version + 1 {
            findings.append(Finding(file: file.name, role: "root", check: .version,
                                    detail: "version \(root.version) does not follow \(previous.version); it must be exactly \(previous.version + 1)"))
        }
        // Signed by a threshold of the previous root's keys …
        if let oldRole = previous.roles["root"] {
            let count = SignatureCounter.count(file.envelope.signatures, message: file.message, role: "root",
                                               roleKeys: oldRole, ring: previousRing, dialect: root.dialect,
                                               file: file.name, strict: options.strictSignatures,
                                               verdicts: next.verdicts, findings: &findings)
            if count < oldRole.threshold {
                findings.append(Finding(file: file.name, role: "root", check: .threshold,
                                        detail: "signed by \(count) of the previous root's (version \(previous.version)) keys; its threshold is \(oldRole.threshold)"))
            }
        }
        // … and by a threshold of its own.
        checkRoot(next, findings: &findings)
    }

    /// Structure, keys and self-signature threshold of one root.
    func checkRoot(_ chainRoot: ChainRoot, findings: inout [Finding]) {
        if let known = chainRoot.ownFindings {
            findings += known
            return
        }
        let (root, file, ring) = (chainRoot.root, chainRoot.file, chainRoot.ring)
        if root.dialect == .tuf, let spec = root.specVersion, !spec.hasPrefix("1.") {
            findings.append(Finding(file: file.name, role: "root", check: .malformed,
                                    detail: "spec_version \(spec) is not TUF 1.x"))
        }
        if root.version < 1 {
            findings.append(Finding(file: file.name, role: "root", check: .version, detail: "version must be at least 1"))
        }
        for name in root.roles.keys where !RootMetadata.topLevelRoles.contains(name) {
            findings.append(Finding(file: file.name, role: name, check: .role, detail: "root defines a role that is not a top-level role"))
        }
        findings += chainRoot.ringFindings
        for name in RootMetadata.topLevelRoles {
            guard let role = root.roles[name] else {
                findings.append(Finding(file: file.name, role: name, check: .role, detail: "root does not define the \(name) role"))
                continue
            }
            RoleRules.check(role, name: name, keys: root.keys, ring: ring, file: file.name, findings: &findings)
        }
        if let rootRole = root.roles["root"] {
            let count = SignatureCounter.count(file.envelope.signatures, message: file.message, role: "root",
                                               roleKeys: rootRole, ring: ring, dialect: root.dialect,
                                               file: file.name, strict: options.strictSignatures,
                                               verdicts: chainRoot.verdicts, findings: &findings)
            if count < rootRole.threshold {
                findings.append(Finding(file: file.name, role: "root", check: .threshold,
                                        detail: "signed by \(count) of its own root keys; the threshold is \(rootRole.threshold)"))
            }
        }
    }

    /// The usable keys of a root, with Notary root certificates checked.
    func ring(for root: RootMetadata, file: String, memo: KeyDecodingMemo? = nil, findings: inout [Finding]) -> KeyRing {
        let inUse = Set(root.roles.values.flatMap(\.keyIDs))
        let rootKeyIDs = Set(root.roles["root"]?.keyIDs ?? [])
        return KeyRing(keys: root.keys, dialect: root.dialect, keyIDsInUse: inUse, file: file, role: nil,
                       notaryRootKeyIDs: rootKeyIDs, gun: root.dialect == .notary ? gun(for: root) : nil,
                       at: options.at, memo: memo, findings: &findings)
    }

    /// The GUN to hold certificates to: the one given, or the CN of the first root
    /// certificate whose CN is not a wildcard (a wildcard CN names many GUNs, not one).
    func gun(for root: RootMetadata) -> String? {
        if let gun = options.gun { return gun }
        for keyID in root.roles["root"]?.keyIDs ?? [] {
            if let key = root.keys[keyID], key.isCertificate, let pem = key.publicValue.flatMap(ByteEncoding.decodeBase64),
               let certificate = try? NotaryCertificateKey(pemBytes: pem), !certificate.hasWildcardCommonName,
               let cn = certificate.commonName {
                return cn
            }
        }
        return nil
    }

    func checkExpiry(_ expires: MetadataTime, role: String, file: String, findings: inout [Finding]) {
        if expires.isExpired(at: options.at) {
            findings.append(Finding(file: file, role: role, check: .expiry, detail: "expired at \(expires.text)"))
        }
    }
}
