import Crypto
import Foundation
import SwiftASN1
import X509

/// Issues the self-signed certificate that a Notary root key is published as.
///
/// notary's client only trusts root keys that are leaf certificates whose CN is the
/// repository's GUN, so the ceremony has the root key (usually on a token) sign
/// one. The key signs only the TBSCertificate of its own certificate, which is
/// what it exists to certify.
public enum NotaryRootCertificate {
    /// Issues a certificate for `signer`'s key with CN = `gun`, CA:FALSE, key usage
    /// digitalSignature + keyEncipherment and extended key usage codeSigning, as notary makes them.
    ///
    /// The signature is verified in software before the certificate is returned.
    /// - Returns: the certificate PEM and the `ecdsa-x509` key entry for root metadata.
    public static func issue(gun: String, signer: some MetadataSigner,
                             notBefore: Date, notAfter: Date) throws(MetadataError) -> (pem: String, key: MetadataKey) {
        let material = signer.publicKey
        let algorithm: Certificate.SignatureAlgorithm
        switch material.algorithm {
        case .ecdsaP256: algorithm = .ecdsaWithSHA256
        case .ecdsaP384: algorithm = .ecdsaWithSHA384
        case .ed25519, .rsa:
            // notary 0.7 root certificates are ECDSA or RSA PKCS#1 v1.5; the token signs RSA only with PSS.
            throw .unsupportedKey("Notary root certificates need an ECDSA P-256 or P-384 key, not \(material.algorithm.rawValue)")
        }
        do {
            let privateKey = try SignerCertificateKey(signer: signer, algorithm: algorithm)
            let name = try DistinguishedName { CommonName(gun) }
            var serial = [UInt8](repeating: 0, count: 16)
            var generator = SystemRandomNumberGenerator()
            for i in serial.indices { serial[i] = UInt8.random(in: 0...255, using: &generator) }
            serial[0] &= 0x7F
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(bytes: serial),
                publicKey: privateKey.publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: name,
                subject: name,
                signatureAlgorithm: algorithm,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.codeSigning])
                },
                issuerPrivateKey: Certificate.PrivateKey(privateKey)
            )
            guard certificate.publicKey.isValidSignature(certificate.signature, for: certificate) else {
                throw MetadataError.signingFailed("the certificate's signature does not verify")
            }
            let pem = try certificate.serializeAsPEM().pemString + "\n"
            return (pem, MetadataKey.notaryCertificate(pem: pem, algorithm: material.algorithm))
        } catch let error as MetadataError {
            throw error
        } catch {
            // A library error (swift-certificates) is not shown raw; the signer's own errors are typed above.
            throw .signingFailed("the certificate for GUN \"\(gun)\" could not be built or signed")
        }
    }

    /// Issues a certificate valid from now for `years` years (notary uses 10).
    public static func issue(gun: String, signer: some MetadataSigner, years: Int = 10,
                             now: Date = Date()) throws(MetadataError) -> (pem: String, key: MetadataKey) {
        let notAfter = now.addingTimeInterval(Double(years) * 365.25 * 86_400)
        return try issue(gun: gun, signer: signer, notBefore: now.addingTimeInterval(-60), notAfter: notAfter)
    }
}
