import Foundation
import TrustMetadata

/// The ceremony script as IANA prints theirs: the plan digest in hex and in words first, then
/// the numbered steps (who does what, a checkbox, and a line to copy a digest by hand where the
/// transcript will show one), then signature lines for every holder and witness.
package struct PlanScriptHTML: Sendable {
    package var resolved: ResolvedPlan
    /// The published SHA-256 (hex) of the `keyceremony` release to run, printed with its words so
    /// that witnesses can follow the officer reading the executable's digest aloud; nil leaves a
    /// line to copy it onto.
    package var toolSHA256: String?

    package init(_ resolved: ResolvedPlan, toolSHA256: String? = nil) {
        self.resolved = resolved
        self.toolSHA256 = toolSHA256
    }

    /// The check of the executable before step 1: `sha256sum -c` against the published
    /// SHA256SUMS, `--version`, and the digest read aloud in words.
    private var executableCheck: String {
        let e = HTMLDocument.escape
        var html = "<h2>The keyceremony executable</h2>\n"
        html += "<p>Before step 1, on the medium the release was carried in on: <span class=\"mono\">sha256sum -c --ignore-missing SHA256SUMS</span> "
            + "says <span class=\"mono\">keyceremony: OK</span> and the hex it checked is the published digest below; "
            + "<span class=\"mono\">keyceremony --version</span> says \"reproducible release build\" and the published commit; "
            + "the officer reads <span class=\"mono\">keyceremony digest</span> of the executable aloud and the witnesses follow the published words.</p>\n"
        if let toolSHA256, let bytes = ByteEncoding.decodeHex(toolSHA256), bytes.count == 32 {
            let published = PlanDigest(bytes: bytes)
            html += "<p>Published SHA-256 of keyceremony:</p>\n<p class=\"mono\">\(e(published.hex))</p>\n"
            html += "<ol>\n" + published.wordLines.map { "<li class=\"mono\">\(e($0))</li>\n" }.joined() + "</ol>\n"
        } else {
            html += "<p>Published SHA-256 of keyceremony:</p><span class=\"copy\"></span>\n"
        }
        html += "<div class=\"step\"><p><span class=\"box\"></span><b>Executable checked</b>: sha256sum OK; SHA-256 as read aloud (first and last 4 words):</p><span class=\"copy\"></span>\n"
        html += "<p>Commit from --version: ____________________ Initials: ________</p></div>\n"
        return html
    }

    /// Steps at which the ceremony shows a digest people should copy down.
    private func digestNote(_ step: CeremonyStep) -> String? {
        switch step.action {
        case .confirmPlanDigest: return "Plan digest as read aloud (first and last 4 words)"
        case .generateKey, .findKey: return "Key ID shown on screen"
        case .issueCertificate, .renewCertificate: return "Certificate key ID shown on screen"
        case .buildMetadata:
            return resolved.plan.ceremony == .targetsDelegation ? "Signed bytes SHA-256 of targets.json shown on screen"
                                                                 : "Signed bytes SHA-256 of root.json shown on screen"
        case .sealTranscript: return "Seal digest (last line of transcript.jsonl)"
        default: return nil
        }
    }

    package var document: HTMLDocument {
        let e = HTMLDocument.escape
        let plan = resolved.plan
        let digest = plan.source.digest
        var body = "<h1>Ceremony script: \(e(plan.ceremony.rawValue)) (\(e(plan.dialect.rawValue)))</h1>\n"
        body += "<p>\(e(plan.description))</p>\n"
        body += "<h2>Plan digest</h2>\n<p>SHA-256 of \(e(plan.source.displayName)):</p>\n<p class=\"mono\">\(e(digest.hex))</p>\n"
        body += "<p>Read aloud, in words:</p>\n<ol>\n" + digest.wordLines.map { "<li class=\"mono\">\(e($0))</li>\n" }.joined() + "</ol>\n"
        if let profile = resolved.profile {
            body += "<p>Site profile \(e(profile.source.displayName)), SHA-256 <span class=\"mono\">\(e(profile.source.digest.hex))</span></p>\n"
        }
        body += HTMLDocument.table(["Repositories", plan.root == nil ? "Signs" : "Root", "Expires", "Witnesses"],
                                   [[plan.repositories.joined(separator: ", "), resolved.thresholdSummaries.joined(separator: "; "), "\(plan.expires)",
                                     plan.witnesses.isEmpty ? "none named" : plan.witnesses.joined(separator: ", ")]])
        if case let .targetsDelegation(delegation) = plan.body {
            body += "<h2>Delegations</h2>\n<p>What this ceremony changes in targets.json; the screen shows the whole table before anyone signs.</p>\n"
            body += HTMLDocument.table(["Change", "Role", "Keys (files)", "Paths", "Threshold", "Terminating"], delegation.changes.map { change in
                let keys = change.keys.map { $0.map(\.path).joined(separator: ", ") }
                    ?? ((change.addKeys.map { "+ \($0.path)" } + change.removeKeyIDs.map { "− \($0)" }).joined(separator: ", "))
                let paths = change.pathHashPrefixes.map { "hash prefixes " + $0.joined(separator: ", ") }
                    ?? change.paths.map { $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? ""
                return [change.action.rawValue, change.role + (change.renameTo.map { " → \($0)" } ?? ""), keys, paths,
                        change.threshold.map(String.init) ?? "", change.terminating.map { $0 ? "yes" : "no" } ?? ""]
            })
        }
        body += executableCheck
        body += "<h2>Steps</h2>\n"
        for step in resolved.steps {
            body += "<div class=\"step\"><p><span class=\"box\"></span><b>Step \(step.number)/\(step.total) — \(e(step.actor))</b>: \(e(step.text))</p>\n"
            if let note = digestNote(step) {
                body += "<p>\(e(note)):</p><span class=\"copy\"></span>\n"
            }
            body += "<p>Time: ____________ Initials: ________</p></div>\n"
        }
        body += "<h2>Signatures</h2>\n<p>We were present and the steps above were performed as written.</p>\n"
        var people: [(String, String)] = []
        for key in plan.body.tokenKeys where !people.contains(where: { $0.0 == key.holder }) {
            people.append((key.holder, "key holder, key '\(key.name)'"))
        }
        people.append((CeremonyStep.officerName, "ceremony officer"))
        for witness in plan.witnesses { people.append((witness, "witness")) }
        for (name, role) in people {
            body += "<div class=\"signature\">\(e(name)) (\(e(role))) — signature and date</div>\n"
        }
        return HTMLDocument(title: "Ceremony script — \(plan.description)", body: body)
    }
}
