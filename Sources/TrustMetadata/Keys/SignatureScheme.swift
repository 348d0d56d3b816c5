/// A TUF signature scheme: the `scheme` of a key, which fixes how its signatures are checked.
///
/// The set is the one python-tuf 7.0.1 accepts through securesystemslib 1.6
/// (`KEY_FOR_TYPE_AND_SCHEME`, verified in `SSlibKey._verify`), except
/// `ecdsa-sha2-nistp521` and the ML-DSA schemes, which this tool does not support. The
/// `*-sha224` RSA schemes are not registered there, so python-tuf refuses such keys
/// and so does this tool. A key with any scheme outside the set is reported as an
/// unsupported scheme by name, never as a bad signature.
public enum SignatureScheme: String, Hashable, Sendable, CaseIterable {
    case rsassaPSSSHA256 = "rsassa-pss-sha256"
    case rsassaPSSSHA384 = "rsassa-pss-sha384"
    case rsassaPSSSHA512 = "rsassa-pss-sha512"
    case rsaPKCS1v15SHA256 = "rsa-pkcs1v15-sha256"
    case rsaPKCS1v15SHA384 = "rsa-pkcs1v15-sha384"
    case rsaPKCS1v15SHA512 = "rsa-pkcs1v15-sha512"
    case ecdsaSHA2NISTP256 = "ecdsa-sha2-nistp256"
    case ecdsaSHA2NISTP384 = "ecdsa-sha2-nistp384"
    case ed25519

    /// The scheme a TUF key entry with `keyType` and `scheme` is verified with.
    ///
    /// As securesystemslib dispatches on the pair: RSA schemes need keytype `rsa`,
    /// ECDSA schemes keytype `ecdsa` (or the deprecated keytype of the scheme's own
    /// name), `ed25519` keytype `ed25519`.
    /// - Throws: `KeyError` "unsupported scheme NAME" for a scheme outside the set,
    ///   or a keytype that does not go with the scheme.
    public init(keyType: String, scheme: String) throws(KeyError) {
        guard let known = SignatureScheme(rawValue: scheme) else {
            throw KeyError("unsupported scheme \(scheme)")
        }
        let allowed: Set<String>
        switch known.algorithm {
        case .rsa: allowed = ["rsa"]
        case .ecdsaP256, .ecdsaP384: allowed = ["ecdsa", scheme]
        case .ed25519: allowed = ["ed25519"]
        }
        guard allowed.contains(keyType) else {
            throw KeyError("keytype \(keyType) does not go with scheme \(scheme)")
        }
        self = known
    }

    /// The key family the scheme needs (securesystemslib checks type and curve).
    public var algorithm: PublicKeyAlgorithm {
        switch self {
        case .rsassaPSSSHA256, .rsassaPSSSHA384, .rsassaPSSSHA512, .rsaPKCS1v15SHA256, .rsaPKCS1v15SHA384, .rsaPKCS1v15SHA512: return .rsa
        case .ecdsaSHA2NISTP256: return .ecdsaP256
        case .ecdsaSHA2NISTP384: return .ecdsaP384
        case .ed25519: return .ed25519
        }
    }

    /// Whether `signature`, as TUF encodes it (DER for ECDSA, raw otherwise), over the
    /// whole `message` verifies under `key` by this scheme.
    ///
    /// RSA follows pyca/cryptography as securesystemslib calls it: PSS with MGF1 over the
    /// scheme's digest and any salt length (`PSS.AUTO`), or PKCS#1 v1.5. ECDSA hashes
    /// with SHA-256 on P-256 and SHA-384 on P-384.
    public func isValid(_ signature: [UInt8], for message: [UInt8], by key: PublicKeyMaterial) -> Bool {
        guard key.algorithm == algorithm else { return false }
        let rsa: (RSASignatureCheck.Digest, RSASignatureCheck.Padding)
        switch self {
        case .rsassaPSSSHA256: rsa = (.sha256, .pssAnySalt)
        case .rsassaPSSSHA384: rsa = (.sha384, .pssAnySalt)
        case .rsassaPSSSHA512: rsa = (.sha512, .pssAnySalt)
        case .rsaPKCS1v15SHA256: rsa = (.sha256, .pkcs1v15)
        case .rsaPKCS1v15SHA384: rsa = (.sha384, .pkcs1v15)
        case .rsaPKCS1v15SHA512: rsa = (.sha512, .pkcs1v15)
        case .ecdsaSHA2NISTP256, .ecdsaSHA2NISTP384, .ed25519:
            return key.isValidDERSignature(signature, for: message)
        }
        return RSASignatureCheck.isValid(signature, for: message, spki: key.spki, digest: rsa.0, padding: rsa.1)
    }
}
