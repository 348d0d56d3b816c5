import CPKCS11

/// The signing key types a ceremony may put on a token.
public enum KeyAlgorithm: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaP384 = "ecdsa-p384"
    case ed25519 = "ed25519"
    case rsa3072 = "rsa-3072"
    case rsa4096 = "rsa-4096"

    public var description: String { rawValue }

    /// RSA keys take seconds to minutes to generate on real tokens; callers show progress.
    public var isSlowToGenerate: Bool { modulusBits != nil }

    /// DER of the curve OID, as `CKA_EC_PARAMS` carries it.
    var ecParameters: [UInt8]? {
        switch self {
        case .ecdsaP256: return [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        case .ecdsaP384: return [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]
        case .ed25519: return [0x06, 0x03, 0x2B, 0x65, 0x70]
        case .rsa3072, .rsa4096: return nil
        }
    }

    var modulusBits: UInt? {
        switch self {
        case .rsa3072: return 3072
        case .rsa4096: return 4096
        default: return nil
        }
    }

    var keyType: UInt {
        switch self {
        case .ecdsaP256, .ecdsaP384: return UInt(CKK_EC)
        case .ed25519: return UInt(CKK_EC_EDWARDS)
        case .rsa3072, .rsa4096: return UInt(CKK_RSA)
        }
    }

    var generationMechanism: UInt {
        switch self {
        case .ecdsaP256, .ecdsaP384: return UInt(CKM_EC_KEY_PAIR_GEN)
        case .ed25519: return UInt(CKM_EC_EDWARDS_KEY_PAIR_GEN)
        case .rsa3072, .rsa4096: return UInt(CKM_RSA_PKCS_KEY_PAIR_GEN)
        }
    }

    /// Recognises a key on a token from its key type and curve or modulus size.
    static func identify(keyType: UInt, ecParameters: [UInt8]?, modulusBits: Int?) -> KeyAlgorithm? {
        switch keyType {
        case UInt(CKK_EC):
            return [KeyAlgorithm.ecdsaP256, .ecdsaP384].first { $0.ecParameters == ecParameters }
        case UInt(CKK_EC_EDWARDS):
            // SoftHSM and others may name the curve by OID or by the PrintableString "edwards25519".
            let printable: [UInt8] = [0x13, 0x0C] + Array("edwards25519".utf8)
            return ecParameters == KeyAlgorithm.ed25519.ecParameters || ecParameters == printable ? .ed25519 : nil
        case UInt(CKK_RSA):
            switch modulusBits {
            case 3072: return .rsa3072
            case 4096: return .rsa4096
            default: return nil
            }
        default:
            return nil
        }
    }
}
