import Foundation
import Testing
import TestSupport

/// The documents people sign — the ceremony script and the audit report — as Chromium prints them.
@Suite("Printed documents: plan print --html and audit --report")
struct DocumentTests {
    /// Self-contained: nothing to run, nothing to fetch.
    static func expectSelfContained(_ html: String) {
        for forbidden in ["<script", "http://", "https://", "src=", "<link", "@import", "url("] {
            #expect(!html.lowercased().contains(forbidden), "the HTML contains \(forbidden)")
        }
        #expect(html.contains("@media print"))
    }

    @Test("plan print: the digest in hex and words opens the script, then every step with a checkbox, then signature lines", arguments: ["notary", "tuf"])
    func script(dialect: String) throws {
        let rehearsal = try RehearsalBundles.directory(dialect)
        let scratch = try TemporaryDirectory("script")
        defer { scratch.remove() }
        let plan = rehearsal.appendingPathComponent("plans/03-root-rotation.yaml")
        let html = scratch.url.appendingPathComponent("script.html")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "print", plan.path, "--html", html.path])
        #expect(run.status == 0, "\(run.output)")
        let markup = try String(contentsOf: html, encoding: .utf8)
        Self.expectSelfContained(markup)
        // Never over an existing file.
        #expect(try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "print", plan.path, "--html", html.path]).status == 2)

        let check = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "check", plan.path, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
        let digest = try #require((json?["plan"] as? [String: Any])?["sha256"] as? String)
        let words = try #require((json?["plan"] as? [String: Any])?["words"] as? [String])
        let steps = try #require(json?["steps"] as? [[String: Any]])

        let pdf = scratch.url.appendingPathComponent("script.pdf")
        try HeadlessChromium.printToPDF(html, pdf)
        let first = try HeadlessChromium.text(pdf, page: 1)
        #expect(first.contains(digest), "page 1 has the digest in hex")
        #expect(first.contains(words[0]) && first.contains(words[31]), "page 1 has the digest in words")
        let text = try HeadlessChromium.text(pdf).replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        var position = text.startIndex
        for step in steps {
            let heading = "Step \(step["number"]!)/\(steps.count) — \(step["actor"]!):"
            let found = try #require(text.range(of: heading, range: position..<text.endIndex), "\(heading) in order")
            position = found.upperBound
        }
        for name in ["Alice", "Bob", "Carol", "Dave", "Wendy", "Officer"] {
            #expect(text.contains("\(name) ("), "a signature line for \(name)")
        }
        #expect(text.contains("Initials"))
    }

    @Test("audit --report: the verdict first, then steps with token serials, keys with fingerprints and attributes, signatures and outputs; findings highlighted")
    func report() throws {
        let rehearsal = try RehearsalBundles.directory("notary")
        let scratch = try TemporaryDirectory("report")
        defer { scratch.remove() }
        let clean = scratch.url.appendingPathComponent("clean.html")
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", rehearsal.appendingPathComponent("03-root-rotation").path, "--report", clean.path])
        #expect(run.status == 0, "\(run.output)")
        let markup = try String(contentsOf: clean, encoding: .utf8)
        Self.expectSelfContained(markup)
        let pdf = scratch.url.appendingPathComponent("clean.pdf")
        try HeadlessChromium.printToPDF(clean, pdf)
        let text = try HeadlessChromium.text(pdf)
        let first = try HeadlessChromium.text(pdf, page: 1)
        let verdictOnPage1 = first.contains("PASSED: root-rotation (notary), REHEARSAL")
        #expect(verdictOnPage1)
        let verdict = try #require(text.range(of: "PASSED"))
        let steps = try #require(text.range(of: "Steps"))
        #expect(verdict.lowerBound < steps.lowerBound, "the verdict comes first")
        let headings = ["Findings", "Keys", "Signatures", "Outputs", "Auditor (name, signature, date)"].filter { !text.contains($0) }
        #expect(headings.isEmpty, "headings missing")
        let manifest = try Data(contentsOf: rehearsal.appendingPathComponent("03-root-rotation/public/manifest.json"))
        let files = try #require((try JSONSerialization.jsonObject(with: manifest) as? [String: Any])?["files"] as? [String: String])
        let plain = text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
        let missing = files.filter { !plain.contains($0.value) }.map(\.key).sorted()
        #expect(missing.isEmpty, "output digests not printed in full")
        let transcript = try String(contentsOf: rehearsal.appendingPathComponent("03-root-rotation/public/transcript.jsonl"), encoding: .utf8)
        let serial = try #require(transcript.range(of: "\"serial\":\"")).upperBound
        let serialPrinted = text.contains(String(transcript[serial...].prefix(16)))
        #expect(serialPrinted, "a token serial")
        let attributesPrinted = plain.contains("never_extractable=true")
        #expect(attributesPrinted)

        // A bundle with a finding: the verdict says FAILED and the finding is in a highlighted row.
        let bundle = try RehearsalBundles.copy("notary", stage: "01-root-generation", into: scratch)
        try Data("later\n".utf8).write(to: bundle.appendingPathComponent("public/notes.txt"))
        let failed = scratch.url.appendingPathComponent("failed.html")
        #expect(try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path, "--report", failed.path]).status == 1)
        let failedMarkup = try String(contentsOf: failed, encoding: .utf8)
        #expect(failedMarkup.contains("<tr class=\"error\">") && failedMarkup.contains("notes.txt"))
        let failedPDF = scratch.url.appendingPathComponent("failed.pdf")
        try HeadlessChromium.printToPDF(failed, failedPDF)
        let failedFirst = try HeadlessChromium.text(failedPDF, page: 1)
        #expect(failedFirst.contains("FAILED:"))
        #expect(failedFirst.contains("notes.txt"))
    }
}
