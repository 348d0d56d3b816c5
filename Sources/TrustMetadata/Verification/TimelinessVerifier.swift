/// Verifies snapshot or timestamp metadata found next to a root: signatures by the
/// root's role keys, and expiry.
public struct TimelinessVerifier: Sendable {
    public var options: VerificationOptions

    public init(options: VerificationOptions) {
        self.options = options
    }

    public func verify(_ file: MetadataFile, root: RootMetadata) -> [Finding] {
        var findings: [Finding] = []
        guard let parsed = ParsedFile.read(file, findings: &findings) else { return findings }
        let metadata: TimelinessMetadata
        do {
            metadata = try TimelinessMetadata(signed: parsed.envelope.signed)
        } catch {
            findings.append(Finding(file: file.name, check: .malformed, detail: error.description))
            return findings
        }
        guard metadata.dialect == root.dialect else {
            findings.append(Finding(file: file.name, role: metadata.role, check: .dialect,
                                    detail: "file is \(metadata.dialect.rawValue) metadata, root is \(root.dialect.rawValue)"))
            return findings
        }
        guard let role = root.roles[metadata.role] else { return findings }
        var ignored: [Finding] = []
        let ring = RootVerifier(options: options).ring(for: root, file: file.name, findings: &ignored)
        let count = SignatureCounter.count(parsed.envelope.signatures, message: parsed.message, role: metadata.role,
                                           roleKeys: role, ring: ring, dialect: root.dialect, file: file.name,
                                           findings: &findings)
        if count < role.threshold {
            findings.append(Finding(file: file.name, role: metadata.role, check: .threshold,
                                    detail: "signed by \(count) distinct keys of the role; the threshold is \(role.threshold)"))
        }
        if metadata.expires.isExpired(at: options.at) {
            findings.append(Finding(file: file.name, role: metadata.role, check: .expiry, detail: "expired at \(metadata.expires.text)"))
        }
        return findings
    }
}
