import Foundation
import PKCS11
import TrustMetadata

/// Everything `keyceremony audit` established about one ceremony folder: the verdict and
/// findings, and the tables the HTML report prints (steps, keys, signatures, outputs).
package struct AuditReport: Sendable {
    /// One executed step, from its records: `step-start` time and actor, the token shown, `step-end`.
    package struct StepRow: Sendable, Equatable {
        package var number: Int
        package var actor: String
        package var text: String
        package var time: String
        /// Serial of the token recorded during the step, if any.
        package var tokenSerial: String?
        /// `completed`, `failed`, or `not finished`.
        package var result: String
        package var seq: Int
    }

    /// One root key, as generated or found in this ceremony.
    package struct KeyRow: Sendable, Equatable {
        package var name: String
        package var holder: String
        /// `generated` or `found`.
        package var origin: String
        package var keyIDs: [String]
        /// SHA-256 hex of the public key's DER (SubjectPublicKeyInfo), its fingerprint.
        package var fingerprint: String
        package var tokenLabel: String?
        package var tokenSerial: String?
        package var ckaID: String
        package var attributes: KeyAttributes
        package var seq: Int
    }

    /// The folder audited and its kind.
    package var layout: BundleLayout
    /// The ceremony-start record, when the transcript has one.
    package var start: TranscriptEvent.CeremonyStart?
    /// Every record read (up to the first broken link).
    package var records: [TranscriptRecord] = []
    package var findings: [AuditFinding] = []
    package var steps: [StepRow] = []
    package var keys: [KeyRow] = []
    package var signatures: [TranscriptEvent.SignatureMade] = []
    /// Public files and their SHA-256, from the folder (sorted by path).
    package var outputs: [(path: String, sha256: String)] = []
    /// For a failed ceremony: the error recorded, if any.
    package var failure: String?

    /// True when no finding is an error.
    package var passed: Bool { !findings.contains { $0.severity == .error } }
    package var errors: [AuditFinding] { findings.filter { $0.severity == .error } }

    /// The executable that ran, as recorded at the start, in one line: `keyceremony 0.1.0, commit
    /// 3f2a… (reproducible release build), executable SHA-256 9c1e…, on Debian GNU/Linux 12
    /// (bookworm)`. Fields the transcript does not record are said to be not recorded.
    package var tool: String {
        guard let start else { return "unknown" }
        let build = start.toolBuild.flatMap(KeyCeremonyVersion.Build.init(rawValue:))?.words ?? "build kind not recorded"
        return "keyceremony \(start.toolVersion), commit \(start.toolCommit ?? "not recorded") (\(build)), "
            + "executable SHA-256 \(start.toolSHA256 ?? "not recorded"), on \(start.osRelease ?? "an unrecorded OS")"
    }

    /// The verdict in one line, as the report and the terminal open with it.
    package var verdict: String {
        let kind = start.map { "\($0.ceremony.rawValue) (\($0.dialect.rawValue))" } ?? "ceremony"
        let rehearsal = start?.rehearsal == true ? ", REHEARSAL" : ""
        if layout.kind == .failedCeremony || failure != nil {
            return "FAILED CEREMONY: \(kind)\(rehearsal) did not finish; \(errors.count) error(s) in its record"
        }
        return passed ? "PASSED: \(kind)\(rehearsal) is complete and consistent with its plan"
            : "FAILED: \(errors.count) error(s) in \(kind)\(rehearsal)"
    }
}
