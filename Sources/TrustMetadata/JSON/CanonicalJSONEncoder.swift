import Foundation

/// Writes OLPC canonical JSON, the form both TUF and Notary sign.
///
/// Members are sorted by the UTF-8 bytes of their names (the same order as Python's
/// and Go's string comparison), there is no whitespace, only `"` and `\` are
/// escaped and everything else, including newlines and non-ASCII, is written raw.
/// Non-integer numbers are refused, as canonical JSON has none.
///
/// Output goes into one growing `[UInt8]`. Members already in byte order (as python-tuf,
/// notary and this tool write them) are written in place; only an object that is not
/// gets a sort order, so the cost is linear in the output apart from that sorting.
public struct CanonicalJSONEncoder {
    /// A value that canonical JSON cannot express.
    public struct UnrepresentableValue: Error, Hashable, Sendable, CustomStringConvertible {
        /// The number as it was written.
        public var number: String
        public var description: String { "canonical JSON cannot hold the non-integer number \(number)" }
    }

    /// Encodes a value to canonical bytes.
    public static func encode(_ value: JSONValue) throws(UnrepresentableValue) -> [UInt8] {
        try encode(value, reservingCapacity: 256)
    }

    /// Encodes a value to canonical bytes, reserving room for `capacity` bytes first (the
    /// size of the file it was read from is a close upper bound and saves regrowing).
    static func encode(_ value: JSONValue, reservingCapacity capacity: Int) throws(UnrepresentableValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        try write(value, into: &output)
        return output
    }

    /// The canonical bytes of `object` with the values of some members replaced by their
    /// canonical bytes computed elsewhere (a ``CanonicalMemberTable`` read straight from a
    /// file, a value found again in a ``ParsedValueMemo``).
    static func encode(_ object: JSONObject, substituting known: [KnownCanonical],
                       reservingCapacity capacity: Int) throws(UnrepresentableValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        output.append(UInt8(ascii: "{"))
        let members = object.members
        for (n, i) in sortedMemberIndices(object).enumerated() {
            if let replacement = known.first(where: { isSameText($0.name, members[i].name) }) {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                writeString(replacement.name, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(contentsOf: replacement.canonical)
            } else {
                try writeMember(members[i], first: n == 0, into: &output)
            }
        }
        output.append(UInt8(ascii: "}"))
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
            let members = object.members
            if isSorted(members) {
                for i in members.indices {
                    try writeMember(members[i], first: i == 0, into: &output)
                }
            } else {
                for (n, i) in sortedMemberIndices(object).enumerated() {
                    try writeMember(members[i], first: n == 0, into: &output)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func writeMember(_ member: (name: String, value: JSONValue), first: Bool,
                                    into output: inout [UInt8]) throws(UnrepresentableValue) {
        if !first { output.append(UInt8(ascii: ",")) }
        writeString(member.name, into: &output)
        output.append(UInt8(ascii: ":"))
        try write(member.value, into: &output)
    }

    /// Whether the members are already in canonical order (names strictly ascending as bytes;
    /// names are unique, so ascending is strict).
    static func isSorted(_ members: [(name: String, value: JSONValue)]) -> Bool {
        var i = 1
        while i < members.count {
            if !precedes(members[i - 1].name, members[i].name) { return false }
            i += 1
        }
        return true
    }

    /// Member positions ordered by the UTF-8 bytes of their names.
    static func sortedMemberIndices(_ object: JSONObject) -> [Int] {
        let members = object.members
        var order = Array(members.indices)
        if isSorted(members) { return order }
        order.sort { precedes(members[$0].name, members[$1].name) }
        return order
    }

    /// Whether `a` sorts before `b` by UTF-8 bytes (Python's and Go's string order).
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in utf8Order(x, y) < 0 } }
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
        var string = string
        string.withUTF8 { bytes in
            // Runs without `"` or `\\` are copied whole.
            var start = 0
            for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                output.append(UInt8(ascii: "\\"))
                start = i
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// The canonical bytes of one member's value, worked out before the object holding it is
/// encoded (``CanonicalJSONEncoder/encode(_:substituting:reservingCapacity:)``).
struct KnownCanonical: Sendable {
    /// The member's name.
    var name: String
    /// The canonical bytes of its value.
    var canonical: [UInt8]
}
