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
        // A tag may come first: the anchor after it is still found, at the node's start.
        ("a: !!seq &a [x]\nb: *a\n", 1, 4),
        ("- !local &n v\n", 1, 3),
        ("[!!str &s v]\n", 1, 2),
        // Every line break YAML knows: CRLF and CR as well as LF, including alias keys.
        ("a: &a x\r\n? *a\r\n: v\r\n", 1, 4),
        ("a: 1\rb: &b x\r*b : v\r", 2, 4),
        ("a: 1\r\n*a : v\r\n", 2, 1),
        ("k: |\n  text\nm: &m v\n", 3, 4),
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
        // A block scalar line that starts with & is text, not an anchor.
        "description: |\n  &not-an-anchor\n  more\n",
        "description: >\r\n  &folded\r\n",
        "description: |\r  &cr-only\r",
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

@Suite("Plans with & in block scalars and any line endings")
struct AnchorScannerPlanTests {
    @Test("a block scalar line that starts with & is accepted in a whole plan, with LF, CRLF or CR")
    func blockScalarAmpersand() {
        let plan = validTUFPlan.replacingOccurrences(of: "description: Test root", with: "description: |\n  &R&D roots\n  second line")
        #expect(plan != validTUFPlan)
        for lineBreak in ["\n", "\r\n", "\r"] {
            #expect(errorLines(plan.replacingOccurrences(of: "\n", with: lineBreak)) == [], "line break \(Array(lineBreak.unicodeScalars))")
        }
    }

    @Test("an alias used as a mapping key is refused with CRLF and CR line endings too")
    func aliasKeysAnyLineEnding() {
        let plan = validTUFPlan + "x: &x [a, b]\n*x : v\n"
        for lineBreak in ["\n", "\r\n", "\r"] {
            let errors = errorLines(plan.replacingOccurrences(of: "\n", with: lineBreak))
            #expect(errors.count == 1 && errors[0].contains("anchors and aliases"), "\(errors)")
        }
    }
}
