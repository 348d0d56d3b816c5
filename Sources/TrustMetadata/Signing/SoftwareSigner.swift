import Crypto
import _CryptoExtras

/// A signer holding a swift-crypto private key in memory.
///
/// For tests and for rehearsal online keys only; ceremony root keys live on tokens.
public struct SoftwareSigner: MetadataSigner {
    private enum Key: @unchecked Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    private let key: Key
    public let publicKey: PublicKeyMaterial

    /// Generates a new key. RSA keys have 3072 bits.
    public init(generating algorithm: PublicKeyAlgorithm) throws {
        switch algorithm {
        case .ecdsaP256: key = .p256(P256.Signing.PrivateKey())
        case .ecdsaP384: key = .p384(P384.Signing.PrivateKey())
        case .ed25519: key = .ed25519(Curve25519.Signing.PrivateKey())
        case .rsa: key = .rsa(try _RSA.Signing.PrivateKey(keySize: .bits3072))
        }
        publicKey = try Self.publicMaterial(of: key)
    }

    /// Reads a PEM private key (PKCS#8, SEC1 or PKCS#1) of a supported algorithm.
    public init(privateKeyPEM pem: String) throws {
        if let k = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            key = .p256(k)
        } else if let k = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            key = .p384(k)
        } else if let k = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            key = .rsa(k)
        } else if let k = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            key = .ed25519(k)
        } else {
            throw KeyError("not a PEM private key of a supported algorithm")
        }
        publicKey = try Self.publicMaterial(of: key)
    }

    /// An Ed25519 key from its 32-byte seed, for reproducible tests.
    public init(ed25519Seed seed: [UInt8]) throws {
        key = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
        publicKey = try Self.publicMaterial(of: key)
    }

    /// The private key as PKCS#8 PEM, so tests can hand it to peer tools.
    public var privateKeyPEM: String {
        switch key {
        case .p256(let k): return k.pemRepresentation
        case .p384(let k): return k.pemRepresentation
        case .ed25519(let k): return k.pemRepresentation
        case .rsa(let k): return k.pemRepresentation
        }
    }

    private static func publicMaterial(of key: Key) throws(KeyError) -> PublicKeyMaterial {
        switch key {
        case .p256(let k): return try PublicKeyMaterial(spki: Array(k.publicKey.derRepresentation))
        case .p384(let k): return try PublicKeyMaterial(spki: Array(k.publicKey.derRepresentation))
        case .ed25519(let k): return try PublicKeyMaterial(ed25519Raw: Array(k.publicKey.rawRepresentation))
        case .rsa(let k): return try PublicKeyMaterial(spki: Array(k.publicKey.derRepresentation))
        }
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch key {
        case .p256(let k): return Array(try k.signature(for: message).rawRepresentation)
        case .p384(let k): return Array(try k.signature(for: message).rawRepresentation)
        case .ed25519(let k): return Array(try k.signature(for: message))
        case .rsa(let k): return Array(try k.signature(for: message, padding: .PSS).rawRepresentation)
        }
    }
}
