import Foundation
import SwiftASN1
import X509
import Crypto

/// Adapts a ``MetadataSigner`` to swift-certificates' `CustomPrivateKey`, so a token
/// key can sign an X.509 TBSCertificate.
struct SignerCertificateKey: CustomPrivateKey {
    let signer: any MetadataSigner
    let algorithm: Certificate.SignatureAlgorithm
    let publicKey: Certificate.PublicKey

    init(signer: some MetadataSigner, algorithm: Certificate.SignatureAlgorithm) throws {
        self.signer = signer
        self.algorithm = algorithm
        self.publicKey = try Certificate.PublicKey(derEncoded: signer.publicKey.spki)
    }

    var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm { algorithm }
    var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] { [algorithm] }

    func signSynchronously(bytes: some DataProtocol, signatureAlgorithm: Certificate.SignatureAlgorithm) throws -> Certificate.Signature {
        guard signatureAlgorithm == algorithm else {
            throw MetadataError.signingFailed("the key signs only with \(algorithm)")
        }
        let raw = try signer.sign(Array(bytes))
        let der = try signer.publicKey.derSignature(fromRaw: raw)
        return try Certificate.Signature(signatureAlgorithm: algorithm, signatureBytes: ASN1BitString(bytes: der[...]))
    }

    // The private key never leaves the signer, so there is nothing to serialise.
    static var defaultPEMDiscriminator: String { "PRIVATE KEY" }

    func serializeAsPEM(discriminator: String) throws -> PEMDocument {
        throw MetadataError.signingFailed("a signer's private key cannot be exported")
    }

    func serialize(into coder: inout DER.Serializer) throws {
        throw MetadataError.signingFailed("a signer's private key cannot be exported")
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.signer.publicKey == rhs.signer.publicKey && lhs.algorithm == rhs.algorithm
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(signer.publicKey)
    }
}
