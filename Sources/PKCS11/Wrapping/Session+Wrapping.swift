import CPKCS11
import Crypto

extension Session {
    /// Puts an AES-256 key on the token as a session object that can only wrap and unwrap.
    ///
    /// It is a session object so that it disappears with the session: the backup key must live
    /// only in the shares, never on a token.
    public func importWrappingKey(_ secret: SecretBytes, label: String) throws(PKCS11Error) -> WrappingKey {
        guard [16, 24, 32].contains(secret.count) else {
            throw .invalidArgument("a wrapping key must be 16, 24 or 32 bytes long")
        }
        let template = AttributeTemplate()
            .add(UInt(CKA_CLASS), ulong: UInt(CKO_SECRET_KEY))
            .add(UInt(CKA_KEY_TYPE), ulong: UInt(CKK_AES))
            .add(UInt(CKA_TOKEN), bool: false)
            .add(UInt(CKA_PRIVATE), bool: true)
            .add(UInt(CKA_SENSITIVE), bool: true)
            .add(UInt(CKA_EXTRACTABLE), bool: false)
            .add(UInt(CKA_WRAP), bool: true)
            .add(UInt(CKA_UNWRAP), bool: true)
            .add(UInt(CKA_ENCRYPT), bool: false)
            .add(UInt(CKA_DECRYPT), bool: false)
            .add(UInt(CKA_LABEL), string: label)
        _ = secret.withBytes { template.add(UInt(CKA_VALUE), secret: $0) }
        var object: CK_OBJECT_HANDLE = 0
        let rv = serialized { template.withPointer { pointer, count in PKCS11CallTimes.measure("C_CreateObject") { functions.C_CreateObject!(handle, pointer, count, &object) } } }
        try check("C_CreateObject", rv, during: "loading the wrapping key")
        return WrappingKey(label: label, handle: object)
    }

    /// Destroys a wrapping key before its session ends (it would vanish with the session anyway).
    public func destroy(_ wrappingKey: WrappingKey) throws(PKCS11Error) {
        try destroy(wrappingKey.handle)
    }

