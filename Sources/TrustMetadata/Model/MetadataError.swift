/// Why metadata could not be read or built.
///
/// Reading errors carry the field path so a reviewer can find the problem in a
/// file; building errors say which input was unusable.
public enum MetadataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not JSON.
    case malformedJSON(JSONParseError)
    /// A field is missing or has the wrong type or value.
    case invalidField(path: String, reason: String)
    /// A key could not be decoded or uses an algorithm this tool does not support.
    case unsupportedKey(String)
    /// A signature could not be produced or failed its own check.
    case signingFailed(String)
    /// A value cannot be written as canonical JSON.
    case notCanonical(String)

    public var description: String {
        switch self {
        case .malformedJSON(let error): return error.description
        case .invalidField(let path, let reason): return "\(path): \(reason)"
        case .unsupportedKey(let reason): return "unsupported key: \(reason)"
        case .signingFailed(let reason): return "signing failed: \(reason)"
        case .notCanonical(let reason): return reason
        }
    }
}
