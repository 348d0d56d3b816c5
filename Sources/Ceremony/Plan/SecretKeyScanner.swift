import Yams

/// Finds mapping keys anywhere in a document that look like they hold a secret.
///
/// A plan is printed, reviewed and archived with the ceremony's public output,
/// so it must never hold a PIN or password. Rather than trusting that nobody
/// will add one under an unknown or opaque key (such as inside `backup:`),
/// every key in the whole document is checked, before anything else.
enum SecretKeyScanner {
    /// Words that, as a whole key, a word of a key, or a key's ending, mark a secret.
    static let secretWords = ["pin", "pins", "password", "passwords", "passwd", "passphrase",
                              "passphrases", "secret", "secrets", "pwd"]
    /// Endings that mark a secret even when glued to other words (`userpin`, `sopassword`).
    static let secretSuffixes = ["pin", "password", "passwd", "passphrase", "secret"]

    /// Whether a key name looks like it names a secret; case-insensitive.
    static func looksSecret(_ key: String) -> Bool {
        let words = splitWords(key)
        if words.contains(where: secretWords.contains) { return true }
        let squashed = words.joined()
        return secretSuffixes.contains { squashed.hasSuffix($0) }
    }

    /// The most nodes a plan may have; far above any real plan, it bounds
    /// the walk should a document still manage to repeat itself.
    static let nodeBudget = 100_000

    /// Reports every secret-looking key under `node`.
    static func scan(_ node: Node, sink: DiagnosticSink) {
        var budget = nodeBudget
        scan(node, sink: sink, budget: &budget)
        if budget < 0 {
            sink.error(at: nil, "the document has more than \(nodeBudget) values; a plan is a short file")
        }
    }

    private static func scan(_ node: Node, sink: DiagnosticSink, budget: inout Int) {
        budget -= 1
        guard budget >= 0 else { return }
        switch node {
        case .mapping(let mapping):
            for pair in mapping {
                if case .scalar(let scalar) = pair.key, looksSecret(scalar.string) {
                    sink.error(pair.key, "'\(scalar.string)' looks like a secret; plans and profiles must never hold PINs, passwords or other secrets (PINs are typed at the holder's step)")
                }
                scan(pair.key, sink: sink, budget: &budget)
                scan(pair.value, sink: sink, budget: &budget)
            }
        case .sequence(let sequence):
            for item in sequence { scan(item, sink: sink, budget: &budget) }
        case .scalar, .alias:
            break
        }
    }

    /// Lower-cased words of a key, split at `_`, `-`, `.`, spaces and camelCase humps.
    static func splitWords(_ key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in key {
            if !(character.isLetter || character.isNumber) {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower && !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
