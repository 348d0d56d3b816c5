/// Writes OLPC canonical JSON, the form both TUF and Notary sign.
///
/// Members are sorted by the UTF-8 bytes of their names (the same order as Python's
/// and Go's string comparison), there is no whitespace, only `"` and `\` are
/// escaped and everything else, including newlines and non-ASCII, is written raw.
/// Non-integer numbers are refused, as canonical JSON has none.
///
/// Output goes into one growing `[UInt8]`; the only other allocation is the sort
/// order of each object's members, so the cost is linear in the output apart from
/// the sorting.
public struct CanonicalJSONEncoder {
    /// A value that canonical JSON cannot express.
    public struct UnrepresentableValue: Error, Hashable, Sendable, CustomStringConvertible {
        /// The number as it was written.
        public var number: String
        public var description: String { "canonical JSON cannot hold the non-integer number \(number)" }
    }

    /// Encodes a value to canonical bytes.
    public static func encode(_ value: JSONValue) throws(UnrepresentableValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try write(value, into: &output)
        return output
    }

    /// Appends the canonical bytes of a value to `output`.
    public static func write(_ value: JSONValue, into output: inout [UInt8]) throws(UnrepresentableValue) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): writeInteger(i, into: &output)
        case .bigInteger(let digits): output.append(contentsOf: digits.utf8)
        case .decimal(let text): throw UnrepresentableValue(number: text)
        case .string(let s): writeString(s, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                try write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let order = sortedMemberIndices(object)
            var first = true
            for i in order {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                let member = object.members[i]
                writeString(member.name, into: &output)
                output.append(UInt8(ascii: ":"))
                try write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Member positions ordered by the UTF-8 bytes of their names.
    static func sortedMemberIndices(_ object: JSONObject) -> [Int] {
        let members = object.members
        var order = Array(members.indices)
        order.sort { members[$0].name.utf8.lexicographicallyPrecedes(members[$1].name.utf8) }
        return order
    }

    static func writeInteger(_ value: Int64, into output: inout [UInt8]) {
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        // Magnitude as UInt64 so Int64.min does not overflow.
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
        }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { buffer in
            for i in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[i]) }
        }
    }

    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(UInt8(ascii: "\\"))
            }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }
}
