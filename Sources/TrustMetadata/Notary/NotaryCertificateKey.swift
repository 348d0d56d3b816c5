import Foundation
import SwiftASN1
import X509

/// The certificates held in a Notary `ecdsa-x509` / `rsa-x509` key, read by notary's own
/// rules, with the facts the notary client checks before it trusts a root key.
///
/// Follows notary 0.7's `trustpinning` package: `parseAllCerts` (the key's PEM is a
/// bundle — `utils.LoadCertBundleFromPEM` — whose first certificate must be its one
/// leaf, a non-CA certificate, followed by CA intermediates), `MatchCNToGun` (a CN
/// ending in `*` matches every GUN with that prefix) and `utils.ValidateCertificate`
/// (no SHA-1 signature under any key type, a sane validity window with one day of
/// leeway on notBefore, RSA keys of at least 2048 bits).
public struct NotaryCertificateKey: Hashable, Sendable {
    /// The first certificate: the key that signs (for a root key, it must be the leaf).
    public let certificate: Certificate
    /// The certificates after the first, as notary keeps them for trust pinning.
    public let intermediates: [Certificate]
    /// The leaf's public key.
    public let material: PublicKeyMaterial

    /// How far ahead of the checking time a certificate's notBefore may lie (notary: one day).
    public static let notBeforeLeeway: TimeInterval = 86_400

