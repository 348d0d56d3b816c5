import Foundation

/// One custodian's printable share card: name, ceremony digest words, share set, group and
/// member, and the share's words in numbered columns, with a print stylesheet (``HTMLDocument``).
///
/// The card holds a secret. It is written only to `DIR/shares/` (mode 0600), never to `public/`,
/// and is meant to be printed in the room and the file destroyed.
enum ShareCard {
    static func document(_ share: ShareHandout) -> HTMLDocument {
        let columns = 3
        let rows = (share.words.count + columns - 1) / columns
        var table: [[String]] = []
        for row in 0..<rows {
            var cells: [String] = []
            for column in 0..<columns {
                let index = column * rows + row
                cells += index < share.words.count ? ["\(index + 1)", share.words[index]] : ["", ""]
            }
            table.append(cells)
        }
        let header = Array(repeating: ["#", "word"], count: columns).flatMap { $0 }
        let body = """
        <h1>SLIP-39 share of \(HTMLDocument.escape(share.custodian))</h1>
        <p><strong>Keep this card secret.</strong> With enough other shares it recovers the root keys' backup key.
        Store it as your custodian instructions say; destroy the file it was printed from.</p>
        <p>\(HTMLDocument.escape(share.header))</p>
        <p>Ceremony digest words: \(HTMLDocument.escape(share.ceremonyDigestWords.joined(separator: " ")))</p>
        \(HTMLDocument.table(header, table, mono: Set([1, 3, 5])))
        <p>Custodian's signature: ______________________ &nbsp; Date: ____________</p>
        """
        return HTMLDocument(title: "Share card — \(share.custodian)", body: body)
    }
}
