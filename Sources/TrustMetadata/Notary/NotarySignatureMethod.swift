import Crypto

/// A Notary signature's `method`, and how notary checks a signature of that method.
///
/// Signing and verification both go through this one mapping, so the method written
/// into a file is always the one the verifier expects for that key.
enum NotarySignatureMethod: String, Sendable {
    case ecdsa
    case eddsa
    case rsapss

    /// The method notary uses for a key of `algorithm`.
    init(_ algorithm: PublicKeyAlgorithm) {
        switch algorithm {
        case .ecdsaP256, .ecdsaP384: self = .ecdsa
        case .ed25519: self = .eddsa
        case .rsa: self = .rsapss
        }
    }

    /// Whether `signature` (raw r||s for ECDSA) over `message` verifies as notary 0.7 checks it.
    ///
    /// notary's `ECDSAVerifier` hashes the message with SHA-256 whatever the curve, so a
    /// P-384 signature is over SHA-256 here, unlike TUF (securesystemslib hashes P-384 with
    /// SHA-384). Checking with the curve's own hash would accept signatures notary refuses
    /// and refuse ones it accepts.
    static func isValid(_ signature: [UInt8], for message: [UInt8], by material: PublicKeyMaterial) -> Bool {
        let digest = SHA256.hash(data: message)
        switch material.algorithm {
        case .ecdsaP256:
            guard let key = try? P256.Signing.PublicKey(derRepresentation: material.spki),
                  let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: digest)
        case .ecdsaP384:
            guard let key = try? P384.Signing.PublicKey(derRepresentation: material.spki),
                  let sig = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: digest)
        case .ed25519, .rsa:
            return material.isValidRawSignature(signature, for: message)
        }
    }
}