    /// Wraps a private key under `wrappingKey`. The token refuses keys not marked extractable.
    public func wrap(_ key: TokenKey, with wrappingKey: WrappingKey, mechanism: WrapMechanism = .aesKeyWrapPad) throws(PKCS11Error) -> [UInt8] {
        try serialized { () throws(PKCS11Error) -> [UInt8] in
            var ck = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism.mechanism), pParameter: nil, ulParameterLen: 0)
            var length: CK_ULONG = 0
            try check("C_WrapKey", PKCS11CallTimes.measure("C_WrapKey") { functions.C_WrapKey!(handle, &ck, wrappingKey.handle, key.privateHandle, nil, &length) }, during: "wrapping '\(key.label)'")
            var wrapped = [UInt8](repeating: 0, count: Int(length))
            try check("C_WrapKey", PKCS11CallTimes.measure("C_WrapKey") { functions.C_WrapKey!(handle, &ck, wrappingKey.handle, key.privateHandle, &wrapped, &length) }, during: "wrapping '\(key.label)'")
            return Array(wrapped.prefix(Int(length)))
        }
    }

    /// Unwraps a wrapped EC private key onto this token under `policy`, recreates its public key
    /// object from `subjectPublicKeyInfo`, and proves the pair matches by signing a probe.
    ///
    /// An unwrapped key is not `CKA_LOCAL` and not `CKA_ALWAYS_SENSITIVE`: that is the truth about
    /// a recovered key, and the returned attributes say so rather than hide it.
    public func unwrap(_ wrapped: [UInt8], with wrappingKey: WrappingKey, mechanism: WrapMechanism = .aesKeyWrapPad,
                       algorithm: KeyAlgorithm, subjectPublicKeyInfo spki: [UInt8], policy: KeyPolicy) throws(PKCS11Error) -> TokenKey {
        guard algorithm == .ecdsaP256 || algorithm == .ecdsaP384, let parameters = algorithm.ecParameters else {
            throw .invalidArgument("only ECDSA P-256 and P-384 keys can be restored from a wrapped backup")
        }
        if try objectExists(label: policy.label) { throw .duplicateObject(what: "label '\(policy.label)'", token: identity) }
        let point: [UInt8]
        do {
            point = algorithm == .ecdsaP256
                ? Array(try P256.Signing.PublicKey(derRepresentation: spki).x963Representation)
                : Array(try P384.Signing.PublicKey(derRepresentation: spki).x963Representation)
        } catch {
            throw .invalidArgument("the recorded public key is not a valid \(algorithm) key")
        }
        let id = try randomBytes(16)
        var privateHandle: CK_OBJECT_HANDLE = 0
        func unwrapKey(unmodifiable: Bool) -> CK_RV {
            let privateTemplate = policy.privateKeyTemplate(algorithm, id: id)
            if unmodifiable { privateTemplate.add(UInt(CKA_MODIFIABLE), bool: false) }
            return serialized {
                var input = wrapped
                var ck = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism.mechanism), pParameter: nil, ulParameterLen: 0)
                return privateTemplate.withPointer { pointer, count in
                    PKCS11CallTimes.measure("C_UnwrapKey") {
                        functions.C_UnwrapKey!(handle, &ck, wrappingKey.handle, &input, CK_ULONG(input.count), pointer, count, &privateHandle)
                    }
                }
            }
        }
        // A restored key is never changed again, so it is made unmodifiable where the token allows.
        var rv = unwrapKey(unmodifiable: policy.preferUnmodifiable)
        if policy.preferUnmodifiable, [UInt(CKR_ATTRIBUTE_VALUE_INVALID), UInt(CKR_TEMPLATE_INCONSISTENT), UInt(CKR_ATTRIBUTE_READ_ONLY)].contains(UInt(rv)) {
            rv = unwrapKey(unmodifiable: false)
        }
        try check("C_UnwrapKey", rv, during: "restoring '\(policy.label)'")

        let publicTemplate = policy.publicKeyTemplate(algorithm, id: id)
            .add(UInt(CKA_EC_PARAMS), bytes: parameters)
            .add(UInt(CKA_EC_POINT), bytes: [0x04, UInt8(point.count)] + point)
        var publicHandle: CK_OBJECT_HANDLE = 0
        let createRV = serialized { publicTemplate.withPointer { pointer, count in PKCS11CallTimes.measure("C_CreateObject") { functions.C_CreateObject!(handle, pointer, count, &publicHandle) } } }
        do throws(PKCS11Error) {
            try check("C_CreateObject", createRV, during: "restoring '\(policy.label)'")
            let key = TokenKey(label: policy.label, id: id, algorithm: algorithm, subjectPublicKeyInfo: spki,
                               attributes: try readAttributes(of: privateHandle), privateHandle: privateHandle, publicHandle: publicHandle)
            // The probe is typed and domain-separated so it can never be mistaken for metadata.
            _ = try sign(Array("keyceremony:restore-probe:v1:\(key.idHex)".utf8), with: key)
            return key
        } catch {
            try? destroy(privateHandle)
            if publicHandle != 0 { try? destroy(publicHandle) }
            throw error
        }
    }
}

extension Session {
    /// Makes a key that was extractable for its one backup wrap non-extractable for good, and
    /// proves it by reading the attributes back.
    ///
    /// PKCS#11 lets `CKA_EXTRACTABLE` change only from true to false, never back, so after this
    /// no one can wrap the key again, on this token or with any wrapping key. The key must have
    /// been generated modifiable (``KeyPolicy/preferUnmodifiable`` false) for the token to accept it.
    ///
    /// - Returns: the key with its attributes as read back.
    /// - Throws: ``PKCS11Error/policyMismatch(key:attribute:expected:actual:token:)`` when the
    ///   token still reports the key extractable; a call error when it refuses the change.
    public func forbidExtraction(_ key: TokenKey) throws(PKCS11Error) -> TokenKey {
        let template = AttributeTemplate().add(UInt(CKA_EXTRACTABLE), bool: false)
        let rv = serialized { template.withPointer { pointer, count in PKCS11CallTimes.measure("C_SetAttributeValue") { functions.C_SetAttributeValue!(handle, key.privateHandle, pointer, count) } } }
        try check("C_SetAttributeValue", rv, during: "making '\(key.label)' non-extractable after its backup")
        let attributes = try readAttributes(of: key.privateHandle)
        guard attributes.extractable == false, attributes.sensitive == true else {
            throw .policyMismatch(key: key.label, attribute: "CKA_EXTRACTABLE", expected: false, actual: attributes.extractable, token: identity)
        }
        var locked = TokenKey(label: key.label, id: key.id, algorithm: key.algorithm, subjectPublicKeyInfo: key.subjectPublicKeyInfo,
                              attributes: attributes, privateHandle: key.privateHandle, publicHandle: key.publicHandle)
        locked.exceptionsApplied = key.exceptionsApplied
        return locked
    }
}
