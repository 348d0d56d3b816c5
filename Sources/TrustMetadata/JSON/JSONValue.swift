/// A JSON value as trust metadata needs it.
///
/// Integers are kept exactly (`Int64`), because canonical JSON has no floats and
/// metadata versions, lengths and thresholds must never be rounded. An integer
/// beyond `Int64` (an unknown field holding 2^64, say) is kept as its decimal text,
/// so the canonical bytes that were signed are reproduced whatever its size, as
/// securesystemslib's `encode_canonical` writes Python's unbounded ints. A number with a
/// fraction or exponent is kept as its source text so that unknown fields still
/// round-trip through ``PrettyJSONEncoder``, while ``CanonicalJSONEncoder`` refuses it.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// An integer outside `Int64`, as its decimal digits (with `-` if negative).
    case bigInteger(String)
    /// A non-integer number, kept as written. Not allowed in canonical JSON.
    case decimal(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// Equality as the signed bytes see it: strings are equal only if their UTF-8
    /// bytes are (``ExactText``), so two documents that differ only in Unicode
    /// normalization are different documents.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.bigInteger(let a), .bigInteger(let b)): return a == b
        case (.decimal(let a), .decimal(let b)): return isSameText(a, b)
        case (.string(let a), .string(let b)): return isSameText(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .integer(let i): hasher.combine(2); hasher.combine(i)
        case .bigInteger(let digits): hasher.combine(3); hasher.combine(ExactText(digits))
        case .decimal(let text): hasher.combine(4); hasher.combine(ExactText(text))
        case .string(let s): hasher.combine(5); hasher.combine(ExactText(s))
        case .array(let a): hasher.combine(6); hasher.combine(a)
        case .object(let o): hasher.combine(7); hasher.combine(o)
        }
    }

    /// The string, if this value is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this value is one.
    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The boolean, if this value is one.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if this value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members, if this value is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Whether this value is JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the kind of value, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer, .bigInteger, .decimal: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
