import PKCS11
import TrustMetadata

/// A token key as a ``MetadataSigner``: the adapter the ceremony engine needs, here for tests.
struct TokenMetadataSigner: MetadataSigner {
    let session: Session
    let key: TokenKey
    let publicKey: PublicKeyMaterial

    init(session: Session, key: TokenKey) throws {
        self.session = session
        self.key = key
        self.publicKey = try PublicKeyMaterial(spki: key.subjectPublicKeyInfo)
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        try session.sign(message, with: key).raw
    }
}
