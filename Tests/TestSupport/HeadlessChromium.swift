import Foundation

/// Debian's Chromium printing an HTML file to PDF, headless, and poppler's `pdftotext` reading
/// it back: the documents people sign are checked as printed, not as markup.
public enum HeadlessChromium {
    /// Prints `html` to `pdf` (no header or footer lines); throws when Chromium fails or writes nothing.
    public static func printToPDF(_ html: URL, _ pdf: URL) throws {
        var arguments = ["--headless", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(pdf.deletingLastPathComponent().path)/chromium-profile",
                         "--print-to-pdf=\(pdf.path)", html.absoluteString]
        // Chromium's sandbox refuses to run as root; the tests run as root in CI containers.
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        let run = try ProcessRunner.run("chromium", arguments)
        guard run.status == 0, FileManager.default.fileExists(atPath: pdf.path) else {
            throw TestSupportError("chromium did not print \(html.path): \(run.output)")
        }
    }

    /// The text of `pdf` (all pages, or one page), in reading order with layout kept.
    public static func text(_ pdf: URL, page: Int? = nil) throws -> String {
        var arguments = ["-layout"]
        if let page { arguments += ["-f", "\(page)", "-l", "\(page)"] }
        let run = try ProcessRunner.run("pdftotext", arguments + [pdf.path, "-"])
        guard run.status == 0 else { throw TestSupportError("pdftotext failed: \(run.output)") }
        return run.stdout
    }

    /// Pages in `pdf`, from `pdfinfo`.
    public static func pageCount(_ pdf: URL) throws -> Int {
        let run = try ProcessRunner.run("pdfinfo", [pdf.path])
        let line = run.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
        return Int(line.split(separator: " ").last ?? "") ?? 0
    }
}
