import Foundation
import TrustMetadata

/// Check 6 of the audit: every signature the transcript records is in the root (for a delegation:
/// the targets.json) it signed, every signature there was recorded, the signed bytes are those
/// whose digest was recorded, and
/// the metadata passes `keyceremony verify` with strict signatures (each one must verify; a
/// rotation chains from version 1 through the current root to the new one).
enum SignatureAudit {
    /// The file a ceremony signed for one repository: root.json, or a delegation's targets.json.
    struct SignedFile {
        var path: String
        var file: SignedMetadata
        var version: Int64
    }

    /// - Parameter role: the role the ceremony signs (`root`, or `targets` for a delegation);
    ///   `signed` holds that role's file per repository.
    /// - Throws: ``AuditInputError`` when a metadata file cannot be read at all.
    static func check(_ records: [TranscriptRecord], roots: [String: RootFiles], publicDir: URL, dialect: Dialect,
                      at time: Date, role: String = "root", signed: [String: SignedFile]? = nil) throws(AuditInputError) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        let signedFiles = signed ?? roots.mapValues { SignedFile(path: $0.path, file: $0.file, version: $0.root.version) }
        var recorded: [String: Set<String>] = [:]  // repository → "keyID value"
        var digests: [String: (Int, TranscriptEvent.MetadataDigest)] = [:]
        for record in records {
            switch record.event {
            case .signature(let signature):
                guard signature.role == role else {
                    findings.append(AuditFinding(.signatures, at: AuditFinding.record(record.seq), expected: "a signature over \(role) metadata",
                                                 found: "a signature over \(signature.role)", "a \(start(role)) ceremony recorded a signature over other metadata"))
                    continue
                }
                recorded[signature.repository, default: []].insert("\(signature.keyID) \(signature.signature)")
                guard let files = signedFiles[signature.repository] else { continue }
                let present = files.file.signatures.contains { $0.keyID == signature.keyID && $0.value == signature.signature }
                if !present {
                    findings.append(AuditFinding(.signatures, at: AuditFinding.record(record.seq), expected: "a signature by \(signature.keyID) in \(files.path)",
                                                 found: "absent", "the signature '\(signature.key)' (\(signature.holder)) made is not in the \(role) metadata"))
                }
            case .metadataDigest(let digest) where digest.role == role:
                digests[digest.repository] = (record.seq, digest)
            default: break
            }
        }
        for repository in roots.keys.sorted() {
            guard let files = signedFiles[repository] else {
                findings.append(AuditFinding(.signatures, at: "public/\(BundlePath.metadataFolder(repository: repository))/\(role).json",
                                             expected: "the \(role).json this ceremony signed", found: "no file", "the bundle has no \(role).json for '\(repository)'"))
                continue
            }
            for signature in files.file.signatures where !(recorded[repository]?.contains("\(signature.keyID) \(signature.value)") ?? false) {
                findings.append(AuditFinding(.signatures, at: files.path, expected: "only signatures made in the ceremony",
                                             found: "signature by \(signature.keyID)", "the \(role) metadata holds a signature no record shows being made"))
            }
            guard let (seq, digest) = digests[repository] else {
                findings.append(AuditFinding(.signatures, at: "transcript.jsonl", expected: "a metadata-digest record for '\(repository)'", found: "none",
                                             "the digest of the \(role) metadata as built is not recorded"))
                continue
            }
            let signed = (try? files.file.canonicalSignedBytes()).map { ByteEncoding.sha256Hex(Data($0)) }
            if signed != digest.sha256 || Int64(digest.version) != files.version {
                findings.append(AuditFinding(.signatures, at: files.path, expected: "version \(digest.version), signed bytes SHA-256 \(digest.sha256) (seq \(seq))",
                                             found: "version \(files.version), signed bytes SHA-256 \(signed ?? "unreadable")",
                                             "the \(role) metadata's signed part is not the one built and signed in the ceremony"))
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

    private static func start(_ role: String) -> String { role == "root" ? "root" : "targets-delegation" }

    /// Each repository's targets.json in the bundle, for a delegation's audit; a missing or
    /// unreadable file is left out (and reported by ``check``).
    static func targetsFiles(publicDir: URL, repositories: [String]) throws(AuditInputError) -> [String: SignedFile] {
        var result: [String: SignedFile] = [:]
        for repository in repositories where BundlePath.isSafeRelative(repository) {
            let folder = BundlePath.metadataFolder(repository: repository)
            guard let source = try PlanReplay.read(publicDir.appendingPathComponent("\(folder)/targets.json")),
                  let file = try? SignedMetadata(bytes: Array(source.bytes)),
                  let targets = try? TargetsMetadata(signed: file.signed) else { continue }
            result[repository] = SignedFile(path: "public/\(folder)/targets.json", file: file, version: targets.version)
        }
        return result
    }
}
