import Foundation
import TrustMetadata

/// Check 9: the backup a ceremony made, from its transcript and its `backup/` folder.
///
/// - every file in `backup/` is one the split recorded, byte for byte, and every recorded file is
///   there (an auditor handed only `public/` gets a notice that the vault copy was not checked);
/// - every key wrapped is non-extractable again (as read back after the wrap), and every
///   backed-up key the plan marks was wrapped;
/// - every custodian the split names received a share, and the drill restored, proved and
///   destroyed every wrapped key;
/// - a `shares/` folder still beside a production bundle is an error: shares and share cards are
///   printed or handed out in the room, then destroyed, and never travel.
enum BackupAudit {
    static func check(_ layout: BundleLayout, records: [TranscriptRecord], plan: ResolvedPlan?, rehearsal: Bool) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var split: (Int, TranscriptEvent.BackupSplit)?
        var wrapped: [String: (Int, TranscriptEvent.KeyWrapped)] = [:]
        var handedOut = Set<String>()
        var drill: (Int, TranscriptEvent.RecoveryDrill)?
        for record in records {
            switch record.event {
            case .backupSplit(let event): split = (record.seq, event)
            case .keyWrapped(let event): wrapped[event.key] = (record.seq, event)
            case .shareHandedOut(let event): handedOut.insert(event.custodian)
            case .recoveryDrill(let event): drill = (record.seq, event)
            default: break
            }
        }
        let onDisk: [String]? = layout.kind == .outputDirectory
            ? ((try? BundlePath.regularFiles(under: layout.root.appendingPathComponent(BundlePath.backupFolder))) ?? [])
            : nil
        let planned = plan?.plan.root?.keys.filter(\.backup).map(\.name) ?? []
        guard let (splitSeq, recorded) = split else {
            if let onDisk, !onDisk.isEmpty {
                findings.append(AuditFinding(.backup, at: "backup/", expected: "empty", found: onDisk.joined(separator: ", "),
                                             "backup/ holds files, but no backup was recorded in this ceremony"))
            }
            for name in planned {
                findings.append(AuditFinding(.backup, at: "transcript.jsonl", expected: "a backup of key '\(name)'", found: "no backup-split record",
                                             "the plan backs up key '\(name)', but no backup was made"))
            }
            if findings.isEmpty && planned.isEmpty {
                findings.append(AuditFinding(.backup, .notice, at: "backup/", "no backup in this ceremony (its plan marks no key 'backup: true')"))
            }
            return findings
        }
        let at = AuditFinding.record(splitSeq)
        if let onDisk {
            let folder = layout.root.appendingPathComponent(BundlePath.backupFolder)
            for name in onDisk {
                let path = "\(BundlePath.backupFolder)/\(name)"
                guard let expected = recorded.files[path] else {
                    findings.append(AuditFinding(.backup, at: path, expected: "only files the split recorded", found: name, "backup/ holds a file the ceremony did not write"))
                    continue
                }
                let actual = (try? BundlePath.read(folder.appendingPathComponent(name))).map(ByteEncoding.sha256Hex)
                if actual != expected {
                    findings.append(AuditFinding(.backup, at: path, expected: expected, found: actual ?? "unreadable", "the wrapped key file differs from the one the ceremony wrote"))
                }
            }
            for path in recorded.files.keys.sorted() where !onDisk.contains(String(path.dropFirst(BundlePath.backupFolder.count + 1))) {
                findings.append(AuditFinding(.backup, at: path, expected: "the file", found: "missing", "a wrapped key file the ceremony wrote is missing from backup/"))
            }
            let shares = layout.root.appendingPathComponent(BundlePath.sharesFolder)
            if FileManager.default.fileExists(atPath: shares.path) {
                findings.append(AuditFinding(.backup, rehearsal ? .notice : .error, at: "\(BundlePath.sharesFolder)/", expected: "no shares beside the bundle",
                                             found: "a shares/ folder",
                                             rehearsal ? "the rehearsal's shares are in shares/; in production they never leave the room"
                                                       : "shares or share cards are still beside the bundle; print or hand them out and destroy the files before the bundle leaves the room"))
            }
        } else {
            findings.append(AuditFinding(.backup, .notice, at: "backup/", "only public/ was given, so the wrapped key files in the vault were not compared with the transcript"))
        }
        for name in planned where wrapped[name] == nil {
            findings.append(AuditFinding(.backup, at: at, expected: "a key-wrapped record for '\(name)'", found: "none", "the plan backs up key '\(name)', but it was not wrapped"))
        }
        for (name, (seq, event)) in wrapped.sorted(by: { $0.key < $1.key }) where event.extractable != false {
            findings.append(AuditFinding(.backup, at: AuditFinding.record(seq), expected: "CKA_EXTRACTABLE=false after the wrap",
                                         found: "CKA_EXTRACTABLE=\(event.extractable.map(String.init) ?? "not reported")",
                                         "key '\(name)' was not made non-extractable after its backup wrap"))
        }
        for group in recorded.groups {
            for custodian in group.custodians where !handedOut.contains(custodian) {
                findings.append(AuditFinding(.backup, at: at, expected: "a share-handed-out record for \(custodian)", found: "none", "custodian \(custodian) never received a share"))
            }
        }
        guard let (drillSeq, drillRecord) = drill else {
            findings.append(AuditFinding(.backup, at: at, expected: "a recovery-drill record", found: "none", "the backup was never drilled; a backup that was not recovered once is not known to work"))
            return findings
        }
        let drilled = Set(drillRecord.keys.filter { $0.proved && $0.destroyed }.map(\.key))
        for name in wrapped.keys.sorted() where !drilled.contains(name) {
            findings.append(AuditFinding(.backup, at: AuditFinding.record(drillSeq), expected: "'\(name)' restored, proved and destroyed", found: "not all three",
                                         "the drill did not prove and destroy key '\(name)'"))
        }
        return findings
    }
}
