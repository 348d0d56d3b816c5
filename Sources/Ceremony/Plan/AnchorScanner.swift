import CYaml

/// Finds YAML anchors (`&name`) and aliases (`*name`) in a document by asking the
/// YAML parser itself (libyaml's event parser, the one `Yams.compose` is built on),
/// before any node is composed.
///
/// Plans have no use for anchors and aliases, and aliases let a small file expand
/// into an enormous tree ("billion laughs") that would hang the parser's
/// duplicate-key check and any walk over the tree. Reading the parser's own
/// events means this check and the composer always agree on what is an anchor —
/// whatever the line endings (LF, CRLF, CR) and wherever an `&` sits — and the
/// work is bounded by the length of the text: events are only read, never expanded.
///
/// A document libyaml cannot parse has no anchor to report; `Yams.compose` then
/// reports the syntax error with its location.
enum AnchorScanner {
    /// The 1-based line and column of the first anchor or alias, if any.
    ///
    /// The location is libyaml's start mark of the node that carries the anchor (its
    /// first property, tag or anchor) or of the alias.
    static func firstAnchor(in text: String) -> (line: Int, column: Int)? {
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let hasAnchor: Bool
                switch event.type {
                case YAML_ALIAS_EVENT: hasAnchor = true
                case YAML_SCALAR_EVENT: hasAnchor = event.data.scalar.anchor != nil
                case YAML_SEQUENCE_START_EVENT: hasAnchor = event.data.sequence_start.anchor != nil
                case YAML_MAPPING_START_EVENT: hasAnchor = event.data.mapping_start.anchor != nil
                case YAML_STREAM_END_EVENT, YAML_NO_EVENT: return nil
                default: hasAnchor = false
                }
                if hasAnchor {
                    return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1)
                }
            }
        }
    }
}
