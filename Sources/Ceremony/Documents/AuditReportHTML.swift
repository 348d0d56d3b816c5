import Foundation

/// The audit report as a document to sign: the verdict first, then the findings (highlighted),
/// the step table (time, actor, token serial, result), the keys with fingerprints and
/// attributes, the signatures, and the outputs with their digests.
package struct AuditReportHTML: Sendable {
    package var report: AuditReport

    package init(_ report: AuditReport) {
        self.report = report
    }

    package var document: HTMLDocument {
        let e = HTMLDocument.escape
        let start = report.start
        var body = "<h1>Ceremony audit report</h1>\n"
        body += "<p class=\"verdict \(report.passed ? "passed" : "failed")\">\(e(report.verdict))</p>\n"
        body += "<table>\n"
        let facts: [(String, String)] = [
            ("Folder audited", "\(report.layout.root.path) (\(report.layout.kind.rawValue))"),
            ("Ceremony", start.map { "\($0.ceremony.rawValue), \($0.dialect.rawValue), repositories \($0.repositories.joined(separator: ", "))" } ?? "unknown"),
            ("Rehearsal", start.map { $0.rehearsal ? "YES — not for production" : "no (production)" } ?? "unknown"),
            ("Plan digest (SHA-256)", start?.planDigest ?? "unknown"),
            ("Site profile digest", start?.profileDigest ?? "none"),
            ("Tool", report.tool),
            ("Records read", "\(report.records.count), from \(report.records.first?.time ?? "-") to \(report.records.last?.time ?? "-")"),
        ]
        body += "<colgroup><col style=\"width: 25%\"><col style=\"width: 75%\"></colgroup>\n"
        for (name, value) in facts { body += "<tr><th>\(e(name))</th><td class=\"mono\">\(e(value))</td></tr>\n" }
        body += "</table>\n"
        if let failure = report.failure {
            body += "<h2>What happened</h2>\n<p class=\"verdict failed\">\(e(failure))</p>\n"
        }

        body += "<h2>Findings (\(report.errors.count) errors, \(report.findings.count - report.errors.count) notices)</h2>\n"
        if report.findings.isEmpty {
            body += "<p>None.</p>\n"
        } else {
            body += HTMLDocument.table(["Severity", "Check", "Where", "Finding", "Expected", "Found"],
                                       report.findings.map { [$0.severity.rawValue.uppercased(), $0.check.rawValue, $0.location, $0.detail, $0.expected ?? "", $0.found ?? ""] },
                                       widths: [10, 11, 15, 34, 15, 15], mono: [4, 5],
                                       rowClass: { report.findings[$0].severity.rawValue })
        }

        body += "<h2>Steps</h2>\n"
        body += HTMLDocument.table(["Step", "Time (UTC)", "Actor", "What", "Token serial", "Result"],
                                   report.steps.map { ["\($0.number)", $0.time, $0.actor, $0.text, $0.tokenSerial ?? "", $0.result] },
                                   widths: [6, 13, 9, 40, 19, 13], mono: [4],
                                   rowClass: { report.steps[$0].result == "failed" ? "error" : nil })

        body += "<h2>Keys</h2>\n"
        body += HTMLDocument.table(["Key", "Holder", "Origin", "Token", "Key IDs", "Fingerprint (SHA-256 of SPKI)", "Attributes"],
                                   report.keys.map { key in
                                       let a = key.attributes
                                       func flag(_ name: String, _ value: Bool?) -> String { "\(name)=\(value.map(String.init) ?? "?")" }
                                       return [key.name, key.holder, "\(key.origin) (seq \(key.seq))",
                                               "\(key.tokenLabel ?? "?") serial \(key.tokenSerial ?? "?"), CKA_ID \(key.ckaID)",
                                               key.keyIDs.joined(separator: " "), key.fingerprint,
                                               [flag("sensitive", a.sensitive), flag("always_sensitive", a.alwaysSensitive),
                                                flag("extractable", a.extractable), flag("never_extractable", a.neverExtractable),
                                                flag("local", a.local)].joined(separator: ", ")]
                                   }, widths: [8, 8, 9, 17, 20, 17, 21], mono: [3, 4, 5])

        body += "<h2>Signatures</h2>\n"
        body += HTMLDocument.table(["Repository", "Role", "Key", "Holder", "Key ID", "Signature"],
                                   report.signatures.map { [$0.repository, $0.role, $0.key, $0.holder, $0.keyID, $0.signature] },
                                   widths: [14, 7, 9, 9, 28, 33], mono: [4, 5])

        body += "<h2>Outputs</h2>\n"
        body += HTMLDocument.table(["File (in public/)", "SHA-256"], report.outputs.map { [$0.path, $0.sha256] }, widths: [30, 70], mono: [1])

        body += "<h2>Auditor</h2>\n"
        for line in ["Auditor (name, signature, date)", "Witness (name, signature, date)"] {
            body += "<div class=\"signature\">\(e(line))</div>\n"
        }
        return HTMLDocument(title: "Ceremony audit report — \(report.verdict)", body: body)
    }
}
