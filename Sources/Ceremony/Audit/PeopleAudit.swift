/// Check 7 of the audit: every confirmation the plan requires is on record, by name.
///
/// Each step is confirmed by its actor (`by` is the actor's name, "NAME at the terminal", or
/// in a rehearsal ``RehearsalConsole/unattended``); at the first step every witness the plan
/// names confirms the digest (`by` is the witness's name).
enum PeopleAudit {
    static func check(_ records: [TranscriptRecord], resolved: ResolvedPlan, rehearsal: Bool) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var current: (seq: Int, start: TranscriptEvent.StepStart)?
        var confirmed: [Int: [TranscriptEvent.Confirmation]] = [:]
        var startSeq: [Int: (Int, TranscriptEvent.StepStart)] = [:]
        for record in records {
            switch record.event {
            case .stepStart(let start):
                current = (record.seq, start)
                startSeq[start.step] = startSeq[start.step] ?? (record.seq, start)
            case .confirmation(let confirmation):
                if current?.start.step != confirmation.step {
                    findings.append(AuditFinding(.people, at: AuditFinding.record(record.seq), expected: "a confirmation of step \(current?.start.step ?? 0)",
                                                 found: "a confirmation of step \(confirmation.step)", "a confirmation is recorded outside its step"))
                }
                confirmed[confirmation.step, default: []].append(confirmation)
            default: break
            }
        }
        for (step, (seq, start)) in startSeq.sorted(by: { $0.key < $1.key }) {
            let byActor = (confirmed[step] ?? []).contains { confirmation in
                confirmation.by == start.actor || confirmation.by == "\(start.actor) at the terminal"
                    || (rehearsal && confirmation.by == RehearsalConsole.unattended)
            }
            if !byActor {
                findings.append(AuditFinding(.people, at: AuditFinding.record(seq), expected: "confirmed by \(start.actor)",
                                             found: (confirmed[step] ?? []).map(\.by).joined(separator: ", ").nonEmpty ?? "no confirmation",
                                             "step \(step) was not confirmed by its actor"))
            }
        }
        if let first = resolved.steps.first, first.action == .confirmPlanDigest, let (seq, _) = startSeq[first.number] {
            for witness in resolved.plan.witnesses {
                let present = (confirmed[first.number] ?? []).contains {
                    $0.by.utf8.elementsEqual(witness.utf8) && $0.statement.hasPrefix(CeremonyStep.witnessDigestStatement)
                }
                if !present {
                    findings.append(AuditFinding(.people, at: AuditFinding.record(seq), expected: "\(witness) confirms the plan digest",
                                                 found: "no confirmation by \(witness)", "witness \(witness), named in the plan, did not confirm the plan digest"))
                }
            }
        }
        return findings
    }
}

extension String {
    /// Nil for the empty string.
    var nonEmpty: String? { isEmpty ? nil : self }
}
