import Crypto
import _CryptoExtras
import SwiftASN1

/// A public key as the token layer reports it: the algorithm and the DER SubjectPublicKeyInfo.
///
/// This is the one neutral form every dialect's key encoding is converted to and
/// from, so a key read from a token, a PEM file, TUF JSON or Notary JSON compares
/// equal when it is the same key.
///
/// The key is decoded once, when the value is made, and kept for checking signatures: a
/// chain checks the same few keys hundreds of times. Equality and hashing are those of
/// ``algorithm`` and ``spki``.
public struct PublicKeyMaterial: Hashable, Sendable {
    /// The algorithm of the key.
    public let algorithm: PublicKeyAlgorithm
    /// The DER SubjectPublicKeyInfo.
    public let spki: [UInt8]
    /// The decoded key that checks signatures.
    private let verifier: Verifier

    /// The key types are immutable once made, and BoringSSL checks signatures under one key
    /// from several threads safely.
    private enum Verifier: @unchecked Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
        /// The bytes did not decode (not reachable through the initialisers, which refuse them).
        case none
    }

    public static func == (lhs: PublicKeyMaterial, rhs: PublicKeyMaterial) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.spki == rhs.spki
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        // The bytes in one call: an array of bytes would be fed to the hasher a byte at a time.
        spki.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The fixed SPKI prefix of an Ed25519 key; the 32 key bytes follow it.
    static let ed25519Prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Reads a DER SubjectPublicKeyInfo and works out its algorithm.
    public init(spki: [UInt8]) throws(KeyError) {
        if spki.count == 44, spki.starts(with: Self.ed25519Prefix) {
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: spki.dropFirst(Self.ed25519Prefix.count)) else {
                throw KeyError("not a valid Ed25519 key")
            }
            self.algorithm = .ed25519
            self.verifier = .ed25519(key)
        } else if let key = try? P256.Signing.PublicKey(derRepresentation: spki) {
            self.algorithm = .ecdsaP256
            self.verifier = .p256(key)
        } else if let key = try? P384.Signing.PublicKey(derRepresentation: spki) {
            self.algorithm = .ecdsaP384
            self.verifier = .p384(key)
        } else if let rsa = try? _RSA.Signing.PublicKey(derRepresentation: spki) {
            guard rsa.keySizeInBits >= 2048 else { throw KeyError("RSA key of \(rsa.keySizeInBits) bits is too small") }
            self.algorithm = .rsa
            self.verifier = .rsa(rsa)
        } else {
            throw KeyError("not a P-256, P-384, Ed25519 or RSA SubjectPublicKeyInfo")
        }
        self.spki = spki
    }

    /// Reads a PEM `PUBLIC KEY` block.
    public init(pem: String) throws(KeyError) {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            throw KeyError("not a PEM document")
        }
        guard document.discriminator == "PUBLIC KEY" else {
            throw KeyError("expected a PEM PUBLIC KEY, found \(document.discriminator)")
        }
        try self.init(spki: Array(document.derBytes))
    }

    /// An Ed25519 key from its 32 raw bytes.
    public init(ed25519Raw raw: [UInt8]) throws(KeyError) {
        guard raw.count == 32 else { throw KeyError("an Ed25519 key has 32 bytes, found \(raw.count)") }
        self.algorithm = .ed25519
        self.spki = Self.ed25519Prefix + raw
        self.verifier = (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)).map(Verifier.ed25519) ?? .none
    }

    /// The 32 raw bytes of an Ed25519 key, `nil` for other algorithms.
    public var ed25519Raw: [UInt8]? {
        algorithm == .ed25519 ? Array(spki.dropFirst(Self.ed25519Prefix.count)) : nil
    }

    /// The key as a PEM `PUBLIC KEY` block with 64-character lines and a final newline,
    /// the form python-tuf writes.
    public var pem: String {
        let body = ByteEncoding.base64(spki)
        var lines = "-----BEGIN PUBLIC KEY-----\n"
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            lines += body[index..<end] + "\n"
            index = end
        }
        return lines + "-----END PUBLIC KEY-----\n"
    }

    /// Checks a signature over a whole message in the signer's raw form
    /// (r||s for ECDSA, 64 bytes for Ed25519, PSS-SHA256 for RSA).
    ///
    /// ECDSA hashes with SHA-256 on P-256 and SHA-384 on P-384, as the token layer does.
    public func isValidRawSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch verifier {
        case .p256(let key):
            guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .p384(let key):
            guard let sig = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: message, padding: .PSS)
        case .none:
            return false
        }
    }

    /// Checks an ECDSA signature in DER form (TUF's encoding); other algorithms as raw.
    public func isValidDERSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch verifier {
        case .p256(let key):
            guard let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .p384(let key):
            guard let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ed25519, .rsa, .none:
            return isValidRawSignature(signature, for: message)
        }
    }

    /// Converts a raw ECDSA r||s signature to DER; other algorithms pass through.
    func derSignature(fromRaw raw: [UInt8]) throws(KeyError) -> [UInt8] {
        do {
            switch algorithm {
            case .ecdsaP256: return Array(try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
            case .ecdsaP384: return Array(try P384.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
            case .ed25519, .rsa: return raw
            }
        } catch {
            throw KeyError("ECDSA signature of \(raw.count) bytes is not raw r||s for \(algorithm.rawValue)")
        }
    }
}
