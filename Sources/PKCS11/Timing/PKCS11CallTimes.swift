import Foundation

/// How often one PKCS#11 function was called in this process and how long those calls took.
public struct PKCS11CallTime: Sendable, Equatable, Codable {
    /// Number of calls.
    public var count: Int
    /// Total time spent inside the module's function, in nanoseconds of the monotonic
    /// `ContinuousClock`; waiting for a session's lock is not included.
    public var nanoseconds: UInt64

    public init(count: Int = 0, nanoseconds: UInt64 = 0) {
        self.count = count
        self.nanoseconds = nanoseconds
    }
}

/// The process-wide tally of PKCS#11 calls (PKCS#11 2.40 function names such as `C_Sign`,
/// `C_GenerateKeyPair`, `C_Login`), kept so that a rehearsal can tell the time its tokens spend
/// from the time the tool spends around them.
///
/// Every call into a module's function list goes through ``measure(_:_:)``. Only the function's
/// name, the number of calls and their durations are recorded: never arguments, PINs, handles or
/// results. Recording costs one clock read on each side of the call and one short lock.
public enum PKCS11CallTimes {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var table: [String: PKCS11CallTime] = [:]

    /// Runs `call` (one call into the module) and adds its duration to `function`'s tally.
    static func measure<R>(_ function: String, _ call: () throws -> R) rethrows -> R {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = start.duration(to: clock.now)
            let nanoseconds = UInt64(max(0, elapsed.components.seconds)) * 1_000_000_000
                + UInt64(max(0, elapsed.components.attoseconds) / 1_000_000_000)
            lock.lock()
            table[function, default: PKCS11CallTime()].count += 1
            table[function, default: PKCS11CallTime()].nanoseconds += nanoseconds
            lock.unlock()
        }
        return try call()
    }

    /// The calls made in this process since it started (or since ``reset()``), by function name.
    public static func snapshot() -> [String: PKCS11CallTime] {
        lock.lock()
        defer { lock.unlock() }
        return table
    }

    /// Forgets every call recorded so far.
    public static func reset() {
        lock.lock()
        table = [:]
        lock.unlock()
    }
}
