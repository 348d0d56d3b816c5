/// Finds YAML anchors (`&name`) in a document's text before it is composed.
///
/// Plans have no use for anchors and aliases, and aliases let a small file
/// expand into an enormous tree ("billion laughs") that would hang the
/// parser's duplicate-key check and any walk over the tree. Without an anchor
/// no alias can resolve, so refusing anchors up front is enough.
///
/// The scan is deliberately simple: it skips comments and quoted scalars and
/// reports `&` followed by a name where a YAML node can start (line start,
/// after `- `, `: `, `? `, `[`, `{` or `,`). An `&` inside plain text, as in
/// `R&D` or `Tom & Jerry`, is not an anchor and is left alone.
enum AnchorScanner {
    /// The 1-based line and column of the first anchor, if any.
    static func firstAnchor(in text: String) -> (line: Int, column: Int)? {
        var line = 1
        var column = 0
        var quote: Character?
        var atNodeStart = true  // only indentation or an indicator so far
        var previous: Character = "\n"
        var inComment = false
        var inTag = false  // inside a node's tag (`!!seq`), after which the node's properties go on
        var iterator = text.makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            column += 1
            defer { previous = character }
            if character == "\n" {
                line += 1
                column = 0
                inComment = false
                if quote == nil { atNodeStart = true }
                continue
            }
            if inComment { continue }
            if let open = quote {
                if open == "\"" && character == "\\" {
                    // Skip the escaped character.
                    if pending != nil && pending != "\n" {
                        pending = iterator.next()
                        column += 1
                    }
                } else if character == open {
                    if open == "'" && pending == "'" {
                        pending = iterator.next()
                        column += 1
                    } else {
                        quote = nil
                        atNodeStart = false
                    }
                }
                continue
            }
            if character == "#" && (previous == " " || previous == "\t" || previous == "\n") {
                inComment = true
                continue
            }
            if character == " " || character == "\t" {
                if previous == ":" || previous == "-" || previous == "?" || inTag { atNodeStart = true }
                inTag = false
                continue
            }
            if inTag { continue }
            if "[{,".contains(character) {
                atNodeStart = true
                continue
            }
            if atNodeStart {
                if character == "&", let next = pending, next != " ", next != "\t", next != "\n" {
                    return (line, column)
                }
                if character == "\"" || character == "'" {
                    quote = character
                    continue
                }
                if character == "!" {
                    // A tag (`!!seq`, `!local`) may come before an anchor: `!!seq &a [x]`.
                    inTag = true
                    continue
                }
                if character == "-" || character == ":" || character == "?" {
                    // An indicator; a following space keeps us at a node start.
                    continue
                }
            }
            atNodeStart = false
        }
        return nil
    }
}
