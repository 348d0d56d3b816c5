import Foundation
import Testing
@testable import Ceremony

@Suite("Anchors and aliases are refused before parsing")
struct AnchorScannerTests {
    @Test("anchors where a node starts are found", arguments: [
        ("a: &x 1\nb: *x\n", 1, 4),
        ("list:\n  - &first one\n", 2, 5),
        ("flow: [a, &b c]\n", 1, 11),
        ("&top\nkey: v\n", 1, 1),
        ("? &k key\n: v\n", 1, 3),
        // A tag may come first: the anchor after it is still found.
        ("a: !!seq &a [x]\nb: *a\n", 1, 10),
        ("- !local &n v\n", 1, 10),
        ("[!!str &s v]\n", 1, 8),
    ])
    func found(text: String, line: Int, column: Int) throws {
        let anchor = try #require(AnchorScanner.firstAnchor(in: text))
        #expect(anchor.line == line && anchor.column == column)
    }

    @Test("ampersands in text, quotes and comments are not anchors", arguments: [
        "description: R&D roots\n",
        "description: Tom & Jerry\n",
        "description: \"a &b\"\n",
        "description: 'it''s &b'\n",
        "key: value # &not-an-anchor\n",
        "# &comment\nkey: v\n",
        "description: \"escaped \\\" &still-quoted\"\n",
        "description: Wow! &more text\n",
    ])
    func notFound(text: String) {
        #expect(AnchorScanner.firstAnchor(in: text) == nil)
    }

    @Test("a billion-laughs plan is refused quickly, with the anchor's location")
    func billionLaughs() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        lines.append("? *a9\n: x")
        let errors = errorLines(lines.joined(separator: "\n") + "\n")
        #expect(errors == ["plan.yaml:1:5: anchors and aliases (&name, *name) are not allowed; write each value out in full"])
    }
}
