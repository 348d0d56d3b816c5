/// Something that can sign with one private key: a token key, or a software key.
///
/// The token layer satisfies this without this module depending on it. A signer
/// signs a whole message and returns the raw signature:
/// - ECDSA: r||s over SHA-256 (P-256) or SHA-384 (P-384) of the message,
/// - Ed25519: the 64-byte signature over the message,
/// - RSA: PSS with SHA-256, salt length 32, MGF1-SHA256.
///
/// Each dialect's encoding (DER hex for TUF, base64 raw for Notary) is applied
/// by ``SignatureMaker`` and never by the signer.
public protocol MetadataSigner: Sendable {
    /// The public half of the signing key.
    var publicKey: PublicKeyMaterial { get }
    /// Signs `message` and returns the raw signature described above.
    func sign(_ message: [UInt8]) throws -> [UInt8]
}
