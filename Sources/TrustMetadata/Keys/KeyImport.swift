/// Reading keys that a ceremony plan names as files, so online keys need no token.
///
/// Accepted: a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), a PEM `CERTIFICATE` (Notary
/// root or delegation certificate), TUF key JSON (`{"keytype","scheme","keyval"}`),
/// and Notary key JSON as notary-server's `GET /v2/<gun>/_trust/tuf/timestamp.key`
/// returns it (`{"keytype","keyval":{"private":null,"public"}}`).
extension MetadataKey {
    /// Reads a key file's bytes and returns the key entry for `dialect`.
    ///
    /// JSON keys must already be in `dialect`'s form (their key ID is the hash of that
    /// exact object); PEM keys are converted to it.
    public static func importKey(_ contents: [UInt8], dialect: Dialect) throws(MetadataError) -> MetadataKey {
        let text = String(decoding: contents, as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.hasPrefix("-----BEGIN CERTIFICATE-----") {
            guard dialect == .notary else {
                throw .unsupportedKey("certificates are Notary keys; TUF needs a PEM PUBLIC KEY")
            }
            do {
                let certificate = try NotaryCertificateKey(pemBytes: contents)
                return notaryCertificate(pem: text, algorithm: certificate.material.algorithm)
            } catch {
                throw .unsupportedKey(error.description)
            }
        }
        if trimmed.hasPrefix("-----BEGIN") {
            do {
                return make(try PublicKeyMaterial(pem: text), dialect: dialect)
            } catch {
                throw .unsupportedKey(error.description)
            }
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(contents)
        } catch {
            throw .malformedJSON(error)
        }
        guard case .object(let object) = value else {
            throw .invalidField(path: "", reason: "a key file holds a JSON object")
        }
        let key = MetadataKey(json: object)
        do {
            _ = try key.material(dialect: dialect)
        } catch {
            throw .unsupportedKey("not a \(dialect.rawValue) key: \(error.description)")
        }
        return key
    }
}
