import OperationTiming

/// The process-wide tally of SLIP-0039's key derivation: each PBKDF2-HMAC-SHA256 round function
/// of the Feistel network that encrypts or decrypts the master secret (SLIP-0039, "Encryption of
/// the master secret"), kept so that a rehearsal can tell this deliberately slow work from the
/// tool's own.
///
/// Only counts and durations are recorded, never passphrases, salts or outputs.
public enum KDFTimes {
    /// How many round functions ran (4 per encryption or decryption) and how long they took.
    public typealias Tally = OperationTime

    private static let tally = OperationTally()

    /// Runs one round function and adds its duration to the tally.
    static func measure<R>(_ round: () -> R) -> R {
        tally.measure("round", round)
    }

    /// The round functions run in this process since it started (or since ``reset()``).
    public static func snapshot() -> Tally {
        tally.total("round")
    }

    /// Forgets every round recorded so far.
    public static func reset() {
        tally.reset()
    }
}
