/// How a plan or an officer names one token: by label, by serial, or by an RFC 7512 URI.
public enum TokenSelector: Sendable, Equatable, Hashable, CustomStringConvertible {
    case label(String)
    case serial(String)
    case uri(PKCS11URI)

    /// Parses `pkcs11:…` as a URI, `serial=…` / `label=…`, or else takes the text as a label.
    public static func parse(_ text: String) throws(PKCS11Error) -> TokenSelector {
        if text.lowercased().hasPrefix("pkcs11:") { return .uri(try PKCS11URI(text)) }
        if text.hasPrefix("serial=") { return .serial(String(text.dropFirst(7))) }
        if text.hasPrefix("label=") { return .label(String(text.dropFirst(6))) }
        return .label(text)
    }

    /// Whether the token is the one named. Labels and serials are compared as UTF-8
    /// bytes, as the token stores them (`CK_TOKEN_INFO` is blank-padded UTF-8): a label in
    /// NFD is not the same label as its NFC form, though Swift's `==` says it is.
    public func matches(_ token: TokenInfo) -> Bool {
        switch self {
        case let .label(label): return token.identity.label.utf8.elementsEqual(label.utf8)
        case let .serial(serial): return token.identity.serial.utf8.elementsEqual(serial.utf8)
        case let .uri(uri): return uri.matches(token.identity)
        }
    }

    public var description: String {
        switch self {
        case let .label(label): return "label '\(label)'"
        case let .serial(serial): return "serial '\(serial)'"
        case let .uri(uri): return "URI '\(uri.text)'"
        }
    }
}
