/// Writes indented JSON the way python-tuf writes metadata files (indent 1, sorted keys).
///
/// Whitespace outside `signed` does not matter to any client, but files that look
/// like the peer's own are easier to diff in a ceremony review. Control characters
/// are escaped so the output is valid JSON; other text is written raw, which
/// round-trips to the same values (and so the same canonical `signed` bytes).
public struct PrettyJSONEncoder {
    /// Encodes a value, keeping member order when `sortKeys` is false.
    public static func encode(_ value: JSONValue, sortKeys: Bool = true) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        write(value, indent: 0, sortKeys: sortKeys, into: &output)
        return output
    }

    private static func newline(_ indent: Int, into output: inout [UInt8]) {
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    private static func write(_ value: JSONValue, indent: Int, sortKeys: Bool, into output: inout [UInt8]) {
        switch value {
        case .null, .bool, .integer, .bigInteger:
            // Infallible for these cases.
            try? CanonicalJSONEncoder.write(value, into: &output)
        case .decimal(let text): output.append(contentsOf: text.utf8)
        case .string(let s): writeEscaped(s, into: &output)
        case .array(let elements):
            if elements.isEmpty { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &output)
                write(element, indent: indent + 1, sortKeys: sortKeys, into: &output)
            }
            newline(indent, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.count == 0 { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            let order = sortKeys ? CanonicalJSONEncoder.sortedMemberIndices(object) : Array(object.members.indices)
            for (n, i) in order.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &output)
                writeEscaped(object.members[i].name, into: &output)
                output.append(contentsOf: ": ".utf8)
                write(object.members[i].value, indent: indent + 1, sortKeys: sortKeys, into: &output)
            }
            newline(indent, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a string escaping quotes, backslashes and control characters (valid RFC 8259 JSON).
    static func writeEscaped(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case ..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                output.append(contentsOf: "\\u00".utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
