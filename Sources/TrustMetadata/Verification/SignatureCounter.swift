/// Counts the distinct keys of a role that validly signed a message.
///
/// As in the TUF client workflow: signatures by key IDs the role does not list are
/// ignored, a key that signs twice counts once, and two key IDs for the same key
/// count once. A bad signature from a listed key is a notice, not an error, because
/// clients accept metadata that still meets its threshold; with `strict` (a freshly made bundle,
/// ``VerificationOptions/strictSignatures``) it is an error.
enum SignatureCounter {
    /// Returns how many distinct listed keys signed, adding findings for what was skipped.
    ///
    /// - Parameter verdicts: verdicts already worked out for some of `signatures`, by
    ///   position (see ``SignatureVerdict``); the others are checked here.
    static func count(_ signatures: [MetadataSignature], message: [UInt8], role: String, roleKeys: RoleKeys,
                      ring: KeyRing, dialect: Dialect, file: String, strict: Bool = false,
                      verdicts: [SignatureVerdict?] = [], findings: inout [Finding]) -> Int {
        let allowed = Set(roleKeys.keyIDs)
        var signers = Set<PublicKeyMaterial>()
        for (position, signature) in signatures.enumerated() {
            guard allowed.contains(signature.keyID), let material = ring.usable[signature.keyID] else { continue }
            if signers.contains(material) {
                findings.append(Finding(file: file, role: role, keyID: signature.keyID, check: .signature, severity: .notice,
                                        detail: "repeated signature by the same key counts once"))
                continue
            }
            let problem: String?
            if position < verdicts.count, let verdict = verdicts[position] {
                problem = verdict.problem
            } else {
                problem = Self.problem(with: signature, material: material, scheme: ring.schemes[signature.keyID],
                                       message: message, dialect: dialect)
            }
            if let problem {
                findings.append(Finding(file: file, role: role, keyID: signature.keyID, check: .signature,
                                        severity: strict ? .error : .notice, detail: problem))
                continue
            }
            signers.insert(material)
        }
        return signers.count
    }

    /// The verdict on every signature by a key the role lists, by position (`nil` for the
    /// others): what ``count(_:message:role:roleKeys:ring:dialect:file:strict:verdicts:findings:)``
    /// would work out, worked out ahead of it (so it can run beside other work).
    static func verdicts(_ signatures: [MetadataSignature], message: [UInt8], roleKeys: RoleKeys, ring: KeyRing,
                         dialect: Dialect) -> [SignatureVerdict?] {
        let allowed = Set(roleKeys.keyIDs)
        return signatures.map { signature in
            guard allowed.contains(signature.keyID), let material = ring.usable[signature.keyID] else { return nil }
            return problem(with: signature, material: material, scheme: ring.schemes[signature.keyID], message: message,
                           dialect: dialect).map(SignatureVerdict.invalid) ?? .valid
        }
    }

    /// Why a signature does not verify, or `nil` if it does.
    ///
    /// - Parameter scheme: the key's TUF scheme (python-tuf verifies by the key's scheme).
    static func problem(with signature: MetadataSignature, material: PublicKeyMaterial, scheme: SignatureScheme?,
                        message: [UInt8], dialect: Dialect) -> String? {
        guard let bytes = signature.bytes(dialect: dialect) else {
            return "signature value is not \(dialect == .tuf ? "hex" : "base64")"
        }
        switch dialect {
        case .tuf:
            guard let scheme else { return "the key has no supported scheme" }
            return scheme.isValid(bytes, for: message, by: material) ? nil : "signature does not verify"
        case .notary:
            let expected = NotarySignatureMethod(material.algorithm)
            guard signature.method == expected.rawValue else {
                return "signature method \(signature.method ?? "(none)") does not fit a \(material.algorithm.rawValue) key (expected \(expected.rawValue))"
            }
            return NotarySignatureMethod.isValid(bytes, for: message, by: material) ? nil : "signature does not verify"
        }
    }
}

/// What checking one signature under one key found, worked out ahead of counting.
///
/// A key ID is the hash of its key entry, and the key's material and scheme are read from
/// that entry, so a signature's verdict under a key ID is the same whichever root's ring
/// the key comes from: a chain checks each distinct (key, signature, message) once.
enum SignatureVerdict: Sendable, Hashable {
    case valid
    /// Why it does not count (``SignatureCounter/problem(with:material:scheme:message:dialect:)``).
    case invalid(String)

    /// The problem, `nil` when valid.
    var problem: String? {
        if case .invalid(let problem) = self { return problem }
        return nil
    }
}
