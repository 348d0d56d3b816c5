import Foundation

/// The usable keys of one `keys` map, checked once.
///
/// Each key's ID is recomputed and its material decoded; keys that fail either,
/// or Notary root certificates a client would not trust, are left out so they can
/// never count toward a threshold, and each failure becomes one finding.
struct KeyRing {
    private(set) var usable: [String: PublicKeyMaterial] = [:]
    /// The TUF signature scheme of each usable key (empty for Notary, whose
    /// signatures name their method).
    private(set) var schemes: [String: SignatureScheme] = [:]

    /// - Parameters:
    ///   - keyIDsInUse: IDs some role lists; problems with other keys are only notices.
    ///   - certificateRole: for a Notary root, the role whose keys must be trusted certificates.
    ///   - memo: keys already decoded in this verification (``KeyDecodingMemo``), if any.
    init(keys: [String: MetadataKey], dialect: Dialect, keyIDsInUse: Set<String>, file: String, role: String?,
         notaryRootKeyIDs: Set<String> = [], gun: String?, at date: Date, memo: KeyDecodingMemo? = nil,
         findings: inout [Finding]) {
        usable.reserveCapacity(keys.count)
        if dialect == .tuf { schemes.reserveCapacity(keys.count) }
        for (keyID, key) in keys.sorted(by: { $0.key < $1.key }) {
            let severity: Finding.Severity = keyIDsInUse.contains(keyID) ? .error : .notice
            let decoded = memo?.decode(key, listedAs: keyID, dialect: dialect) ?? KeyDecodingMemo.decodeNow(key, dialect: dialect)
            let computed = decoded.keyID
            guard isSameText(computed, keyID) else {
                findings.append(Finding(file: file, role: role, keyID: keyID, check: .keyID, severity: severity,
                                        detail: "key ID is listed as \(keyID) but the key hashes to \(computed)"))
                continue
            }
            let material: PublicKeyMaterial
            do {
                material = try decoded.material.get()
            } catch {
                findings.append(Finding(file: file, role: role, keyID: keyID, check: .key, severity: severity,
                                        detail: error.description))
                continue
            }
            if dialect == .notary, notaryRootKeyIDs.contains(keyID) {
                guard key.isCertificate, let pem = key.publicValue.flatMap(ByteEncoding.decodeBase64),
                      let certificate = try? NotaryCertificateKey(pemBytes: pem) else {
                    findings.append(Finding(file: file, role: "root", keyID: keyID, check: .certificate,
                                            detail: "Notary root keys must be x509 certificates; notary will not use keytype \(key.keyType ?? "?")"))
                    continue
                }
                let problems = certificate.problems(gun: gun, at: date)
                for problem in problems {
                    findings.append(Finding(file: file, role: "root", keyID: keyID, check: .certificate, detail: problem))
                }
                if !problems.isEmpty { continue }
            }
            usable[keyID] = material
            if dialect == .tuf, let scheme = decoded.scheme { schemes[keyID] = scheme }
        }
    }
}