    /// Signature algorithm OIDs notary refuses (`x509.SHA1WithRSA`, `DSAWithSHA1`, `ECDSAWithSHA1`).
    static let sha1SignatureAlgorithms: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 113549, 1, 1, 5]: "sha1WithRSAEncryption",
        [1, 2, 840, 10045, 4, 1]: "ecdsa-with-SHA1",
        [1, 2, 840, 10040, 4, 3]: "dsa-with-sha1",
    ]

    /// Reads the PEM bytes that the key's base64 `public` value decodes to: one or more
    /// `CERTIFICATE` blocks. The key is the first certificate's, as notary's x509 verifiers
    /// take it; whether the bundle is a usable *root* key (leaf first, one leaf) is one of
    /// the ``problems(gun:at:)``, as `parseAllCerts` checks it only for root keys.
    /// SHA-1 intermediates are dropped, as `validRootIntCerts` drops them.
    ///
    /// - Throws: `KeyError` in plain words: not PEM, a block that is not a certificate,
    ///   a certificate that cannot be read, or a first certificate signed with SHA-1.
    public init(pemBytes: [UInt8]) throws(KeyError) {
        guard let pem = String(validating: pemBytes, as: UTF8.self) else {
            throw KeyError("the certificate is not UTF-8 PEM text")
        }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw KeyError("the certificate is not PEM (expected BEGIN/END CERTIFICATE blocks)")
        }
        guard !documents.isEmpty else { throw KeyError("the key holds no PEM certificate") }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() {
            let ordinal = documents.count == 1 ? "the certificate" : "certificate \(index + 1) of \(documents.count)"
            guard document.discriminator == "CERTIFICATE" else {
                throw KeyError("\(ordinal) in the key is a PEM \(document.discriminator) block, not a CERTIFICATE")
            }
            let der = Array(document.derBytes)
            if let sha1 = Self.sha1Algorithm(of: der) {
                // notary's validRootIntCerts drops SHA-1 intermediates; a SHA-1 leaf is never used.
                if index == 0 { throw KeyError("\(ordinal) is signed with SHA-1 (\(sha1)); notary refuses SHA-1 certificates") }
                continue
            }
            do {
                certificates.append(try Certificate(derEncoded: der))
            } catch {
                throw KeyError("\(ordinal) is not an X.509 certificate this tool can read")
            }
        }
        guard let first = certificates.first else { throw KeyError("the key holds no usable certificate") }
        try self.init(leaf: first, intermediates: Array(certificates.dropFirst()))
    }

    init(certificate: Certificate) throws(KeyError) {
        try self.init(leaf: certificate, intermediates: [])
    }

    private init(leaf: Certificate, intermediates: [Certificate]) throws(KeyError) {
        self.certificate = leaf
        self.intermediates = intermediates
        material = try Self.spkiMaterial(of: leaf)
    }

    /// Whether a certificate is a CA (basicConstraints cA TRUE), as Go's `x509.Certificate.IsCA`.
    static func isCA(_ certificate: Certificate) -> Bool {
        if let constraints = try? certificate.extensions.basicConstraints, case .isCertificateAuthority = constraints {
            return true
        }
        return false
    }

    /// The name of the SHA-1 signature algorithm of a DER certificate, or `nil` if it is
    /// not signed with SHA-1 (or is not a certificate at all). Reads only the outer
    /// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`.
    static func sha1Algorithm(of der: [UInt8]) -> String? {
        guard let root = try? DER.parse(der), case .constructed(let children) = root.content else { return nil }
        var iterator = children.makeIterator()
        _ = iterator.next()
        guard let algorithm = iterator.next(), case .constructed(let parts) = algorithm.content,
              let oidNode = parts.first(where: { _ in true }),
              let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode) else { return nil }
        return sha1SignatureAlgorithms[oid]
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

    /// The leaf certificate alone as PEM, encoded as Go's `pem.EncodeToMemory` writes it (64-column
    /// base64, a final newline): what notary's `utils.CertToKey` puts in an `ecdsa-x509` key, so
    /// a key built from it has the key ID notary computes for the same certificate.
    public var leafPEM: String? {
        (try? certificate.serializeAsPEM()).map { $0.pemString + "\n" }
    }

    /// The subject common names in order.
    public var commonNames: [String] {
        var names: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                names.append(String(attribute.value) ?? attribute.value.description)
            }
        }
        return names
    }

    /// The CN notary compares with the GUN: Go's `pkix.Name.CommonName`, the last one.
    public var commonName: String? { commonNames.last }

    /// Whether the CN is a wildcard (`namespace/*`), which names many GUNs rather than one.
    public var hasWildcardCommonName: Bool { commonName?.hasSuffix("*") ?? false }

    /// notary's `MatchCNToGun`: a CN ending in `*` matches every GUN that starts with the
    /// CN less its trailing `*`s; any other CN must be the GUN. Compared as UTF-8 bytes,
    /// as Go compares strings.
    public static func commonName(_ commonName: String, matches gun: String) -> Bool {
        if commonName.hasSuffix("*") {
            let prefix = commonName.utf8.reversed().drop { $0 == UInt8(ascii: "*") }.reversed()
            return gun.utf8.starts(with: prefix)
        }
        return isSameText(commonName, gun)
    }

    /// Reasons notary's client would not use this certificate as a root key for `gun` at `date`.
    ///
    /// Mirrors notary's `parseAllCerts` (leaf first, exactly one leaf) and `validRootLeafCerts`: the CN matches the GUN (`MatchCNToGun`), the
    /// validity window is sane and holds `date` (notBefore up to one day ahead is
    /// allowed, as in `ValidateCertificate`), and the leaf is not signed with SHA-1 (refused
    /// when the bundle is read). Without a GUN a wildcard CN cannot be checked and is
    /// reported. A self-issued leaf must also carry a valid self-signature (stricter than notary).
    public func problems(gun: String?, at date: Date) -> [String] {
        var problems: [String] = []
        // parseAllCerts: the bundle starts with its one leaf (a non-CA certificate).
        let leaves = ([certificate] + intermediates).filter { !Self.isCA($0) }
        if Self.isCA(certificate) {
            problems.append(leaves.isEmpty ? "certificate is a CA (CA:TRUE) and the key holds no leaf; notary needs a leaf certificate"
                                           : "the key's certificate bundle does not start with its leaf certificate (the first is a CA)")
        } else if leaves.count != 1 {
            problems.append("the key holds \(leaves.count) leaf (non-CA) certificates; notary needs exactly one, followed by CA intermediates")
        }
        let cn = commonName
        if let gun {
            if cn.map({ Self.commonName($0, matches: gun) }) != true {
                problems.append("certificate CN \(cn.map { "\"\($0)\"" } ?? "(none)") does not match the GUN \"\(gun)\"")
            }
        } else if hasWildcardCommonName, let cn {
            problems.append("certificate CN \"\(cn)\" is a wildcard; give --gun to say which repository this root is for")
        }
        if certificate.notValidBefore > certificate.notValidAfter {
            problems.append("certificate validity window is invalid (notBefore \(certificate.notValidBefore) is after notAfter \(certificate.notValidAfter))")
        } else if date.addingTimeInterval(Self.notBeforeLeeway) < certificate.notValidBefore {
            problems.append("certificate is not valid before \(certificate.notValidBefore) (notary allows one day of leeway)")
        } else if date > certificate.notValidAfter {
            problems.append("certificate expired at \(certificate.notValidAfter)")
        }
        if certificate.issuer == certificate.subject,
           !certificate.publicKey.isValidSignature(certificate.signature, for: certificate) {
            problems.append("certificate's self-signature does not verify")
        }
        return problems
    }
}
