import CPKCS11

extension Session {
    /// Generates a signing key pair on the token under `policy`, then proves the token obeyed.
    ///
    /// The label must be new on the token and the `CKA_ID` comes from the token's own generator
    /// and is checked for uniqueness, so a later ceremony can never pick up the wrong key. After
    /// generation the private key's attributes are read back; any difference from the policy
    /// destroys the new pair and fails.
    public func generateKeyPair(_ algorithm: KeyAlgorithm, policy: KeyPolicy) throws(PKCS11Error) -> TokenKey {
        guard !policy.label.isEmpty, policy.label.utf8.count <= 64 else {
            throw .invalidArgument("a key label must have 1 to 64 bytes; '\(policy.label)' does not")
        }
        if try objectExists(label: policy.label) {
            throw .duplicateObject(what: "label '\(policy.label)'", token: identity)
        }
        var id = try randomBytes(16)
        while try objectExists(id: id) { id = try randomBytes(16) }

        let (publicHandle, privateHandle) = try generate(algorithm, policy: policy, id: id)
        do throws(PKCS11Error) {
            let attributes = try readAttributes(of: privateHandle)
            var applied: [KeyPolicyException] = []
            for expectation in policy.expectations where attributes[expectation.attribute] != expectation.value {
                // A named exception accepts exactly one other value (never "unreadable").
                if let exception = policy.exceptions.first(where: { $0.attribute.flag == expectation.attribute }),
                   attributes[expectation.attribute] == exception.acceptedValue {
                    applied.append(exception)
                    continue
                }
                throw .policyMismatch(
                    key: policy.label, attribute: expectation.name, expected: expectation.value,
                    actual: attributes[expectation.attribute], token: identity)
            }
            let spki = try PublicKeyExport.subjectPublicKeyInfo(session: self, publicKey: publicHandle, algorithm: algorithm, label: policy.label)
            var key = TokenKey(label: policy.label, id: id, algorithm: algorithm, subjectPublicKeyInfo: spki,
                               attributes: attributes, privateHandle: privateHandle, publicHandle: publicHandle)
            key.exceptionsApplied = applied
            return key
        } catch {
            // A key that does not meet policy must not survive to be used by mistake.
            try? destroy(privateHandle)
            try? destroy(publicHandle)
            throw error
        }
    }

    private func generate(_ algorithm: KeyAlgorithm, policy: KeyPolicy, id: [UInt8]) throws(PKCS11Error) -> (CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
        do {
            return try generate(algorithm, policy: policy, id: id, unmodifiable: policy.preferUnmodifiable)
        } catch let PKCS11Error.call(_, code, _) where policy.preferUnmodifiable
            && [UInt(CKR_ATTRIBUTE_VALUE_INVALID), UInt(CKR_TEMPLATE_INCONSISTENT), UInt(CKR_ATTRIBUTE_READ_ONLY)].contains(code.rawValue) {
            // Some tokens refuse CKA_MODIFIABLE=false at generation; the policy allows that.
            return try generate(algorithm, policy: policy, id: id, unmodifiable: false)
        }
    }

    private func generate(_ algorithm: KeyAlgorithm, policy: KeyPolicy, id: [UInt8], unmodifiable: Bool) throws(PKCS11Error) -> (CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
        let publicTemplate = policy.publicKeyTemplate(algorithm, id: id)
        let privateTemplate = policy.privateKeyTemplate(algorithm, id: id)
        if unmodifiable {
            publicTemplate.add(UInt(CKA_MODIFIABLE), bool: false)
            privateTemplate.add(UInt(CKA_MODIFIABLE), bool: false)
        }
        if let parameters = algorithm.ecParameters {
            publicTemplate.add(UInt(CKA_EC_PARAMS), bytes: parameters)
        }
        if let bits = algorithm.modulusBits {
            publicTemplate.add(UInt(CKA_MODULUS_BITS), ulong: bits)
            publicTemplate.add(UInt(CKA_PUBLIC_EXPONENT), bytes: [0x01, 0x00, 0x01])
        }
        var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(algorithm.generationMechanism), pParameter: nil, ulParameterLen: 0)
        var publicHandle: CK_OBJECT_HANDLE = 0
        var privateHandle: CK_OBJECT_HANDLE = 0
        let rv: CK_RV = serialized {
            publicTemplate.withPointer { publicPointer, publicCount in
                privateTemplate.withPointer { privatePointer, privateCount in
                    PKCS11CallTimes.measure("C_GenerateKeyPair") {
                        functions.C_GenerateKeyPair!(handle, &mechanism, publicPointer, publicCount,
                                                     privatePointer, privateCount, &publicHandle, &privateHandle)
                    }
                }
            }
        }
        try check("C_GenerateKeyPair", rv, during: "key generation for '\(policy.label)'")
        return (publicHandle, privateHandle)
    }
}
