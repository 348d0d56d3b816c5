import PKCS11
import Yams

/// Readers for values that plans and site profiles share.
enum FieldReaders {
    /// Reads `{label: …}`, `{serial: …}` or `{uri: pkcs11:…}`: exactly one of them.
    static func tokenSelector(_ node: Node, _ what: String, sink: DiagnosticSink) -> TokenSelector? {
        guard let map = StrictMapping(node, what, sink: sink) else { return nil }
        let kinds = ["label", "serial", "uri"]
        map.rejectUnknownKeys(allowed: kinds)
        let present = map.entries.filter { kinds.contains($0.key) }
        guard present.count == 1, let entry = present.first else {
            let found = present.isEmpty ? "none" : present.map { "'\($0.key)'" }.joined(separator: " and ")
            sink.error(node, "\(what) must have exactly one of 'label', 'serial' or 'uri', found \(found)")
            return nil
        }
        guard let value = StrictYAML.string(entry.value, "\(what) \(entry.key)", sink: sink) else { return nil }
        switch entry.key {
        case "label":
            guard value.utf8.count <= 32 else {
                sink.error(entry.value, "\(what) label '\(value)' is \(value.utf8.count) bytes; PKCS#11 token labels are at most 32 bytes")
                return nil
            }
            return .label(value)
        case "serial":
            guard value.utf8.count <= 16 else {
                sink.error(entry.value, "\(what) serial '\(value)' is \(value.utf8.count) bytes; PKCS#11 serial numbers are at most 16 bytes")
                return nil
            }
            return .serial(value)
        default:
            guard value.hasPrefix("pkcs11:"), !value.contains(where: \.isWhitespace) else {
                sink.error(entry.value, "\(what) uri must be a pkcs11: URI (RFC 7512) without spaces, such as 'pkcs11:token=root-a'")
                return nil
            }
            do {
                return .uri(try PKCS11URI(value))
            } catch {
                sink.error(entry.value, "\(what): \(error)")
                return nil
            }
        }
    }

    /// Reads a module path or alias.
    static func module(_ node: Node, _ what: String, sink: DiagnosticSink) -> ModuleReference? {
        guard let text = StrictYAML.string(node, what, sink: sink) else { return nil }
        guard let module = ModuleReference(text) else {
            let aliases = ModuleReference.Alias.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            sink.error(node, "\(what) '\(text)' must be an absolute path to a PKCS#11 module or one of \(aliases)")
            return nil
        }
        return module
    }

    /// Reads a person's name: text without control characters, at most 64 characters.
    static func personName(_ node: Node, _ what: String, sink: DiagnosticSink) -> String? {
        guard let name = StrictYAML.string(node, what, sink: sink) else { return nil }
        guard name.count <= 64, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            sink.error(node, "\(what) '\(name)' must be a name of at most 64 characters on one line")
            return nil
        }
        return name
    }

    /// Reads a list of distinct people's names.
    static func people(_ node: Node, _ what: String, sink: DiagnosticSink) -> [String]? {
        guard let items = StrictYAML.sequence(node, what, sink: sink) else { return nil }
        var names: [String] = []
        var ok = true
        for item in items {
            guard let name = personName(item, "each of \(what)", sink: sink) else {
                ok = false
                continue
            }
            if names.contains(name) {
                sink.error(item, "'\(name)' appears twice in \(what)")
                ok = false
            }
            names.append(name)
        }
        return ok ? names : nil
    }

    /// Reads an identifier such as a key name: letters, digits, `.`, `_`, `-`.
    static func identifier(_ node: Node, _ what: String, sink: DiagnosticSink) -> String? {
        guard let name = StrictYAML.string(node, what, sink: sink) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSetLite.isAlphanumeric($0) || "._-".unicodeScalars.contains($0)) }
        guard allowed, name.count <= 64, name.first != "." else {
            sink.error(node, "\(what) '\(name)' must be at most 64 letters, digits, '.', '_' or '-', not starting with '.'")
            return nil
        }
        return name
    }

    /// Reads a repository name or Notary GUN. It becomes folders in the
    /// bundle, so `.`/`..` segments, empty segments and odd characters are refused.
    static func repositoryName(_ node: Node, _ what: String, sink: DiagnosticSink) -> String? {
        guard let name = StrictYAML.string(node, what, sink: sink) else { return nil }
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        let segmentOK: (Substring) -> Bool = { segment in
            !segment.isEmpty && segment != "." && segment != ".." &&
                segment.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSetLite.isAlphanumeric($0) || "._-:".unicodeScalars.contains($0)) }
        }
        guard name.utf8.count <= 255, segments.allSatisfy(segmentOK) else {
            sink.error(node, "\(what) '\(name)' must be slash-separated parts of letters, digits, '.', '_', '-' or ':', such as 'docker.io/library/app', with no empty, '.' or '..' parts")
            return nil
        }
        return name
    }
}

/// ASCII character classes without Foundation's `CharacterSet` bridging.
enum CharacterSetLite {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
