/// A TUF delegation path pattern, matched as python-tuf 7.0.1 matches it.
///
/// python-tuf splits the target path and the pattern on `/`, requires the same number
/// of parts, and matches each part with `fnmatch.fnmatchcase`: so `*` never crosses a
/// `/`, `?` is one character, `[…]`/`[!…]` are sets with ranges, matching is
/// case-sensitive and there is no escape character. Sets follow CPython 3.11's
/// `fnmatch.translate` exactly, including its quirks (a `[` without a closing `]` is a
/// literal, reversed ranges are dropped), because a pattern that means something else
/// here than in the client would let a role sign for targets the client never takes
/// from it, or flag targets the client does take.
enum PathPattern {
    /// Whether `path` matches `pattern`.
    static func matches(_ path: String, pattern: String) -> Bool {
        // Code points, as python compares them: Characters would merge "/" with a combining mark.
        let pathParts = path.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
        let patternParts = pattern.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
        guard pathParts.count == patternParts.count else { return false }
        for (part, partPattern) in zip(pathParts, patternParts) {
            guard matchesPart(Array(part), tokens(Array(partPattern))) else { return false }
        }
        return true
    }

    private enum Token: Equatable {
        case star
        case anyCharacter
        case literal(Unicode.Scalar)
        /// A bracket set as inclusive scalar ranges; an empty, non-negated set never matches.
        case set(negated: Bool, ranges: [ClosedRange<UInt32>])
    }

    /// `*`, `?` and `[…]` as CPython's `fnmatch.translate` reads them.
    private static func tokens(_ p: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        let n = p.count
        while i < n {
            let c = p[i]
            i += 1
            switch c {
            case "*":
                if tokens.last != .star { tokens.append(.star) }
            case "?":
                tokens.append(.anyCharacter)
            case "[":
                var j = i
                if j < n, p[j] == "!" { j += 1 }
                if j < n, p[j] == "]" { j += 1 }
                while j < n, p[j] != "]" { j += 1 }
                guard j < n else {
                    tokens.append(.literal("["))
                    continue
                }
                tokens.append(set(chunks(p, from: i, to: j)))
                i = j + 1
            default:
                tokens.append(.literal(c))
            }
        }
        return tokens
    }

    /// The set's text split at the hyphens that make ranges, with reversed ranges removed,
    /// as `fnmatch.translate` does before joining the chunks with `-`.
    private static func chunks(_ p: [Unicode.Scalar], from start: Int, to end: Int) -> [[Unicode.Scalar]] {
        let stuff = p[start..<end]
        guard stuff.contains("-") else { return [Array(stuff)] }
        var chunks: [[Unicode.Scalar]] = []
        var i = start
        var k = p[start] == "!" ? start + 2 : start + 1
        while k < end, let hyphen = p[k..<end].firstIndex(of: "-") {
            chunks.append(Array(p[i..<hyphen]))
            i = hyphen + 1
            k = hyphen + 3
        }
        if i < end {
            chunks.append(Array(p[i..<end]))
        } else if !chunks.isEmpty {
            chunks[chunks.count - 1].append("-")
        }
        var index = chunks.count - 1
        while index > 0 {
            if let last = chunks[index - 1].last, let first = chunks[index].first, last.value > first.value {
                chunks[index - 1] = chunks[index - 1].dropLast() + chunks[index].dropFirst()
                chunks.remove(at: index)
            }
            index -= 1
        }
        return chunks
    }

    /// The token for joined chunks: the last character of one chunk and the first of the
    /// next form a range; every other character, hyphens included, stands for itself.
    private static func set(_ chunks: [[Unicode.Scalar]]) -> Token {
        var chunks = chunks
        let total = chunks.reduce(0) { $0 + $1.count } + max(0, chunks.count - 1)
        if total == 0 { return .set(negated: false, ranges: []) }  // never matches
        if total == 1, chunks.first == ["!"] { return .anyCharacter }
        var negated = false
        if chunks.first?.first == "!" {
            negated = true
            chunks[0].removeFirst()
        }
        var ranges: [ClosedRange<UInt32>] = []
        for (c, chunk) in chunks.enumerated() {
            let start = c > 0 ? 1 : 0
            var end = chunk.count
            if c < chunks.count - 1, let low = chunk.last, let high = chunks[c + 1].first {
                end -= 1
                // Reversed ranges were removed above; python would raise on one, so it matches nothing here.
                if low.value <= high.value { ranges.append(low.value...high.value) }
            }
            if start < end { ranges += chunk[start..<end].map { $0.value...$0.value } }
        }
        return .set(negated: negated, ranges: ranges)
    }

    /// Glob matching with one backtracking point per `*`, linear in practice.
    private static func matchesPart(_ s: [Unicode.Scalar], _ tokens: [Token]) -> Bool {
        var si = 0, ti = 0
        var starToken: Int?
        var starPosition = 0
        while si < s.count {
            if ti < tokens.count, tokens[ti] != .star, matches(tokens[ti], s[si]) {
                si += 1
                ti += 1
            } else if ti < tokens.count, tokens[ti] == .star {
                starToken = ti
                starPosition = si
                ti += 1
            } else if let star = starToken {
                starPosition += 1
                si = starPosition
                ti = star + 1
            } else {
                return false
            }
        }
        while ti < tokens.count, tokens[ti] == .star { ti += 1 }
        return ti == tokens.count
    }

    private static func matches(_ token: Token, _ c: Unicode.Scalar) -> Bool {
        switch token {
        case .star, .anyCharacter: return true
        case .literal(let l): return l == c
        case .set(let negated, let ranges): return ranges.contains { $0.contains(c.value) } != negated
        }
    }
}
