import CPKCS11
import Crypto
import _CryptoExtras
import Foundation

/// Reads a public key off a token and re-encodes it as DER SubjectPublicKeyInfo.
///
/// Going through swift-crypto's key types validates the point or modulus on the way, so a
/// malformed public key from a token fails here rather than in a client months later.
enum PublicKeyExport {
    static func subjectPublicKeyInfo(session: Session, publicKey: CK_OBJECT_HANDLE, algorithm: KeyAlgorithm, label: String) throws(PKCS11Error) -> [UInt8] {
        let fail = { (reason: String) in PKCS11Error.unsupportedKey(key: label, reason: reason, token: session.identity) }
        switch algorithm {
        case .ecdsaP256, .ecdsaP384, .ed25519:
            guard let encoded = try session.attribute(UInt(CKA_EC_POINT), of: publicKey) else {
                throw fail("the public key has no readable CKA_EC_POINT")
            }
            let point = unwrapOctetString(encoded, expectedLengths: algorithm.rawPointLengths)
            do {
                switch algorithm {
                case .ecdsaP256: return Array(try P256.Signing.PublicKey(x963Representation: point).derRepresentation)
                case .ecdsaP384: return Array(try P384.Signing.PublicKey(x963Representation: point).derRepresentation)
                default:
                    let key = try Curve25519.Signing.PublicKey(rawRepresentation: point)
                    return ed25519SPKIPrefix + Array(key.rawRepresentation)
                }
            } catch {
                throw fail("the token's public point is not a valid \(algorithm) key")
            }
        case .rsa3072, .rsa4096:
            guard let modulus = try session.attribute(UInt(CKA_MODULUS), of: publicKey),
                  let exponent = try session.attribute(UInt(CKA_PUBLIC_EXPONENT), of: publicKey) else {
                throw fail("the public key has no readable modulus or exponent")
            }
            do {
                return Array(try _RSA.Signing.PublicKey(n: modulus, e: exponent).derRepresentation)
            } catch {
                throw fail("the token's RSA modulus is not a valid public key")
            }
        }
    }

    /// `SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING }` up to the 32 key bytes.
    static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// `CKA_EC_POINT` is specified as a DER OCTET STRING, but some modules return the raw point.
    /// The wrapper is removed only when its length accounts for exactly the rest of the bytes.
    static func unwrapOctetString(_ bytes: [UInt8], expectedLengths: Set<Int>) -> [UInt8] {
        if expectedLengths.contains(bytes.count), bytes.count < 2 || !(bytes[0] == 0x04 && Int(bytes[1]) == bytes.count - 2) {
            return bytes
        }
        guard bytes.count >= 2, bytes[0] == 0x04 else { return bytes }
        var length = Int(bytes[1])
        var offset = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 2, bytes.count >= 2 + count else { return bytes }
            length = bytes[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            offset = 2 + count
        }
        guard offset + length == bytes.count else { return bytes }
        return Array(bytes[offset...])
    }
}

extension KeyAlgorithm {
    var rawPointLengths: Set<Int> {
        switch self {
        case .ecdsaP256: return [65]
        case .ecdsaP384: return [97]
        case .ed25519: return [32]
        case .rsa3072, .rsa4096: return []
        }
    }
}
