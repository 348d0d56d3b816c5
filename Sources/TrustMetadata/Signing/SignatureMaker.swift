/// Turns a signer's raw signature into a dialect's signature entry.
///
/// Every signature is checked against the signer's public key in software before
/// it is returned, so a faulty token or a wrong key never reaches a file.
public enum SignatureMaker {
    /// Signs `message` and encodes the result for `dialect`.
    ///
    /// - TUF: `sig` is hex; ECDSA signatures are converted from raw r||s to DER.
    /// - Notary: `sig` is base64 of the raw signature with `method` `ecdsa`, `eddsa` or `rsapss`.
    public static func signature(over message: [UInt8], with signer: some MetadataSigner,
                                 keyID: String, dialect: Dialect) throws(MetadataError) -> MetadataSignature {
        let material = signer.publicKey
        let raw: [UInt8]
        do {
            raw = try signer.sign(message)
        } catch {
            throw .signingFailed("the signer failed: \(error)")
        }
        guard material.isValidRawSignature(raw, for: message) else {
            throw .signingFailed("the signature does not verify with the signer's public key")
        }
        switch dialect {
        case .tuf:
            let encoded: [UInt8]
            do {
                encoded = try material.derSignature(fromRaw: raw)
            } catch {
                throw .signingFailed(error.description)
            }
            return MetadataSignature(keyID: keyID, value: ByteEncoding.hex(encoded))
        case .notary:
            if material.algorithm == .ecdsaP384 {
                // notary 0.7 hashes every ECDSA signature with SHA-256; the token hashes P-384 with SHA-384.
                throw .signingFailed("Notary signatures with P-384 keys are not interoperable; use P-256")
            }
            let method = NotarySignatureMethod(material.algorithm).rawValue
            return MetadataSignature(keyID: keyID, value: ByteEncoding.base64(raw), method: method)
        }
    }
}

extension SignedMetadata {
    /// Signs the canonical bytes of `signed` and appends the signature.
    ///
    /// `keyID` is the ID the metadata lists for the signer's key (for a Notary root
    /// that is the certificate key's ID, not the bare key's).
    public mutating func sign(with signer: some MetadataSigner, keyID: String, dialect: Dialect) throws(MetadataError) {
        let message = try canonicalSignedBytes()
        signatures.append(try SignatureMaker.signature(over: message, with: signer, keyID: keyID, dialect: dialect))
    }
}
