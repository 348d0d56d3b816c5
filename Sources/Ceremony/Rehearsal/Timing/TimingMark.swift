import PKCS11
import SLIP39

/// One moment of a run: the monotonic clock and the process's PKCS#11 and SLIP-39 KDF tallies
/// (``PKCS11CallTimes``, ``KDFTimes``) and the tool's disk flushes (``FlushTimes``) as they stood then. Two marks make a ``TimingSpan``.
package struct TimingMark: Sendable {
    let instant: ContinuousClock.Instant
    let calls: [String: PKCS11CallTime]
    let kdf: KDFTimes.Tally
    let flushes: FlushTimes.Tally

    /// The clock and both tallies now.
    package static func now() -> TimingMark {
        TimingMark(instant: ContinuousClock.now, calls: PKCS11CallTimes.snapshot(), kdf: KDFTimes.snapshot(), flushes: FlushTimes.snapshot())
    }
}
