import OperationTiming

/// The process-wide tally of `fsync(2)` calls made by ``SafeFile`` (every transcript record,
/// every file and folder a ceremony writes is flushed to the disk before the ceremony goes on),
/// kept so that a rehearsal can show how much of its own overhead is waiting for the disk.
/// Only counts and durations are recorded.
package enum FlushTimes {
    /// How many flushes ran and how long they took in total.
    package typealias Tally = OperationTime

    private static let tally = OperationTally()

    /// Runs one flush and adds its duration to the tally.
    static func measure<R>(_ flush: () -> R) -> R {
        tally.measure("fsync", flush)
    }

    /// The flushes made in this process so far.
    package static func snapshot() -> Tally {
        tally.total("fsync")
    }
}
