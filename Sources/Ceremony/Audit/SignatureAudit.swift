import Foundation
import TrustMetadata

/// Check 6 of the audit: every signature the transcript records is in the root it signed, every
/// signature in the root was recorded, the signed bytes are those whose digest was recorded, and
/// the metadata passes `keyceremony verify` with strict signatures (each one must verify; a
/// rotation chains from version 1 through the current root to the new one).
enum SignatureAudit {
    /// - Throws: ``AuditInputError`` when a metadata file cannot be read at all.
    static func check(_ records: [TranscriptRecord], roots: [String: RootFiles], publicDir: URL, dialect: Dialect,
                      at time: Date) throws(AuditInputError) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var recorded: [String: Set<String>] = [:]  // repository → "keyID value"
        var digests: [String: (Int, TranscriptEvent.MetadataDigest)] = [:]
        for record in records {
            switch record.event {
            case .signature(let signature):
                recorded[signature.repository, default: []].insert("\(signature.keyID) \(signature.signature)")
                guard let files = roots[signature.repository] else { continue }
                let present = files.file.signatures.contains { $0.keyID == signature.keyID && $0.value == signature.signature }
                if !present {
                    findings.append(AuditFinding(.signatures, at: AuditFinding.record(record.seq), expected: "a signature by \(signature.keyID) in \(files.path)",
                                                 found: "absent", "the signature '\(signature.key)' (\(signature.holder)) made is not in the root"))
                }
            case .metadataDigest(let digest) where digest.role == "root":
                digests[digest.repository] = (record.seq, digest)
            default: break
            }
        }
        for (repository, files) in roots.sorted(by: { $0.key < $1.key }) {
            for signature in files.file.signatures where !(recorded[repository]?.contains("\(signature.keyID) \(signature.value)") ?? false) {
                findings.append(AuditFinding(.signatures, at: files.path, expected: "only signatures made in the ceremony",
                                             found: "signature by \(signature.keyID)", "the root holds a signature no record shows being made"))
            }
            guard let (seq, digest) = digests[repository] else {
                findings.append(AuditFinding(.signatures, at: "transcript.jsonl", expected: "a metadata-digest record for '\(repository)'", found: "none",
                                             "the digest of the root as built is not recorded"))
                continue
            }
            let signed = (try? files.file.canonicalSignedBytes()).map { ByteEncoding.sha256Hex(Data($0)) }
            if signed != digest.sha256 || Int64(digest.version) != files.root.version {
                findings.append(AuditFinding(.signatures, at: files.path, expected: "version \(digest.version), signed bytes SHA-256 \(digest.sha256) (seq \(seq))",
                                             found: "version \(files.root.version), signed bytes SHA-256 \(signed ?? "unreadable")",
                                             "the root's signed part is not the one built and signed in the ceremony"))
            }
        }
        // The metadata as a strict client-side verify sees it.
        var options = VerificationOptions(dialect: dialect, at: time, strictSignatures: true)
        if dialect == .notary, roots.count == 1 { options.gun = roots.keys.first }
        let metadata = publicDir.appendingPathComponent("metadata")
        guard FileManager.default.fileExists(atPath: metadata.path) else { return findings }
        for (repository, _) in roots.sorted(by: { $0.key < $1.key }) {
            var perRepository = options
            if dialect == .notary { perRepository.gun = repository }
            let folder = metadata.appendingPathComponent(repository)
            let report: PathVerifier.Report
            do {
                report = try PathVerifier(options: perRepository).verify(path: folder.path)
            } catch {
                throw AuditInputError(path: error.path, reason: error.reason)
            }
            let prefix = publicDir.path + "/"
            for finding in report.findings where finding.severity == .error {
                let file = finding.file.hasPrefix(prefix) ? "public/" + finding.file.dropFirst(prefix.count) : finding.file
                findings.append(AuditFinding(.signatures, at: file, found: finding.check.rawValue, "verify: \(finding.detail)"))
            }
        }
        return findings
    }
}
