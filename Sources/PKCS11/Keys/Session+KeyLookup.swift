import CPKCS11

/// How to find one signing key on a token.
public enum KeySelector: Sendable, Equatable, CustomStringConvertible {
    case label(String)
    case id([UInt8])

    /// The key named by a `pkcs11:` URI's `id=` (preferred, it is unique) or `object=`.
    public init?(uri: PKCS11URI) {
        if let id = uri.id { self = .id(id) } else if let object = uri.object { self = .label(object) } else { return nil }
    }

    public var description: String {
        switch self {
        case let .label(label): return "label '\(label)'"
        case let .id(id): return "id \(HexText.encode(id))"
        }
    }
}

extension Session {
    /// Finds exactly one signing key pair (requires login to see the private half).
    public func key(_ selector: KeySelector) throws(PKCS11Error) -> TokenKey {
        let template = AttributeTemplate().add(UInt(CKA_CLASS), ulong: UInt(CKO_PRIVATE_KEY))
        switch selector {
        case let .label(label): template.add(UInt(CKA_LABEL), string: label)
        case let .id(id): template.add(UInt(CKA_ID), bytes: id)
        }
        let found = try findObjects(template)
        guard let privateHandle = found.first else { throw .keyNotFound(what: selector.description, token: identity) }
        guard found.count == 1 else { throw .duplicateObject(what: selector.description, token: identity) }

        let label = (try attribute(UInt(CKA_LABEL), of: privateHandle)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let id = try attribute(UInt(CKA_ID), of: privateHandle) ?? []
        guard !id.isEmpty else {
            // Without an ID the public half cannot be paired reliably; an empty ID matches anything.
            throw .unsupportedKey(key: label, reason: "it has no CKA_ID, so its public key cannot be paired with it", token: identity)
        }
        let publicTemplate = AttributeTemplate()
            .add(UInt(CKA_CLASS), ulong: UInt(CKO_PUBLIC_KEY))
            .add(UInt(CKA_ID), bytes: id)
        guard let publicHandle = try findObjects(publicTemplate).first else {
            throw .unsupportedKey(key: label, reason: "its public key object (same CKA_ID) is missing", token: identity)
        }
        guard let algorithm = try algorithm(of: publicHandle) else {
            throw .unsupportedKey(key: label, reason: "its key type or curve is not one a ceremony supports", token: identity)
        }
        let spki = try PublicKeyExport.subjectPublicKeyInfo(session: self, publicKey: publicHandle, algorithm: algorithm, label: label)
        return TokenKey(label: label, id: id, algorithm: algorithm, subjectPublicKeyInfo: spki,
                        attributes: try readAttributes(of: privateHandle),
                        privateHandle: privateHandle, publicHandle: publicHandle)
    }

    /// Finds the one signing key pair whose public key is `spki` (DER SubjectPublicKeyInfo),
    /// looking at every private key with a `CKA_ID`; requires login.
    ///
    /// - Throws: ``PKCS11Error/keyNotFound(what:token:)`` when no key pair matches.
    public func key(withPublicKey spki: [UInt8]) throws(PKCS11Error) -> TokenKey {
        let template = AttributeTemplate().add(UInt(CKA_CLASS), ulong: UInt(CKO_PRIVATE_KEY))
        for handle in try findObjects(template) {
            guard let id = try attribute(UInt(CKA_ID), of: handle), !id.isEmpty,
                  let key = try? key(.id(id)), key.subjectPublicKeyInfo == spki else { continue }
            return key
        }
        throw .keyNotFound(what: "the key with the expected public key", token: identity)
    }

    /// Whether the token holds a public key object whose key is `spki` (DER SubjectPublicKeyInfo).
    /// Public key objects are readable without a login, so this can be asked before any PIN.
    public func holdsPublicKey(_ spki: [UInt8]) throws(PKCS11Error) -> Bool {
        let template = AttributeTemplate().add(UInt(CKA_CLASS), ulong: UInt(CKO_PUBLIC_KEY))
        for handle in try findObjects(template) {
            guard let algorithm = try? algorithm(of: handle),
                  let candidate = try? PublicKeyExport.subjectPublicKeyInfo(session: self, publicKey: handle, algorithm: algorithm, label: "") else { continue }
            if candidate == spki { return true }
        }
        return false
    }

    func algorithm(of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> KeyAlgorithm? {
        guard let keyType = try ulongAttribute(UInt(CKA_KEY_TYPE), of: object) else { return nil }
        let parameters = try attribute(UInt(CKA_EC_PARAMS), of: object)
        var bits = try ulongAttribute(UInt(CKA_MODULUS_BITS), of: object).map { Int($0) }
        if bits == nil, keyType == UInt(CKK_RSA), let modulus = try attribute(UInt(CKA_MODULUS), of: object) {
            bits = modulus.drop { $0 == 0 }.count * 8
        }
        return KeyAlgorithm.identify(keyType: keyType, ecParameters: parameters, modulusBits: bits)
    }
}
