/// The algorithms a root key may use on a token.
public enum KeyAlgorithm: String, Sendable, Equatable, CaseIterable, Codable {
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaP384 = "ecdsa-p384"
    case ed25519 = "ed25519"
    case rsa3072 = "rsa-3072"
    case rsa4096 = "rsa-4096"

    /// How the algorithm is said in step sentences.
    public var spokenName: String {
        switch self {
        case .ecdsaP256: return "ECDSA P-256"
        case .ecdsaP384: return "ECDSA P-384"
        case .ed25519: return "Ed25519"
        case .rsa3072: return "RSA 3072"
        case .rsa4096: return "RSA 4096"
        }
    }
}
