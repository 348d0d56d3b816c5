import PKCS11
import TrustMetadata

/// Lets metadata code sign with a key on a token, without that code knowing about PKCS#11.
///
/// The token layer verifies each signature in software before returning it. What gets signed
/// is decided by TrustMetadata: canonical metadata bytes or the TBSCertificate of the key's own
/// Notary root certificate — nothing else reaches a root key through this type.
package struct TokenSigner: MetadataSigner, @unchecked Sendable {
    package let session: Session
    package let key: TokenKey
    package let publicKey: PublicKeyMaterial

    package init(session: Session, key: TokenKey) throws {
        self.session = session
        self.key = key
        publicKey = try PublicKeyMaterial(spki: key.subjectPublicKeyInfo)
    }

    package func sign(_ message: [UInt8]) throws -> [UInt8] {
        try session.sign(message, with: key).raw
    }
}
