import Foundation

/// The parts of an RFC 7512 `pkcs11:` URI that select a token and, optionally, a key on it.
///
/// Only path attributes are honoured; query attributes such as `pin-value` are refused because
/// a PIN must never travel in a URI, a plan or an argument list.
public struct PKCS11URI: Sendable, Equatable, Hashable {
    public let text: String
    public private(set) var token: String?
    public private(set) var serial: String?
    public private(set) var manufacturer: String?
    public private(set) var model: String?
    public private(set) var object: String?
    public private(set) var id: [UInt8]?
    public private(set) var type: String?

    public init(_ text: String) throws(PKCS11Error) {
        self.text = text
        let shown = Self.redacted(text)
        guard text.lowercased().hasPrefix("pkcs11:") else { throw .invalidURI(shown, reason: "it does not start with 'pkcs11:'") }
        let body = text.dropFirst("pkcs11:".count)
        let parts = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if text.range(of: "pin-", options: .caseInsensitive) != nil {
            throw .invalidURI(shown, reason: "a PIN must not be given in a URI; it is asked for at the holder's step")
        }
        if parts.count > 1 {
            throw .invalidURI(shown, reason: "query attributes are not supported")
        }
        for attribute in parts[0].split(separator: ";") where !attribute.isEmpty {
            guard let eq = attribute.firstIndex(of: "=") else {
                throw .invalidURI(shown, reason: "an attribute is not of the form name=value")
            }
            let name = attribute[..<eq].lowercased()
            let raw = String(attribute[attribute.index(after: eq)...])
            guard let bytes = Self.percentDecode(raw) else {
                throw .invalidURI(shown, reason: "an attribute has a malformed percent escape")
            }
            let value = String(decoding: bytes, as: UTF8.self)
            switch name {
            case "token": token = value
            case "serial": serial = value
            case "manufacturer": manufacturer = value
            case "model": model = value
            case "object": object = value
            case "id": id = bytes
            case "type":
                guard ["private", "public", "cert", "secret-key", "data"].contains(value) else {
                    throw .invalidURI(shown, reason: "unknown object type '\(value)'")
                }
                type = value
            case "library-manufacturer", "library-description", "library-version", "slot-description",
                 "slot-manufacturer", "slot-id":
                continue
            default:
                throw .invalidURI(shown, reason: "unknown attribute '\(name)'")
            }
        }
        if token == nil && serial == nil && manufacturer == nil && model == nil {
            throw .invalidURI(shown, reason: "it names no token (give token= or serial=)")
        }
    }

    /// The URI as errors may show it: only up to the first `?`, and cut at any `pin-` attribute,
    /// so a PIN someone put in a URI by mistake is never echoed back.
    static func redacted(_ text: String) -> String {
        var shown = String(text.prefix { $0 != "?" })
        if let pin = shown.range(of: "pin-", options: .caseInsensitive) {
            shown = String(shown[..<pin.lowerBound]) + "…"
        }
        return shown.count > 120 ? String(shown.prefix(120)) + "…" : shown
    }

    public func matches(_ identity: TokenIdentity) -> Bool {
        (token.map { $0.utf8.elementsEqual(identity.label.utf8) } ?? true)
            && (serial.map { $0.utf8.elementsEqual(identity.serial.utf8) } ?? true)
            && (manufacturer.map { $0.utf8.elementsEqual(identity.manufacturer.utf8) } ?? true)
            && (model.map { $0.utf8.elementsEqual(identity.model.utf8) } ?? true)
    }

    private static func percentDecode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return out
    }
}
