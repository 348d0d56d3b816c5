import Foundation

/// A self-contained HTML page for people to read and sign: no scripts, no network (no links to
/// fetch, no fonts or images from elsewhere), one inline stylesheet with print rules (A4,
/// tables not split mid-row, findings highlighted in print too).
package struct HTMLDocument: Sendable, Equatable {
    package var title: String
    /// The body's HTML, already escaped where it holds text.
    package var body: String

    package init(title: String, body: String) {
        self.title = title
        self.body = body
    }

    /// The whole page.
    package var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>\(Self.escape(title))</title>
        <style>\(Self.stylesheet)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// Text made safe to put between tags or in an attribute.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A table: escaped header and cells; `widths` (percentages) fix the columns so that digests
    /// print whole, `mono` names the columns of digests and serials, and `rowClass` marks rows
    /// (such as findings) to highlight.
    package static func table(_ header: [String], _ rows: [[String]], widths: [Int] = [], mono: Set<Int> = [],
                              rowClass: (Int) -> String? = { _ in nil }) -> String {
        var html = "<table>\n"
        if !widths.isEmpty { html += "<colgroup>" + widths.map { "<col style=\"width: \($0)%\">" }.joined() + "</colgroup>\n" }
        html += "<thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (index, row) in rows.enumerated() {
            let cls = rowClass(index).map { " class=\"\($0)\"" } ?? ""
            html += "<tr\(cls)>" + row.enumerated().map { column, cell in
                mono.contains(column) ? "<td class=\"mono\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static let stylesheet = """
    body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10.5pt; color: #000; margin: 2em; }
    h1 { font-size: 17pt; margin-bottom: 0.2em; }
    h2 { font-size: 13pt; border-bottom: 1px solid #444; margin-top: 1.4em; }
    * { box-sizing: border-box; }
    table { border-collapse: collapse; width: 99%; margin: 0.5em 0; table-layout: fixed; }
    th, td { border: 1px solid #888; padding: 3px 5px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
    th { background: #eee; }
    .mono, td.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
    .verdict { font-size: 14pt; font-weight: bold; padding: 0.5em; border: 3px solid #000; }
    .passed { border-color: #1a7f37; background: #e6f4ea; }
    .failed { border-color: #b00020; background: #fde7ea; }
    tr.error td { background: #fde7ea; font-weight: bold; }
    tr.notice td { background: #fff8e1; }
    .box { display: inline-block; width: 0.9em; height: 0.9em; border: 1.5px solid #000; margin-right: 0.4em; }
    .copy { display: block; border-bottom: 1px solid #000; height: 1.6em; margin: 0.3em 0 0.6em 0; }
    .signature { margin-top: 2.2em; border-top: 1px solid #000; width: 60%; padding-top: 2px; }
    @page { size: A4; margin: 15mm; }
    @media print {
      body { margin: 0; }
      tr, .signature, .step { page-break-inside: avoid; break-inside: avoid; }
      thead { display: table-header-group; }
      tr.error td, .failed, .passed, tr.notice td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    """
}

/// Writes documents for people: a new file only, never over an existing one.
package enum HTMLFile {
    package static func write(_ document: HTMLDocument, to url: URL) throws {
        try SafeFile.create(url, contents: Data(document.html.utf8))
    }
}
