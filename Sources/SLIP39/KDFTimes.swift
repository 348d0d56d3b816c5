import Foundation

/// The process-wide tally of SLIP-0039's key derivation: each PBKDF2-HMAC-SHA256 round function
/// of the Feistel network that encrypts or decrypts the master secret (SLIP-0039, "Encryption of
/// the master secret"), kept so that a rehearsal can tell this deliberately slow work from the
/// tool's own.
///
/// Only counts and durations are recorded, never passphrases, salts or outputs.
public enum KDFTimes {
    /// How many round functions ran and how long they took in total.
    public struct Tally: Sendable, Equatable, Codable {
        /// Number of PBKDF2 round-function evaluations (4 per encryption or decryption).
        public var count: Int
        /// Their total time, in nanoseconds of the monotonic `ContinuousClock`.
        public var nanoseconds: UInt64

        public init(count: Int = 0, nanoseconds: UInt64 = 0) {
            self.count = count
            self.nanoseconds = nanoseconds
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var tally = Tally()

    /// Runs one round function and adds its duration to the tally.
    static func measure<R>(_ round: () -> R) -> R {
        let clock = ContinuousClock()
        let start = clock.now
        let result = round()
        let elapsed = start.duration(to: clock.now)
        let nanoseconds = UInt64(max(0, elapsed.components.seconds)) * 1_000_000_000
            + UInt64(max(0, elapsed.components.attoseconds) / 1_000_000_000)
        lock.lock()
        tally.count += 1
        tally.nanoseconds += nanoseconds
        lock.unlock()
        return result
    }

    /// The round functions run in this process since it started (or since ``reset()``).
    public static func snapshot() -> Tally {
        lock.lock()
        defer { lock.unlock() }
        return tally
    }

    /// Forgets every round recorded so far.
    public static func reset() {
        lock.lock()
        tally = Tally()
        lock.unlock()
    }
}
