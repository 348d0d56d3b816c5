import OperationTiming

/// How often one PKCS#11 function was called in this process and how long those calls took
/// (inside the module's function; waiting for a session's lock is not included).
public typealias PKCS11CallTime = OperationTime

/// The process-wide tally of PKCS#11 calls (PKCS#11 2.40 function names such as `C_Sign`,
/// `C_GenerateKeyPair`, `C_Login`), kept so that a rehearsal can tell the time its tokens spend
/// from the time the tool spends around them.
///
/// Every call into a module's function list goes through ``measure(_:_:)``. Only the function's
/// name, the number of calls and their durations are recorded: never arguments, PINs, handles or
/// results. Recording costs one clock read on each side of the call and one short lock.
public enum PKCS11CallTimes {
    private static let tally = OperationTally()

    /// Runs `call` (one call into the module) and adds its duration to `function`'s tally.
    static func measure<R>(_ function: String, _ call: () throws -> R) rethrows -> R {
        try tally.measure(function, call)
    }

    /// The calls made in this process since it started (or since ``reset()``), by function name.
    public static func snapshot() -> [String: PKCS11CallTime] {
        tally.snapshot()
    }

    /// Forgets every call recorded so far.
    public static func reset() {
        tally.reset()
    }
}
