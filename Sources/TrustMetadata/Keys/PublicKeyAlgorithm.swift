/// The family of a public key in metadata (RSA of any size counts as one), as verification sees it.
public enum PublicKeyAlgorithm: String, Hashable, Sendable, CaseIterable {
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaP384 = "ecdsa-p384"
    case ed25519
    /// RSA with PSS-SHA256 signatures (salt 32, MGF1-SHA256); 3072 or 4096 bits for new keys.
    case rsa

    /// Whether signatures are ECDSA (raw r||s from the signer, DER in TUF).
    var isECDSA: Bool { self == .ecdsaP256 || self == .ecdsaP384 }
}
