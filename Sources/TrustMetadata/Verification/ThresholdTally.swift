/// Who has signed for a role, who has not, and how many signatures are still missing.
///
/// Modelled on python-tuf's `VerificationResult` (`tuf/api/_payload.py`,
/// `get_verification_result`): it is a value, computed without raising, so a ceremony can show
/// it after every signature and name whoever is still needed.
public struct ThresholdTally: Sendable, Equatable {
    /// How many distinct keys must sign.
    public var threshold: Int
    /// The role's key IDs that have signed, in the role's order.
    public var signed: [String]
    /// The role's key IDs that have not signed, in the role's order.
    public var unsigned: [String]

    /// Tallies `signedKeyIDs` (signatures already checked) against `role`.
    ///
    /// Key IDs the role does not list are ignored, as a client ignores them.
    public init(role: RoleKeys, signedKeyIDs: Set<String>) {
        threshold = Int(role.threshold)
        signed = role.keyIDs.filter { signedKeyIDs.contains($0) }
        unsigned = role.keyIDs.filter { !signedKeyIDs.contains($0) }
    }

    /// Whether the threshold is met.
    public var verified: Bool { signed.count >= threshold }
    /// How many more distinct keys must sign; 0 once verified.
    public var missing: Int { max(0, threshold - signed.count) }
}
