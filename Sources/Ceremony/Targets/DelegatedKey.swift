import Foundation
import TrustMetadata

/// A delegated role's public key, read from the file a plan names, in the form targets.json
/// lists it.
///
/// Accepted, as `notary delegation add` and python-tuf accept them: a PEM `PUBLIC KEY`
/// (SubjectPublicKeyInfo), the dialect's key JSON, and for Notary an x509 `CERTIFICATE`, listed
/// as an `ecdsa-x509`/`rsa-x509` key holding the leaf certificate re-encoded as notary's
/// `utils.CertToKey` encodes it (so the key ID is the one notary computes for the same
/// certificate). A certificate must be valid at the ceremony, as `notary delegation add`
/// requires (`trustmanager.ValidateCertificate`).
struct DelegatedKey: Sendable, Equatable {
    var key: MetadataKey
    /// The key's ID in the dialect (the ID targets.json lists it under).
    var keyID: String
    /// The public key, to count distinct keys toward a threshold.
    var spki: [UInt8]
    /// SHA-256 hex of the file as read.
    var fileSHA256: String
    /// The file as the plan names it.
    var file: DelegationChange.KeyFile

    /// Reads the key file `file` for `dialect`, judged at `time`.
    ///
    /// - Returns: the key, or why it cannot be used, in words naming the file.
    static func load(_ file: DelegationChange.KeyFile, dialect: Dialect, at time: Date) -> Result<DelegatedKey, KeyFileProblem> {
        let source: SourceFile
        do {
            source = try SourceFile.read(file.url)
        } catch {
            return .failure(KeyFileProblem(file: file, reason: "key file \(file.path) cannot be read: \(error)"))
        }
        let bytes = Array(source.bytes)
        var key: MetadataKey
        do {
            key = try MetadataKey.importKey(bytes, dialect: dialect)
        } catch {
            return .failure(KeyFileProblem(file: file, reason: "key file \(file.path) is not a usable \(dialect.rawValue) public key: \(error)"))
        }
        if dialect == .notary, key.isCertificate {
            do {
                let certificate = try NotaryCertificateKey(pemBytes: bytes)
                if time > certificate.certificate.notValidAfter {
                    return .failure(KeyFileProblem(file: file, reason: "the certificate in \(file.path) expired at \(RFC3339.format(certificate.certificate.notValidAfter)); notary refuses expired delegation certificates"))
                }
                if time.addingTimeInterval(NotaryCertificateKey.notBeforeLeeway) < certificate.certificate.notValidBefore {
                    return .failure(KeyFileProblem(file: file, reason: "the certificate in \(file.path) is not valid before \(RFC3339.format(certificate.certificate.notValidBefore))"))
                }
                guard let pem = certificate.leafPEM else {
                    return .failure(KeyFileProblem(file: file, reason: "the certificate in \(file.path) cannot be encoded again"))
                }
                key = MetadataKey.notaryCertificate(pem: pem, algorithm: certificate.material.algorithm)
            } catch {
                return .failure(KeyFileProblem(file: file, reason: "the certificate in \(file.path) cannot be used: \(error)"))
            }
        }
        guard let material = try? key.material(dialect: dialect) else {
            return .failure(KeyFileProblem(file: file, reason: "key file \(file.path) is not a usable \(dialect.rawValue) public key"))
        }
        return .success(DelegatedKey(key: key, keyID: key.keyID, spki: material.spki, fileSHA256: source.digest.hex, file: file))
    }

    /// Reads every key file `changes` name; each problem names its file and line.
    static func loadAll(_ changes: [DelegationChange], dialect: Dialect, at time: Date) -> (keys: [URL: DelegatedKey], problems: [KeyFileProblem]) {
        var keys: [URL: DelegatedKey] = [:]
        var problems: [KeyFileProblem] = []
        for file in changes.flatMap(\.keyFiles) where keys[file.url] == nil {
            switch load(file, dialect: dialect, at: time) {
            case .success(let key): keys[file.url] = key
            case .failure(let problem): problems.append(problem)
            }
        }
        return (keys, problems)
    }
}

/// A key file that cannot be used, with where the plan names it.
struct KeyFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    var file: DelegationChange.KeyFile
    var reason: String
    var description: String { reason }
}
