import Foundation
import SwiftASN1
import X509

/// A certificate held in a Notary `ecdsa-x509` / `rsa-x509` key, with the facts the
/// notary client checks before it trusts a root key.
public struct NotaryCertificateKey: Hashable, Sendable {
    /// The parsed certificate.
    public let certificate: Certificate
    /// The certificate's public key.
    public let material: PublicKeyMaterial

    /// Reads the PEM bytes that the key's base64 `public` value decodes to.
    public init(pemBytes: [UInt8]) throws(KeyError) {
        guard let pem = String(validating: pemBytes, as: UTF8.self) else {
            throw KeyError("certificate is not UTF-8 PEM")
        }
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw KeyError("not a PEM certificate: \(error)")
        }
        material = try Self.spkiMaterial(of: certificate)
    }

    init(certificate: Certificate) throws(KeyError) {
        self.certificate = certificate
        material = try Self.spkiMaterial(of: certificate)
    }

    /// The whole DER SubjectPublicKeyInfo (`subjectPublicKeyInfoBytes` is only the key bits).
    private static func spkiMaterial(of certificate: Certificate) throws(KeyError) -> PublicKeyMaterial {
        let der: [UInt8]
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate.publicKey)
            der = serializer.serializedBytes
        } catch {
            throw KeyError("cannot encode the certificate's public key")
        }
        return try PublicKeyMaterial(spki: der)
    }

    /// The subject common names (notary requires exactly the GUN).
    public var commonNames: [String] {
        var names: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                names.append(String(attribute.value) ?? attribute.value.description)
            }
        }
        return names
    }

    /// Reasons notary's client would not use this certificate as a root key for `gun` at `date`.
    ///
    /// Mirrors notary's `trustpinning` rules: CN equal to the GUN, inside the validity
    /// window, not a CA, not signed with SHA-1; a self-issued certificate must also
    /// carry a valid self-signature.
    public func problems(gun: String?, at date: Date) -> [String] {
        var problems: [String] = []
        let names = commonNames
        if let gun, names != [gun] {
            problems.append("certificate CN \(names) is not the GUN \"\(gun)\"")
        }
        if date < certificate.notValidBefore {
            problems.append("certificate is not valid before \(certificate.notValidBefore)")
        }
        if date > certificate.notValidAfter {
            problems.append("certificate expired at \(certificate.notValidAfter)")
        }
        if let constraints = try? certificate.extensions.basicConstraints,
           case .isCertificateAuthority = constraints {
            problems.append("certificate is a CA (CA:TRUE); notary needs a leaf")
        }
        if certificate.signatureAlgorithm == .sha1WithRSAEncryption {
            problems.append("certificate is signed with SHA-1")
        }
        if certificate.issuer == certificate.subject,
           !certificate.publicKey.isValidSignature(certificate.signature, for: certificate) {
            problems.append("certificate's self-signature does not verify")
        }
        return problems
    }
}
