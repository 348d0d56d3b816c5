/// How a plan or site profile names the token a holder must insert.
///
/// Exactly one way is used per token, so that a reviewer can see what the
/// ceremony will insist on and the engine can refuse any other token.
public enum TokenSelector: Sendable, Hashable, CustomStringConvertible {
    /// The token's label (`CKA_LABEL` of the token info, up to 32 characters).
    case label(String)
    /// The token's serial number as the token reports it.
    case serial(String)
    /// An RFC 7512 `pkcs11:` URI.
    case uri(String)

    /// The kind of selector as written in YAML: `label`, `serial` or `uri`.
    public var kind: String {
        switch self {
        case .label: return "label"
        case .serial: return "serial"
        case .uri: return "uri"
        }
    }

    /// The selector's value.
    public var value: String {
        switch self {
        case .label(let value), .serial(let value), .uri(let value): return value
        }
    }

    /// How the token is named in step sentences: "token 'root-a'",
    /// "the token with serial 5c1e…", "the token at pkcs11:…".
    public var description: String {
        switch self {
        case .label(let label): return "token '\(label)'"
        case .serial(let serial): return "the token with serial \(serial)"
        case .uri(let uri): return "the token matching \(uri)"
        }
    }
}
