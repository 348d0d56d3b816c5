import PKCS11

/// How steps name a token, and how plans write a selector; the type itself is the token layer's,
/// so a selector read from a plan is exactly what the engine matches tokens with.
extension TokenSelector {
    /// The kind of selector as written in YAML: `label`, `serial` or `uri`.
    package var kind: String {
        switch self {
        case .label: return "label"
        case .serial: return "serial"
        case .uri: return "uri"
        }
    }

    /// The selector's value as written in the plan.
    package var value: String {
        switch self {
        case .label(let value), .serial(let value): return value
        case .uri(let uri): return uri.text
        }
    }

    /// How a step names the token: "token 'root-a'", "the token with serial 5c1e…",
    /// "the token matching pkcs11:…".
    package var spoken: String {
        switch self {
        case .label(let label): return "token '\(label)'"
        case .serial(let serial): return "the token with serial \(serial)"
        case .uri(let uri): return "the token matching \(uri.text)"
        }
    }
}
