/// A signature made on a token and already verified in software against the key's public half.
public struct TokenSignature: Sendable, Equatable {
    public let algorithm: KeyAlgorithm
    /// What the token returned: r||s for ECDSA, 64 bytes for Ed25519, the PSS block for RSA.
    public let raw: [UInt8]
    /// DER `ECDSA-Sig-Value` for ECDSA; equal to ``raw`` for the other algorithms.
    public let der: [UInt8]
}
