import CPKCS11

/// A signing key pair on a token, found or generated through a ``Session``.
///
/// The object handles are only meaningful within the session that produced the value.
public struct TokenKey: Sendable, Equatable {
    public let label: String
    public let id: [UInt8]
    public let algorithm: KeyAlgorithm
    /// DER SubjectPublicKeyInfo of the public half.
    public let subjectPublicKeyInfo: [UInt8]
    /// The private key's attributes as read back from the token.
    public let attributes: KeyAttributes
    /// Site-profile exceptions the read-back needed at generation (empty for found keys, and
    /// whenever the token met the policy exactly).
    public var exceptionsApplied: [KeyPolicyException] = []
    let privateHandle: CK_OBJECT_HANDLE
    let publicHandle: CK_OBJECT_HANDLE?

    /// The `CKA_ID` in lowercase hex.
    public var idHex: String { HexText.encode(id) }
}
