import Foundation
import TrustMetadata

/// `keyceremony audit DIR`: replays a ceremony offline, with no token, from its folder (an
/// output directory, its `public/` folder alone, or a failed ceremony's folder).
///
/// Reuses the checks the ceremony itself relies on: ``TranscriptVerifier`` (chain and seal),
/// ``BundleCheck`` (manifest, `SHA256SUMS`, nothing missing or extra), the plan parser and
/// ``ResolvedPlan/steps`` (the steps the plan produces), and ``PathVerifier`` (the metadata,
/// strictly). The ceremony-specific checks are ``StepReplay``, ``PeopleAudit``,
/// ``KeyProvenance`` and ``SignatureAudit``.
package enum CeremonyAudit {
    /// Audits the folder at `url`.
    ///
    /// - Throws: ``AuditInputError`` when the folder is no ceremony output, or a file cannot be
    ///   read at all (not a regular file, too large); every other problem is a finding.
    package static func run(_ url: URL, options: AuditOptions = AuditOptions()) throws(AuditInputError) -> AuditReport {
        guard let layout = BundleLayout.find(url) else {
            throw AuditInputError(path: url.path, reason: "not a ceremony output: expected DIR/public/, a public/ folder with manifest.json, or a failed ceremony's folder with transcript.jsonl")
        }
        var report = AuditReport(layout: layout)
        let publicDir = layout.publicDirectory
        let failedFolder = layout.kind == .failedCeremony

        // 1. The transcript.
        let transcriptURL = publicDir.appendingPathComponent(BundlePath.transcript)
        var transcriptData: Data?
        do {
            transcriptData = try BundlePath.read(transcriptURL)
        } catch {
            guard error.reason == "no such file" else { throw AuditInputError(path: transcriptURL.path, reason: error.reason) }
            report.findings.append(AuditFinding(.transcript, at: "transcript.jsonl", expected: "the ceremony's transcript", found: "no file",
                                                "there is no transcript; nothing about this ceremony can be confirmed"))
        }
        if let transcriptData {
            let verification = TranscriptVerifier.verify(transcriptData, requireSeal: !failedFolder,
                                                         publicDirectory: failedFolder ? nil : publicDir)
            report.records = verification.records
            if let problem = verification.problem {
                let seq = problem.line
                report.findings.append(AuditFinding(.transcript, at: "transcript.jsonl line \(seq)", expected: "an unbroken, sealed chain",
                                                    found: problem.kind.rawValue, problem.message))
            }
        }
        // 2. Every file.
        if !failedFolder {
            for finding in layout.check().findings where !isTranscriptProblem(finding) {
                report.findings.append(AuditFinding(.files, at: finding.file, expected: finding.expected, found: finding.found, finding.description))
            }
            report.outputs = outputs(publicDir)
        }
        guard case .ceremonyStart(let start)? = report.records.first?.event else {
            if !report.records.isEmpty || (transcriptData?.isEmpty == false && !report.findings.contains { $0.check == .transcript }) {
                report.findings.append(AuditFinding(.transcript, at: AuditFinding.record(1), expected: "ceremony-start",
                                                    found: report.records.first?.event.type ?? "no record", "the transcript does not begin with a ceremony-start record"))
            }
            return report
        }
        report.start = start
        let records = report.records
        let failedRun = !records.contains { if case .seal = $0.event { return true } else { return false } }
            && records.contains { if case .error = $0.event { return true } else { return false } }

        // 3. The plan, and the steps it produces.
        let plan = try PlanReplay.load(publicDir: publicDir, start: start, options: options, failed: failedFolder, into: &report.findings)
        if let resolved = plan?.resolved {
            let replay = StepReplay.check(records, expected: resolved.steps, finished: !failedFolder && !failedRun)
            report.findings += replay.findings
            report.steps = replay.rows
            report.findings += PeopleAudit.check(records, resolved: resolved, rehearsal: start.rehearsal)
        } else {
            report.steps = StepReplay.rows(records)
        }

        // 4–6. Keys, attributes, online keys, signatures and the metadata.
        let roots = failedFolder ? [:] : try RootFiles.read(publicDir: publicDir, repositories: start.repositories, into: &report.findings)
        let provenance = KeyProvenance(records: records, start: start, plan: plan?.resolved, roots: roots, publicDir: publicDir,
                                       onlineKeyFiles: plan?.onlineKeyFiles ?? [:], complete: !failedFolder && !failedRun)
        report.findings += provenance.check()
        report.keys = provenance.rows
        report.signatures = records.compactMap { if case .signature(let signature) = $0.event { return signature } else { return nil } }
        if !failedFolder {
            if start.ceremony == .targetsDelegation {
                let targets = try SignatureAudit.targetsFiles(publicDir: publicDir, repositories: start.repositories)
                report.findings += try SignatureAudit.check(records, roots: roots, publicDir: publicDir, dialect: start.dialect, at: options.at,
                                                            role: "targets", signed: targets)
                report.findings += DelegationAudit.check(records, targets: targets, plan: plan)
            } else {
                report.findings += try SignatureAudit.check(records, roots: roots, publicDir: publicDir, dialect: start.dialect, at: options.at)
            }
        }

        // 8. Rehearsal. 9. Backup. 10. Tool identity.
        report.findings += rehearsalFindings(records, start: start)
        if !failedFolder { report.findings += BackupAudit.check(layout, records: records, plan: plan?.resolved, rehearsal: start.rehearsal) }
        report.findings += toolFindings(start, expected: options.toolSHA256)

        // A failed ceremony: what happened, and which keys were left on which tokens.
        if failedFolder || failedRun {
            let lastError = records.compactMap { record -> String? in
                if case .error(let error) = record.event { return error.message } else { return nil }
            }.last
            report.failure = lastError ?? "the transcript ends without a seal or an error record"
            report.findings.append(AuditFinding(.failure, at: AuditFinding.record(records.last?.seq ?? 1), expected: "a sealed transcript",
                                                found: "stopped at step \(report.steps.last.map { "\($0.number)" } ?? "none")",
                                                "the ceremony did not finish: \(report.failure!)"))
            for key in report.keys {
                report.findings.append(AuditFinding(.failure, .notice, at: AuditFinding.record(key.seq),
                                                    "key '\(key.name)' (\(key.holder)) was \(key.origin) and is left on token '\(key.tokenLabel ?? "?")' serial \(key.tokenSerial ?? "?"), CKA_ID \(key.ckaID)"))
            }
        }
        return report
    }

    /// The bundle check repeats the transcript verifier; its finding is already reported under `transcript`.
    private static func isTranscriptProblem(_ finding: BundleFinding) -> Bool {
        finding.file.hasSuffix(BundlePath.transcript) && finding.description.hasPrefix("transcript.jsonl")
    }

    private static func outputs(_ publicDir: URL) -> [(path: String, sha256: String)] {
        ((try? BundlePath.regularFiles(under: publicDir)) ?? []).compactMap { path in
            (try? BundlePath.read(publicDir.appendingPathComponent(path))).map { (path, ByteEncoding.sha256Hex($0)) }
        }
    }

    static func rehearsalFindings(_ records: [TranscriptRecord], start: TranscriptEvent.CeremonyStart) -> [AuditFinding] {
        if start.rehearsal {
            return [AuditFinding(.rehearsal, .notice, at: AuditFinding.record(1), "this ceremony is a rehearsal; its keys and metadata must never be used as a real root")]
        }
        var findings: [AuditFinding] = []
        for record in records {
            switch record.event {
            case .token(let token) where token.manufacturer == RehearsalTokens.manufacturer:
                findings.append(AuditFinding(.rehearsal, at: AuditFinding.record(record.seq), expected: "a hardware token",
                                             found: "\(token.manufacturer) token '\(token.label)'", "a production ceremony used a SoftHSM2 software token for key '\(token.key)'"))
            case .confirmation(let confirmation) where confirmation.by == RehearsalConsole.unattended:
                findings.append(AuditFinding(.rehearsal, at: AuditFinding.record(record.seq), expected: "a person at the terminal",
                                             found: confirmation.by, "a production ceremony was confirmed with rehearsal flags"))
            default: break
            }
        }
        return findings
    }

    static func toolFindings(_ start: TranscriptEvent.CeremonyStart, expected: String?) -> [AuditFinding] {
        let at = AuditFinding.record(1)
        var findings: [AuditFinding] = []
        if let recorded = start.toolSHA256 {
            if let expected, expected.lowercased() != recorded {
                findings.append(AuditFinding(.tool, at: at, expected: expected.lowercased(), found: recorded,
                                             "the ceremony ran another keyceremony executable than the reviewed build"))
            }
        } else {
            findings.append(AuditFinding(.tool, expected == nil ? .notice : .error, at: at, expected: expected ?? "the executable's SHA-256",
                                         found: "not recorded", "the transcript does not record the SHA-256 of the executable that ran"))
        }
        if start.toolBuild == KeyCeremonyVersion.Build.development.rawValue {
            findings.append(AuditFinding(.tool, .notice, at: at, expected: "a reproducible release build (scripts/release.sh)",
                                         found: "a development build, commit \(start.toolCommit ?? "unknown")",
                                         "the ceremony ran a development build of keyceremony: no published release has its SHA-256, so only a digest taken from that very executable can identify it"))
        }
        if start.osRelease == nil {
            findings.append(AuditFinding(.tool, .notice, at: at, found: "not recorded", "the transcript does not record the host's OS release"))
        }
        return findings
    }
}
