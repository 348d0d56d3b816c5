/// One entry of a metadata file's `signatures` list.
///
/// The signature value is kept as its text (hex in TUF, base64 in Notary) so a
/// malformed value becomes a verification finding rather than a read error:
/// clients ignore signatures they cannot use, and so must the verifier.
public struct MetadataSignature: Hashable, Sendable {
    /// The key ID the signature claims.
    public var keyID: String
    /// `sig`: hex (TUF) or base64 (Notary).
    public var value: String
    /// `method` (Notary only): `ecdsa`, `eddsa` or `rsapss`.
    public var method: String?
    /// Members this tool does not know, kept for round-trip.
    public var unknownFields: JSONObject

    public init(keyID: String, value: String, method: String? = nil, unknownFields: JSONObject = JSONObject()) {
        self.keyID = keyID
        self.value = value
        self.method = method
        self.unknownFields = unknownFields
    }

    init(json: JSONValue, path: String) throws(MetadataError) {
        let reader = try FieldReader(json, path: path)
        keyID = try reader.string("keyid")
        value = try reader.string("sig")
        method = try reader.optionalString("method")
        unknownFields = reader.object.removing(["keyid", "sig", "method"])
    }

    /// The JSON object, `keyid`, `method`, `sig` then unknown members.
    public var json: JSONValue {
        var object = JSONObject()
        object["keyid"] = .string(keyID)
        if let method { object["method"] = .string(method) }
        object["sig"] = .string(value)
        for member in unknownFields.members { object[member.name] = member.value }
        return .object(object)
    }

    /// The signature bytes as the dialect encodes them, or `nil` if not decodable.
    public func bytes(dialect: Dialect) -> [UInt8]? {
        switch dialect {
        case .tuf: return ByteEncoding.decodeHex(value)
        case .notary: return ByteEncoding.decodeBase64(value)
        }
    }
}
