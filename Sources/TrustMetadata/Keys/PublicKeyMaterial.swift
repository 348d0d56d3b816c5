import Crypto
import _CryptoExtras
import SwiftASN1

/// A public key as the token layer reports it: the algorithm and the DER SubjectPublicKeyInfo.
///
/// This is the one neutral form every dialect's key encoding is converted to and
/// from, so a key read from a token, a PEM file, TUF JSON or Notary JSON compares
/// equal when it is the same key.
public struct PublicKeyMaterial: Hashable, Sendable {
    /// The algorithm of the key.
    public let algorithm: PublicKeyAlgorithm
    /// The DER SubjectPublicKeyInfo.
    public let spki: [UInt8]

    /// The fixed SPKI prefix of an Ed25519 key; the 32 key bytes follow it.
    static let ed25519Prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Reads a DER SubjectPublicKeyInfo and works out its algorithm.
    public init(spki: [UInt8]) throws(KeyError) {
        if spki.count == 44, spki.starts(with: Self.ed25519Prefix) {
            self.algorithm = .ed25519
        } else if (try? P256.Signing.PublicKey(derRepresentation: spki)) != nil {
            self.algorithm = .ecdsaP256
        } else if (try? P384.Signing.PublicKey(derRepresentation: spki)) != nil {
            self.algorithm = .ecdsaP384
        } else if let rsa = try? _RSA.Signing.PublicKey(derRepresentation: spki) {
            guard rsa.keySizeInBits >= 2048 else { throw KeyError("RSA key of \(rsa.keySizeInBits) bits is too small") }
            self.algorithm = .rsa
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
        switch algorithm {
        case .ecdsaP256:
            guard let key = try? P256.Signing.PublicKey(derRepresentation: spki),
                  let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ecdsaP384:
            guard let key = try? P384.Signing.PublicKey(derRepresentation: spki),
                  let sig = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ed25519:
            guard let raw = ed25519Raw, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                return false
            }
            return key.isValidSignature(signature, for: message)
        case .rsa:
            return isValidRSAPSS(signature, for: message)
        }
    }

    /// Checks an ECDSA signature in DER form (TUF's encoding); other algorithms as raw.
    public func isValidDERSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch algorithm {
        case .ecdsaP256:
            guard let key = try? P256.Signing.PublicKey(derRepresentation: spki),
                  let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ecdsaP384:
            guard let key = try? P384.Signing.PublicKey(derRepresentation: spki),
                  let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ed25519, .rsa:
            return isValidRawSignature(signature, for: message)
        }
    }

    private func isValidRSAPSS(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? _RSA.Signing.PublicKey(derRepresentation: spki) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: message, padding: .PSS)
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
