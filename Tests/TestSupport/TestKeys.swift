import Foundation
import TrustMetadata

/// Fixed-length-of-life metadata for tests: far enough ahead that nothing expires while
/// the suite runs, and verification uses an explicit time anyway.
public enum TestTimes {
    public static let expires = MetadataTime("2036-01-01T00:00:00Z")!
}

/// A role's signers plus the key IDs they are listed under in one dialect.
public struct RoleSigners {
    public let signers: [SoftwareSigner]
    public let dialect: Dialect

    public init(_ algorithms: [PublicKeyAlgorithm], dialect: Dialect) throws {
        signers = try algorithms.map { try SoftwareSigner(generating: $0) }
        self.dialect = dialect
    }

    public var keys: [MetadataKey] { signers.map { MetadataKey.make($0.publicKey, dialect: dialect) } }
    public var keyIDs: [String] { keys.map(\.keyID) }
}

extension SignedMetadata {
    /// Signs with each signer under its bare-key ID in `dialect`.
    public mutating func sign(all signers: [SoftwareSigner], dialect: Dialect) throws {
        for signer in signers {
            try sign(with: signer, keyID: MetadataKey.make(signer.publicKey, dialect: dialect).keyID, dialect: dialect)
        }
    }
}

extension TestTimes {
    /// When the checked-in fixtures are verified: the notary fixture's generation time
    /// plus an hour (its timestamp lives 14 days), well before python-tuf fixtures expire.
    public static var verificationTime: Date {
        let text = (try? String(contentsOfFile: TestPaths.path("fixtures/notary/generated-at"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return (MetadataTime(text)?.date ?? Date()).addingTimeInterval(3600)
    }
}
