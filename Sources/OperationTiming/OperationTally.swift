import Foundation

/// How often one kind of operation ran and how long those runs took together.
public struct OperationTime: Sendable, Equatable, Codable {
    /// Number of runs.
    public var count: Int
    /// Their total time, in nanoseconds of the monotonic `ContinuousClock`.
    public var nanoseconds: UInt64

    public init(count: Int = 0, nanoseconds: UInt64 = 0) {
        self.count = count
        self.nanoseconds = nanoseconds
    }
}

/// A process-wide tally of operations by name, which any thread may add to: the token layer
/// times each PKCS#11 call, SLIP-39 each KDF round, the ceremony each `fsync(2)`, so that a
/// rehearsal can tell the time its tokens and its deliberately slow work take from its own.
///
/// Only names, counts and durations are recorded, never arguments or results. Recording costs
/// one clock read on each side of the operation and one short lock.
public final class OperationTally: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [String: OperationTime] = [:]

    public init() {}

    /// Runs `operation` and adds its duration to `name`'s tally.
    public func measure<R>(_ name: String, _ operation: () throws -> R) rethrows -> R {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = start.duration(to: clock.now)
            let nanoseconds = UInt64(max(0, elapsed.components.seconds)) * 1_000_000_000
                + UInt64(max(0, elapsed.components.attoseconds) / 1_000_000_000)
            lock.lock()
            table[name, default: OperationTime()].count += 1
            table[name, default: OperationTime()].nanoseconds += nanoseconds
            lock.unlock()
        }
        return try operation()
    }

    /// Every name's tally so far.
    public func snapshot() -> [String: OperationTime] {
        lock.lock()
        defer { lock.unlock() }
        return table
    }

    /// One name's tally so far (zero if it never ran).
    public func total(_ name: String) -> OperationTime {
        lock.lock()
        defer { lock.unlock() }
        return table[name] ?? OperationTime()
    }

    /// Forgets everything recorded so far.
    public func reset() {
        lock.lock()
        table = [:]
        lock.unlock()
    }
}
