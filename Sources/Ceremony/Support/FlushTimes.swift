import Foundation

/// The process-wide tally of `fsync(2)` calls made by ``SafeFile`` (every transcript record,
/// every file and folder a ceremony writes is flushed to the disk before the ceremony goes on),
/// kept so that a rehearsal can show how much of its own overhead is waiting for the disk.
/// Only counts and durations are recorded.
package enum FlushTimes {
    /// How many flushes ran and how long they took in total.
    package struct Tally: Sendable, Equatable {
        package var count = 0
        /// Total, in nanoseconds of the monotonic `ContinuousClock`.
        package var nanoseconds: UInt64 = 0
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var tally = Tally()

    /// Runs one flush and adds its duration to the tally.
    static func measure<R>(_ flush: () -> R) -> R {
        let clock = ContinuousClock()
        let start = clock.now
        let result = flush()
        let elapsed = start.duration(to: clock.now)
        let nanoseconds = UInt64(max(0, elapsed.components.seconds)) * 1_000_000_000
            + UInt64(max(0, elapsed.components.attoseconds) / 1_000_000_000)
        lock.lock()
        tally.count += 1
        tally.nanoseconds += nanoseconds
        lock.unlock()
        return result
    }

    /// The flushes made in this process so far.
    package static func snapshot() -> Tally {
        lock.lock()
        defer { lock.unlock() }
        return tally
    }
}
