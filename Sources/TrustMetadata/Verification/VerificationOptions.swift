import Foundation

/// What verification checks against.
public struct VerificationOptions: Sendable {
    /// The dialect expected, or `nil` to detect it from the first file.
    public var dialect: Dialect?
    /// The Notary repository name (GUN) root certificates must carry; `nil` to take it
    /// from the certificates and require that they agree.
    public var gun: String?
    /// The time expiry and certificate windows are checked at.
    public var at: Date
    /// True for metadata a ceremony has just made (a bundle): every signature by a listed key
    /// must verify, so a bad one is an error even when the threshold is met without it.
    /// Clients tolerate such a signature, so published repositories are checked with `false`.
    public var strictSignatures: Bool

    /// Options for verifying `repository`'s metadata in `dialect`: in Notary the repository name
    /// is the GUN root certificates must carry.
    public init(dialect: Dialect, repository: String, at: Date = Date()) {
        self.init(dialect: dialect, gun: dialect.rootKeysAreCertificates ? repository : nil, at: at)
    }

    public init(dialect: Dialect? = nil, gun: String? = nil, at: Date = Date(), strictSignatures: Bool = false) {
        self.dialect = dialect
        self.gun = gun
        self.at = at
        self.strictSignatures = strictSignatures
    }
}
