import Crypto

/// A key entry as it appears in root or delegation metadata, in either dialect.
///
/// The entry is kept as its JSON object so that the key ID — a hash of exactly
/// that object in canonical form — is reproduced bit for bit, including fields
/// this tool does not know. The typed accessors read from it.
public struct MetadataKey: Hashable, Sendable {
    /// The key object as written in the metadata.
    public let json: JSONObject

    /// Wraps a key object read from metadata; it is checked when its material is asked for.
    public init(json: JSONObject) {
        self.json = json
    }

    /// `keytype`, e.g. `ecdsa`, `ed25519`, `rsa`, `ecdsa-x509`.
    public var keyType: String? { json["keytype"]?.stringValue }

    /// `scheme` (TUF only), e.g. `ecdsa-sha2-nistp256`.
    public var scheme: String? { json["scheme"]?.stringValue }

    /// `keyval.public`.
    public var publicValue: String? { json["keyval"]?.objectValue?["public"]?.stringValue }

    /// The key ID: lower-case hex SHA-256 of the canonical JSON of the key object.
    public var keyID: String {
        let bytes = (try? CanonicalJSONEncoder.encode(.object(json))) ?? []
        return ByteEncoding.hex(SHA256.hash(data: bytes))
    }

    // MARK: Writing

    /// The TUF form python-tuf writes: `{"keytype","scheme","keyval":{"public"}}`.
    public static func tuf(_ material: PublicKeyMaterial) -> MetadataKey {
        let keyType: String
        let scheme: String
        let publicValue: String
        switch material.algorithm {
        case .ecdsaP256: (keyType, scheme, publicValue) = ("ecdsa", "ecdsa-sha2-nistp256", material.pem)
        case .ecdsaP384: (keyType, scheme, publicValue) = ("ecdsa", "ecdsa-sha2-nistp384", material.pem)
        case .ed25519: (keyType, scheme, publicValue) = ("ed25519", "ed25519", ByteEncoding.hex(material.ed25519Raw ?? []))
        case .rsa: (keyType, scheme, publicValue) = ("rsa", "rsassa-pss-sha256", material.pem)
        }
        return MetadataKey(json: [
            "keytype": .string(keyType),
            "scheme": .string(scheme),
            "keyval": .object(["public": .string(publicValue)]),
        ])
    }

    /// The Notary form of a bare key: `{"keytype","keyval":{"private":null,"public":base64}}`.
    ///
    /// Notary uses bare keys for targets, snapshot, timestamp and delegations; root keys
    /// are certificates (see ``notaryCertificate(pem:algorithm:)``).
    public static func notary(_ material: PublicKeyMaterial) -> MetadataKey {
        let keyType: String
        let publicBytes: [UInt8]
        switch material.algorithm {
        case .ecdsaP256, .ecdsaP384: (keyType, publicBytes) = ("ecdsa", material.spki)
        case .ed25519: (keyType, publicBytes) = ("ed25519", material.ed25519Raw ?? [])
        case .rsa: (keyType, publicBytes) = ("rsa", material.spki)
        }
        return notaryKey(keyType: keyType, public: ByteEncoding.base64(publicBytes))
    }

    /// A Notary certificate key (`ecdsa-x509` or `rsa-x509`) holding base64 of the PEM certificate.
    public static func notaryCertificate(pem: String, algorithm: PublicKeyAlgorithm) -> MetadataKey {
        let keyType = algorithm == .rsa ? "rsa-x509" : "ecdsa-x509"
        return notaryKey(keyType: keyType, public: ByteEncoding.base64(Array(pem.utf8)))
    }

    /// The key in the given dialect's bare form.
    public static func make(_ material: PublicKeyMaterial, dialect: Dialect) -> MetadataKey {
        dialect == .tuf ? tuf(material) : notary(material)
    }

    private static func notaryKey(keyType: String, public value: String) -> MetadataKey {
        MetadataKey(json: [
            "keytype": .string(keyType),
            "keyval": .object(["private": .null, "public": .string(value)]),
        ])
    }

    // MARK: Reading

    /// Whether this key holds a certificate (Notary `*-x509`).
    public var isCertificate: Bool { keyType?.hasSuffix("-x509") ?? false }

    /// The public key, decoded according to the dialect's rules for `keytype`/`scheme`.
    public func material(dialect: Dialect) throws(KeyError) -> PublicKeyMaterial {
        guard let keyType, let publicValue else { throw KeyError("key lacks keytype or keyval.public") }
        switch dialect {
        case .tuf:
            let expected = try tufScheme().algorithm
            let material: PublicKeyMaterial
            if expected == .ed25519 {
                guard let raw = ByteEncoding.decodeHex(publicValue) else { throw KeyError("ed25519 public value is not hex") }
                material = try PublicKeyMaterial(ed25519Raw: raw)
            } else {
                material = try PublicKeyMaterial(pem: publicValue)
            }
            guard expected == material.algorithm else {
                throw KeyError("keytype \(keyType) with scheme \(scheme ?? "") does not match a \(material.algorithm.rawValue) key")
            }
            return material
        case .notary:
            guard let decoded = ByteEncoding.decodeBase64(publicValue) else {
                throw KeyError("public value is not base64")
            }
            switch keyType {
            case "ed25519": return try PublicKeyMaterial(ed25519Raw: decoded)
            case "ecdsa", "rsa":
                let material = try PublicKeyMaterial(spki: decoded)
                guard (keyType == "rsa") == (material.algorithm == .rsa) else {
                    throw KeyError("keytype \(keyType) does not match a \(material.algorithm.rawValue) key")
                }
                return material
            case "ecdsa-x509", "rsa-x509":
                let certificate = try NotaryCertificateKey(pemBytes: decoded)
                let material = certificate.material
                guard (keyType == "rsa-x509") == (material.algorithm == .rsa) else {
                    throw KeyError("keytype \(keyType) does not match a \(material.algorithm.rawValue) certificate key")
                }
                return material
            default:
                throw KeyError("keytype \(keyType) is not supported")
            }
        }
    }

    /// The TUF signature scheme of this key, checked against its `keytype` as
    /// securesystemslib does (see ``SignatureScheme/init(keyType:scheme:)``).
    ///
    /// - Throws: `KeyError` when `keytype` or `scheme` is missing, the scheme is
    ///   unsupported ("unsupported scheme NAME"), or the keytype does not go with it.
    public func tufScheme() throws(KeyError) -> SignatureScheme {
        guard let keyType else { throw KeyError("key lacks keytype") }
        guard let scheme else { throw KeyError("TUF key lacks scheme") }
        return try SignatureScheme(keyType: keyType, scheme: scheme)
    }
}
