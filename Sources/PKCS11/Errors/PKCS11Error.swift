/// Everything that can go wrong talking to a token, in words that name the token.
///
/// Messages never contain a PIN or key material: they are built only from token identities,
/// labels, attribute names and return codes.
public enum PKCS11Error: Error, Sendable, Equatable, CustomStringConvertible {
    case moduleUnavailable(path: String, reason: String)
    case call(function: String, code: ReturnCode, token: TokenIdentity?)
    case wrongPIN(token: TokenIdentity, state: PINState)
    case pinLocked(token: TokenIdentity)
    case tokenNotFound(selector: String, present: [TokenIdentity])
    case ambiguousToken(selector: String, matches: [TokenIdentity])
    case tokenRemoved(token: TokenIdentity, during: String)
    case duplicateObject(what: String, token: TokenIdentity)
    case policyMismatch(key: String, attribute: String, expected: Bool, actual: Bool?, token: TokenIdentity)
    case signatureInvalid(key: String, token: TokenIdentity)
    case unsupportedKey(key: String, reason: String, token: TokenIdentity)
    case keyNotFound(what: String, token: TokenIdentity)
    case invalidURI(String, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .moduleUnavailable(path, reason):
            return "cannot load PKCS#11 module '\(path)': \(reason)"
        case let .call(function, code, token):
            let on = token.map { " on token \($0)" } ?? ""
            return "\(function) failed\(on): \(code)"
        case let .wrongPIN(token, state):
            var text = "wrong PIN for token \(token)"
            if state.finalTry { text += "; the token reports ONE try left before it locks" }
            else if state.countLow { text += "; the token reports few tries left" }
            return text
        case let .pinLocked(token):
            return "the user PIN of token \(token) is locked after too many wrong tries; the security officer must reset it"
        case let .tokenNotFound(selector, present):
            return "no token matches \(selector); tokens present: \(Self.list(present))"
        case let .ambiguousToken(selector, matches):
            return "more than one token matches \(selector): \(Self.list(matches)); \(Self.disambiguation(matches))"
        case let .tokenRemoved(token, during):
            return "token \(token) was removed or stopped answering during \(during)"
        case let .duplicateObject(what, token):
            return "token \(token) already holds an object with \(what); refusing to create another"
        case let .policyMismatch(key, attribute, expected, actual, token):
            let seen = actual.map { String($0) } ?? "unreadable"
            return "key '\(key)' on token \(token) has \(attribute)=\(seen), but the key policy requires \(expected)"
        case let .signatureInvalid(key, token):
            return "token \(token) returned a signature from key '\(key)' that does not verify; the token or its key is not to be trusted"
        case let .unsupportedKey(key, reason, token):
            return "key '\(key)' on token \(token) cannot be used: \(reason)"
        case let .keyNotFound(what, token):
            return "token \(token) holds no key with \(what)"
        case let .invalidURI(uri, reason):
            return "invalid pkcs11: URI '\(uri)': \(reason)"
        case let .invalidArgument(reason):
            return reason
        }
    }

    /// Which selectors do tell `tokens` apart, in words. Many modules give every token the same
    /// serial (tpm2-pkcs11 and NSS softokn report 0000000000000000), so a serial is suggested
    /// only when the serials really differ.
    static func disambiguation(_ tokens: [TokenIdentity]) -> String {
        let labels = tokens.map { Array($0.label.utf8) }
        let serials = tokens.map { Array($0.serial.utf8) }
        let labelsDiffer = Set(labels).count == tokens.count
        let serialsDiffer = Set(serials).count == tokens.count
        var text = ""
        if !serialsDiffer, let serial = tokens.first?.serial, Set(serials).count == 1 {
            text = "these tokens all report serial \(serial), so a serial cannot tell them apart; "
        } else if !serialsDiffer {
            text = "some of these tokens share a serial, so a serial cannot tell them apart; "
        }
        if labelsDiffer, let example = tokens.first {
            let uri = "pkcs11:token=" + Self.percentEncoded(example.label)
            return text + "select each token by its label (such as label '\(example.label)') or by a pkcs11: URI with token= (such as '\(uri)')"
        }
        if serialsDiffer, let example = tokens.first {
            return text + "their labels are not unique, so select each token by serial (such as serial '\(example.serial)')"
        }
        return text + "neither their labels nor their serials tell them apart; give each token its own label before the ceremony"
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded, as RFC 7512 requires.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func list(_ tokens: [TokenIdentity]) -> String {
        tokens.isEmpty ? "none" : tokens.map(\.description).joined(separator: ", ")
    }
}
