/// Check 3 of the audit, second half: the steps executed are exactly the plan's, in order —
/// none skipped, repeated or extra — each started, confirmed and ended as the engine records it.
enum StepReplay {
    /// Compares the `step-start` records with `expected` (``ResolvedPlan/steps``).
    ///
    /// - Parameter finished: false for a failed ceremony, whose steps must be a prefix of the plan's.
    static func check(_ records: [TranscriptRecord], expected: [CeremonyStep], finished: Bool)
        -> (findings: [AuditFinding], rows: [AuditReport.StepRow]) {
        var findings: [AuditFinding] = []
        let starts = records.compactMap { record -> (Int, TranscriptEvent.StepStart)? in
            if case .stepStart(let start) = record.event { return (record.seq, start) }
            return nil
        }
        for (index, (seq, start)) in starts.enumerated() {
            guard index < expected.count else {
                findings.append(AuditFinding(.steps, at: AuditFinding.record(seq), expected: "no step after step \(expected.count)",
                                             found: "step \(start.step): \(start.text)", "a step the plan does not have was executed"))
                continue
            }
            let step = expected[index]
            let wanted = "\(step.number)/\(step.total) \(step.actor): \(step.text)"
            let got = "\(start.step)/\(start.total) \(start.actor): \(start.text)"
            if wanted != got {
                findings.append(AuditFinding(.steps, at: AuditFinding.record(seq), expected: wanted, found: got,
                                             "step \(index + 1) executed is not the plan's step \(index + 1) (skipped, repeated, reordered or changed)"))
            }
        }
        if finished, starts.count < expected.count {
            for step in expected[starts.count...] {
                findings.append(AuditFinding(.steps, at: "transcript.jsonl", expected: "step \(step.number): \(step.text)", found: "no record",
                                             "the plan's step \(step.number) was never executed"))
            }
        }
        // Each step but the seal ends `completed` before the next one starts.
        let rows = rows(records)
        if finished {
            for (index, row) in rows.enumerated() where row.result != "completed" {
                let isSeal = index < expected.count && expected[index].action == .sealTranscript
                if !isSeal {
                    findings.append(AuditFinding(.steps, at: AuditFinding.record(row.seq), expected: "completed", found: row.result,
                                                 "step \(row.number) has no step-end record marking it completed"))
                }
            }
        }
        return (findings, rows)
    }

    /// The executed steps as rows, from their records alone.
    static func rows(_ records: [TranscriptRecord]) -> [AuditReport.StepRow] {
        var rows: [AuditReport.StepRow] = []
        for record in records {
            switch record.event {
            case .stepStart(let start):
                rows.append(.init(number: start.step, actor: start.actor, text: start.text, time: record.time,
                                  tokenSerial: nil, result: "not finished", seq: record.seq))
            case .token(let token):
                if !rows.isEmpty { rows[rows.count - 1].tokenSerial = token.serial }
            case .stepEnd(let end):
                if let last = rows.indices.last, rows[last].number == end.step { rows[last].result = end.outcome.rawValue }
            case .seal:
                if let last = rows.indices.last { rows[last].result = "sealed" }
            default: break
            }
        }
        return rows
    }
}
