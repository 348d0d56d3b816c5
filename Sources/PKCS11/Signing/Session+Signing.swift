import CPKCS11
import Crypto

extension Session {
    /// Signs `message` with a key on this token and verifies the result before returning it.
    ///
    /// ECDSA keys sign a digest computed here (SHA-256 for P-256, SHA-384 for P-384) because
    /// tokens such as SoftHSM2 offer only raw `CKM_ECDSA`; Ed25519 signs the whole message with
    /// `CKM_EDDSA`; RSA uses `CKM_SHA256_RSA_PKCS_PSS` with MGF1-SHA256 and a 32-byte salt.
    /// What to sign is the caller's business: the ceremony layer only passes metadata bytes and
    /// domain-separated payloads.
    public func sign(_ message: [UInt8], with key: TokenKey) throws(PKCS11Error) -> TokenSignature {
        let raw: [UInt8]
        switch key.algorithm {
        case .ecdsaP256:
            raw = try sign(Array(SHA256.hash(data: message)), key: key, mechanism: UInt(CKM_ECDSA), parameters: nil)
        case .ecdsaP384:
            raw = try sign(Array(SHA384.hash(data: message)), key: key, mechanism: UInt(CKM_ECDSA), parameters: nil)
        case .ed25519:
            raw = try sign(message, key: key, mechanism: UInt(CKM_EDDSA), parameters: nil)
        case .rsa3072, .rsa4096:
            var pss = CK_RSA_PKCS_PSS_PARAMS(hashAlg: CK_MECHANISM_TYPE(CKM_SHA256), mgf: CK_RSA_PKCS_MGF_TYPE(CKG_MGF1_SHA256), sLen: 32)
            let parameters = withUnsafeBytes(of: &pss) { Array($0) }
            raw = try sign(message, key: key, mechanism: UInt(CKM_SHA256_RSA_PKCS_PSS), parameters: parameters)
        }
        guard let der = SignatureCheck.verify(raw, over: message, algorithm: key.algorithm, subjectPublicKeyInfo: key.subjectPublicKeyInfo) else {
            throw .signatureInvalid(key: key.label, token: identity)
        }
        return TokenSignature(algorithm: key.algorithm, raw: raw, der: der)
    }

    private func sign(_ data: [UInt8], key: TokenKey, mechanism type: UInt, parameters: [UInt8]?) throws(PKCS11Error) -> [UInt8] {
        var parameterBytes = parameters ?? []
        return try serialized { () throws(PKCS11Error) -> [UInt8] in
            let initRV = parameterBytes.withUnsafeMutableBytes { buffer in
                var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(type),
                                             pParameter: parameters == nil ? nil : buffer.baseAddress,
                                             ulParameterLen: CK_ULONG(buffer.count))
                return PKCS11CallTimes.measure("C_SignInit") { functions.C_SignInit!(handle, &mechanism, key.privateHandle) }
            }
            try check("C_SignInit", initRV, during: "signing with '\(key.label)'")
            var input = data
            var length: CK_ULONG = 0
            // Sizing call first; it does not end the operation.
            try check("C_Sign", PKCS11CallTimes.measure("C_Sign") { functions.C_Sign!(handle, &input, CK_ULONG(input.count), nil, &length) }, during: "signing with '\(key.label)'")
            var signature = [UInt8](repeating: 0, count: Int(length))
            try check("C_Sign", PKCS11CallTimes.measure("C_Sign") { functions.C_Sign!(handle, &input, CK_ULONG(input.count), &signature, &length) }, during: "signing with '\(key.label)'")
            return Array(signature.prefix(Int(length)))
        }
    }
}
