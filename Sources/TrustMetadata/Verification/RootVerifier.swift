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
    /// Files are read once and each signature is checked once, so time and memory
    /// grow linearly with the number of versions.
    public func verifyChain(_ files: [MetadataFile], trusted: MetadataFile? = nil) -> ChainResult {
        var findings: [Finding] = []
        var parsed: [(ParsedFile, RootMetadata)] = []
        for file in files {
            guard let file = ParsedFile.read(file, findings: &findings),
                  let root = readRoot(file, findings: &findings) else { continue }
            parsed.append((file, root))
        }
        parsed.sort { $0.1.version < $1.1.version }

        var current: (ParsedFile, RootMetadata)?
        if let trusted {
            guard let file = ParsedFile.read(trusted, findings: &findings),
                  let root = readRoot(file, findings: &findings) else {
                return ChainResult(newest: nil, newestFile: nil, findings: findings)
            }
            checkRoot(root, file: file, findings: &findings)
            current = (file, root)
            checkAgainstTrusted(parsed, trusted: root, trustedFile: file.name, findings: &findings)
            parsed.removeAll { $0.1.version <= root.version }
        } else if let first = parsed.first {
            checkRoot(first.1, file: first.0, findings: &findings)
            current = first
            parsed.removeFirst()
        }
        guard var (currentFile, currentRoot) = current else {
            return ChainResult(newest: nil, newestFile: nil, findings: findings)
        }
        for (file, root) in parsed {
            if root.version == currentRoot.version {
                if root.signed != currentRoot.signed {
                    findings.append(Finding(file: file.name, role: "root", check: .version,
                                            detail: "two different roots claim version \(root.version) (also \(currentFile.name))"))
                } else if file.bytes != currentFile.bytes {
                    // root.json and N.root.json are one file twice; a copy with other signatures
                    // (or bytes) would otherwise never be checked.
                    findings.append(Finding(file: file.name, role: "root", check: .version,
                                            detail: "claims version \(root.version) as \(currentFile.name) does, but the two files are not byte-identical"))
                    // Every file is verified on its own: this copy's own signatures too.
                    checkRoot(root, file: file, findings: &findings)
                }
                continue
            }
            let before = findings.filter { $0.severity == .error }.count
            checkRotation(from: currentRoot, to: root, file: file, findings: &findings)
            if findings.filter({ $0.severity == .error }).count > before {
                // A client stops at the first root it cannot accept.
                return ChainResult(newest: currentRoot, newestFile: currentFile.name, findings: findings)
            }
            (currentFile, currentRoot) = (file, root)
        }
        checkExpiry(currentRoot.expires, role: "root", file: currentFile.name, findings: &findings)
        return ChainResult(newest: currentRoot, newestFile: currentFile.name, findings: findings)
    }

    /// Findings for roots given alongside a trusted root that do not move forward from it.
    ///
    /// A client that already trusts version N never looks at N or below again, so those
    /// files would otherwise be skipped without a word, and `verify FILE --trusted-root T`
    /// would pass for any FILE not newer than T. Another root with T's version but other
    /// content is a fork, and when even the newest root given is older than T the input
    /// is a rollback. Older roots next to newer ones are only history and pass, as does a
    /// copy of T itself (same `signed` content).
    private func checkAgainstTrusted(_ roots: [(ParsedFile, RootMetadata)], trusted: RootMetadata, trustedFile: String,
                                     findings: inout [Finding]) {
        for (file, root) in roots where root.version == trusted.version && root.signed != trusted.signed {
            findings.append(Finding(file: file.name, role: "root", check: .version,
                                    detail: "fork: version \(root.version) differs from the trusted root \(trustedFile) of the same version"))
        }
        if let newest = roots.last, newest.1.version < trusted.version {
            findings.append(Finding(file: newest.0.name, role: "root", check: .version,
                                    detail: "rollback: version \(newest.1.version) is older than the trusted root \(trustedFile) (version \(trusted.version)); a client that trusts it would never go back"))
        }
    }

    /// Checks that `next` may replace `previous`: version, both thresholds, and structure.
    public func verifyRotation(from previous: RootMetadata, to next: MetadataFile) -> [Finding] {
        var findings: [Finding] = []
        guard let file = ParsedFile.read(next, findings: &findings),
              let root = readRoot(file, findings: &findings) else { return findings }
        checkRotation(from: previous, to: root, file: file, findings: &findings)
        return findings
    }

    /// Checks one root against its own keys (a first or trusted root), including expiry.
    public func verifySelfSigned(_ file: MetadataFile) -> (root: RootMetadata?, findings: [Finding]) {
        var findings: [Finding] = []
        guard let parsed = ParsedFile.read(file, findings: &findings),
              let root = readRoot(parsed, findings: &findings) else { return (nil, findings) }
        checkRoot(root, file: parsed, findings: &findings)
        checkExpiry(root.expires, role: "root", file: parsed.name, findings: &findings)
        return (root, findings)
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

    private func checkRotation(from previous: RootMetadata, to root: RootMetadata, file: ParsedFile,
                               findings: inout [Finding]) {
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
            var ignored: [Finding] = []
            let oldRing = ring(for: previous, file: file.name, findings: &ignored)
            let count = SignatureCounter.count(file.envelope.signatures, message: file.message, role: "root",
                                               roleKeys: oldRole, ring: oldRing, dialect: root.dialect,
                                               file: file.name, strict: options.strictSignatures, findings: &findings)
            if count < oldRole.threshold {
                findings.append(Finding(file: file.name, role: "root", check: .threshold,
                                        detail: "signed by \(count) of the previous root's (version \(previous.version)) keys; its threshold is \(oldRole.threshold)"))
            }
        }
        // … and by a threshold of its own.
        checkRoot(root, file: file, findings: &findings)
    }

    /// Structure, keys and self-signature threshold of one root.
    func checkRoot(_ root: RootMetadata, file: ParsedFile, findings: inout [Finding]) {
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
        let ring = ring(for: root, file: file.name, findings: &findings)
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
                                               file: file.name, strict: options.strictSignatures, findings: &findings)
            if count < rootRole.threshold {
                findings.append(Finding(file: file.name, role: "root", check: .threshold,
                                        detail: "signed by \(count) of its own root keys; the threshold is \(rootRole.threshold)"))
            }
        }
    }

    /// The usable keys of a root, with Notary root certificates checked.
    func ring(for root: RootMetadata, file: String, findings: inout [Finding]) -> KeyRing {
        let inUse = Set(root.roles.values.flatMap(\.keyIDs))
        let rootKeyIDs = Set(root.roles["root"]?.keyIDs ?? [])
        return KeyRing(keys: root.keys, dialect: root.dialect, keyIDsInUse: inUse, file: file, role: nil,
                       notaryRootKeyIDs: rootKeyIDs, gun: root.dialect == .notary ? gun(for: root) : nil,
                       at: options.at, findings: &findings)
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
