import Foundation
import Yams

/// Strict readers over composed YAML nodes.
///
/// Plans are read from `Yams.compose` nodes rather than decoded with `Codable`
/// because every finding must point at a line and column, and because an
/// unknown key must be an error rather than silently ignored (a misspelt
/// `threshhold:` would otherwise fall back to nothing at all).
enum StrictYAML {
    /// Composes `text` into a node tree, turning YAML syntax errors into
    /// located diagnostics.
    static func compose(_ text: String, sink: DiagnosticSink) -> Node? {
        if let (line, column) = AnchorScanner.firstAnchor(in: text) {
            sink.error(line: line, column: column,
                       "anchors and aliases (&name, *name) are not allowed; write each value out in full")
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                sink.error(at: nil, "the document is empty; expected a YAML mapping")
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _),
                 .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                sink.error(at: mark, "not valid YAML: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                sink.error(at: context.mark, "duplicate key \(names); each key may appear only once in a mapping")
            case .reader(let problem, _, _, _):
                sink.error(at: nil, "not valid YAML text: \(problem)")
            default:
                sink.error(at: nil, "not valid YAML: the document cannot be read as a plain YAML mapping")
            }
            return nil
        } catch {
            sink.error(at: nil, "not valid YAML: the document cannot be read as a plain YAML mapping")
            return nil
        }
    }

    /// A plain scalar that YAML reads as null: empty, `~` or `null`.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A short noun for a node's kind, for "found a sequence" messages.
    static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if isNull(node) { return "nothing (null)" }
            return "the text '\(node.scalar?.string ?? "")'"
        }
    }

    /// Reads a non-empty string scalar.
    static func string(_ node: Node, _ what: String, sink: DiagnosticSink) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            sink.error(node, "\(what) must be text, found \(kind(node))")
            return nil
        }
        let value = scalar.string
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            sink.error(node, "\(what) must not be empty")
            return nil
        }
        return value
    }

    /// Reads a plain decimal integer scalar; quoted numbers are text, not integers.
    static func int(_ node: Node, _ what: String, sink: DiagnosticSink) -> Int? {
        guard case .scalar(let scalar) = node,
              scalar.style == .plain || scalar.style == .any,
              !scalar.string.isEmpty,
              scalar.string.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(scalar.string)
        else {
            sink.error(node, "\(what) must be a whole number, found \(kind(node))")
            return nil
        }
        return value
    }

    /// Reads a plain `true` or `false`; quoted text and YAML 1.1 spellings (`yes`, `on`) are refused.
    static func bool(_ node: Node, _ what: String, sink: DiagnosticSink) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
              ["true", "false"].contains(scalar.string) else {
            sink.error(node, "\(what) must be true or false, found \(kind(node))")
            return nil
        }
        return scalar.string == "true"
    }

    /// Reads a list of nodes.
    static func sequence(_ node: Node, _ what: String, sink: DiagnosticSink) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            sink.error(node, "\(what) must be a list, found \(kind(node))")
            return nil
        }
        return Array(sequence)
    }
}

/// A YAML mapping read strictly: only known keys are allowed, and required
/// keys are reported at the mapping's own location when missing.
struct StrictMapping {
    let node: Node
    let mapping: Node.Mapping
    /// How the mapping is named in messages, such as "the plan" or "root".
    let what: String
    let sink: DiagnosticSink

    /// Reads `node` as a mapping, or reports what it was instead.
    init?(_ node: Node, _ what: String, sink: DiagnosticSink) {
        guard case .mapping(let mapping) = node else {
            sink.error(node, "\(what) must be a mapping of keys to values, found \(StrictYAML.kind(node))")
            return nil
        }
        self.node = node
        self.mapping = mapping
        self.what = what
        self.sink = sink
    }

    /// The keys in document order, each with its node.
    var entries: [(key: String, keyNode: Node, value: Node)] {
        mapping.compactMap { pair in
            guard case .scalar(let scalar) = pair.key else { return nil }
            return (scalar.string, pair.key, pair.value)
        }
    }

    /// Reports every key that is not in `allowed`, and every non-text key.
    func rejectUnknownKeys(allowed: [String]) {
        for pair in mapping {
            guard case .scalar(let scalar) = pair.key else {
                sink.error(pair.key, "keys in \(what) must be plain text, found \(StrictYAML.kind(pair.key))")
                continue
            }
            if !allowed.contains(scalar.string) {
                let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
                sink.error(pair.key, "unknown key '\(scalar.string)' in \(what); expected one of \(list)")
            }
        }
    }

    /// The value of `key`, or nil (without a diagnostic) when absent.
    /// A key written with no value counts as absent.
    func optional(_ key: String) -> Node? {
        guard let value = raw(key), !StrictYAML.isNull(value) else { return nil }
        return value
    }

    /// The value of `key` as written, null or not; keys match by text alone,
    /// whatever their quoting.
    func raw(_ key: String) -> Node? {
        mapping.first { pair in
            if case .scalar(let scalar) = pair.key { return scalar.string == key }
            return false
        }?.value
    }

    /// The value of `key`, or a "missing" diagnostic that says what was expected.
    func required(_ key: String, expected: String) -> Node? {
        if let value = optional(key) { return value }
        if let present = raw(key) {
            sink.error(present, "'\(key)' in \(what) has no value; expected \(expected)")
        } else {
            sink.error(node, "\(what) is missing '\(key)'; expected \(expected)")
        }
        return nil
    }
}
