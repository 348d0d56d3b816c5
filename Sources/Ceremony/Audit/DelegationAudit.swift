import Foundation
import TrustMetadata

/// Check 4 of the audit for a `targets-delegation`: the delegations in the bundle's targets.json
/// are exactly those shown before signing (the `delegations` record: every role with its keys,
/// paths, threshold and terminating), the changes recorded are the plan's, and — with `--plan`,
/// whose folder holds them — every delegated key file is the one the ceremony read.
enum DelegationAudit {
    static func check(_ records: [TranscriptRecord], targets: [String: SignatureAudit.SignedFile], plan: PlanReplay?) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var shown: [String: (Int, TranscriptEvent.DelegationsShown)] = [:]
        for record in records {
            if case .delegations(let delegations) = record.event { shown[delegations.repository] = (record.seq, delegations) }
        }
        for (repository, file) in targets.sorted(by: { $0.key < $1.key }) {
            guard let (seq, record) = shown[repository] else {
                findings.append(AuditFinding(.provenance, at: "transcript.jsonl", expected: "a delegations record for '\(repository)'", found: "none",
                                             "the delegations shown before signing are not recorded"))
                continue
            }
            let at = AuditFinding.record(seq)
            guard let metadata = try? TargetsMetadata(signed: file.file.signed) else { continue }
            if Int64(record.version) != metadata.version {
                findings.append(AuditFinding(.provenance, at: file.path, expected: "version \(record.version) (seq \(seq))", found: "version \(metadata.version)",
                                             "targets.json is not the version shown before signing"))
            }
            let roles = (metadata.delegations?.roles ?? []).map { role in
                TranscriptEvent.DelegationsShown.Role(name: role.name, keyIDs: role.keyIDs, threshold: Int(role.threshold), paths: role.paths,
                                                      pathHashPrefixes: role.pathHashPrefixes, terminating: role.terminating)
            }
            if roles != record.roles {
                findings.append(AuditFinding(.provenance, at: file.path, expected: "the delegations shown at seq \(seq): \(describe(record.roles))",
                                             found: describe(roles), "targets.json does not delegate what was shown before signing"))
            }
            let listed = metadata.delegations?.keys ?? [:]
            for input in record.keyFiles where listed[input.keyID] == nil {
                findings.append(AuditFinding(.provenance, at: at, expected: "key \(input.keyID) in targets.json", found: "absent",
                                             "a key read from the plan's files for \(input.role) is not in targets.json"))
            }
            guard let plan, case let .targetsDelegation(body) = plan.resolved.plan.body else { continue }
            let planned = body.changes.map(\.summary)
            if planned != record.changes {
                findings.append(AuditFinding(.provenance, at: at, expected: planned.joined(separator: "; "), found: record.changes.joined(separator: "; "),
                                             "the changes recorded are not the plan's"))
            }
            guard plan.fromGivenPlan else { continue }
            for change in body.changes {
                for keyFile in change.keyFiles {
                    guard let source = try? SourceFile.read(keyFile.url) else { continue }
                    if !record.keyFiles.contains(where: { $0.fileSHA256 == source.digest.hex }) {
                        findings.append(AuditFinding(.provenance, at: keyFile.url.path, expected: "a key file the ceremony read (seq \(seq))",
                                                     found: source.digest.hex, "the delegated key file is not the one the ceremony read"))
                    }
                }
            }
        }
        return findings
    }

    private static func describe(_ roles: [TranscriptEvent.DelegationsShown.Role]) -> String {
        roles.isEmpty ? "no roles" : roles.map { "\($0.name) (\($0.threshold) of \($0.keyIDs.count) keys)" }.joined(separator: ", ")
    }
}
