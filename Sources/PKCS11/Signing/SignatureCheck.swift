import Crypto
import _CryptoExtras
import Foundation

/// Verifies a token's signature with swift-crypto, independently of the token.
///
/// A token that returns a bad signature is broken or malicious; either way nothing it signed
/// may leave the ceremony, so every signature is checked before it is handed back.
public enum SignatureCheck {
    /// Returns the DER form for ECDSA (and the raw bytes otherwise) when the signature verifies.
    public static func verify(_ raw: [UInt8], over message: [UInt8], algorithm: KeyAlgorithm, subjectPublicKeyInfo spki: [UInt8]) -> [UInt8]? {
        do {
            switch algorithm {
            case .ecdsaP256:
                let key = try P256.Signing.PublicKey(derRepresentation: spki)
                let signature = try P256.Signing.ECDSASignature(rawRepresentation: raw)
                return key.isValidSignature(signature, for: SHA256.hash(data: message)) ? Array(signature.derRepresentation) : nil
            case .ecdsaP384:
                let key = try P384.Signing.PublicKey(derRepresentation: spki)
                let signature = try P384.Signing.ECDSASignature(rawRepresentation: raw)
                return key.isValidSignature(signature, for: SHA384.hash(data: message)) ? Array(signature.derRepresentation) : nil
            case .ed25519:
                guard spki.count == 44, Array(spki.prefix(12)) == PublicKeyExport.ed25519SPKIPrefix else { return nil }
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: spki.suffix(32))
                return key.isValidSignature(raw, for: message) ? raw : nil
            case .rsa3072, .rsa4096:
                let key = try _RSA.Signing.PublicKey(derRepresentation: spki)
                let signature = _RSA.Signing.RSASignature(rawRepresentation: raw)
                return key.isValidSignature(signature, for: SHA256.hash(data: message), padding: .PSS) ? raw : nil
            }
        } catch {
            return nil
        }
    }
}
