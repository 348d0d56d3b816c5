import PKCS11

/// How an algorithm is said aloud in step sentences; the type itself is the token layer's.
extension KeyAlgorithm {
    package var spokenName: String {
        switch self {
        case .ecdsaP256: return "ECDSA P-256"
        case .ecdsaP384: return "ECDSA P-384"
        case .ed25519: return "Ed25519"
        case .rsa3072: return "RSA 3072"
        case .rsa4096: return "RSA 4096"
        }
    }
}
