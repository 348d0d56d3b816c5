import CCryptoBoringSSL

/// Verifies RSA signatures as pyca/cryptography does for securesystemslib, through
/// BoringSSL (the library swift-crypto itself is built on).
///
/// swift-crypto's `_RSA.Signing` verifies PSS only with a salt as long as the digest, but securesystemslib (`SSlibKey._verify`) verifies
/// `rsassa-pss-*` with `PSS(mgf=MGF1(hash), salt_length=PSS.AUTO)` — any salt length,
/// recovered from the signature — and `rsa-pkcs1v15-*` with PKCS#1 v1.5. Go's
/// `rsa.SignPSS` and Vault sign with the largest salt, so both are needed to agree
/// with python-tuf. BoringSSL's `RSA_PSS_SALTLEN_AUTO` is exactly that recovery.
enum RSASignatureCheck {
    /// The digest a scheme hashes the message with (MGF1 uses the same one).
    enum Digest: Sendable {
        case sha256, sha384, sha512
    }

    /// The padding of the signature.
    enum Padding: Sendable {
        /// RSASSA-PSS with MGF1 over the same digest, any salt length (`PSS.AUTO`).
        case pssAnySalt
        /// RSASSA-PKCS1-v1_5.
        case pkcs1v15
    }

    /// Whether `signature` (the raw RSA signature bytes) over the whole `message` verifies
    /// under the RSA key in the DER SubjectPublicKeyInfo `spki`.
    ///
    /// Any failure — a key that is not RSA, a malformed signature — is `false`.
    static func isValid(_ signature: [UInt8], for message: [UInt8], spki: [UInt8],
                        digest: Digest, padding: Padding) -> Bool {
        guard let key = spki.withUnsafeBufferPointer({ buffer -> OpaquePointer? in
            var cbs = CBS()
            CCryptoBoringSSL_CBS_init(&cbs, buffer.baseAddress, buffer.count)
            guard let key = CCryptoBoringSSL_EVP_parse_public_key(&cbs) else { return nil }
            guard CCryptoBoringSSL_CBS_len(&cbs) == 0 else {
                CCryptoBoringSSL_EVP_PKEY_free(key)
                return nil
            }
            return key
        }) else {
            CCryptoBoringSSL_ERR_clear_error()
            return false
        }
        defer { CCryptoBoringSSL_EVP_PKEY_free(key) }
        guard CCryptoBoringSSL_EVP_PKEY_id(key) == NID_rsaEncryption,
              let context = CCryptoBoringSSL_EVP_MD_CTX_new() else { return false }
        defer {
            CCryptoBoringSSL_EVP_MD_CTX_free(context)
            CCryptoBoringSSL_ERR_clear_error()
        }
        let md: OpaquePointer?
        switch digest {
        case .sha256: md = CCryptoBoringSSL_EVP_sha256()
        case .sha384: md = CCryptoBoringSSL_EVP_sha384()
        case .sha512: md = CCryptoBoringSSL_EVP_sha512()
        }
        var pkeyContext: OpaquePointer?
        guard CCryptoBoringSSL_EVP_DigestVerifyInit(context, &pkeyContext, md, nil, key) == 1,
              let pkeyContext else { return false }
        switch padding {
        case .pkcs1v15:
            guard CCryptoBoringSSL_EVP_PKEY_CTX_set_rsa_padding(pkeyContext, RSA_PKCS1_PADDING) == 1 else { return false }
        case .pssAnySalt:
            let saltAuto: Int32 = -2  // RSA_PSS_SALTLEN_AUTO: recovered from the signature
            guard CCryptoBoringSSL_EVP_PKEY_CTX_set_rsa_padding(pkeyContext, RSA_PKCS1_PSS_PADDING) == 1,
                  CCryptoBoringSSL_EVP_PKEY_CTX_set_rsa_mgf1_md(pkeyContext, md) == 1,
                  CCryptoBoringSSL_EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyContext, saltAuto) == 1 else { return false }
        }
        return signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                CCryptoBoringSSL_EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count) == 1
            }
        }
    }
}
