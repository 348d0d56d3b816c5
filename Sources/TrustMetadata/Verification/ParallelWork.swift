import Dispatch
import Foundation

/// Independent pieces of verification spread over the machine's cores.
///
/// Used where the work items share nothing (reading one file each, checking one signature
/// each) and the results are put back in input order, so what is reported does not depend
/// on how the work was scheduled. Items are handed out in contiguous chunks, a few per core,
/// so scheduling costs little even for thousands of small items. One core, or one item,
/// runs inline on the calling thread.
enum ParallelWork {
    /// `body(i)` for every `i` in `0..<count`, in index order.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard count > 1, cores > 1 else { return (0..<count).map(body) }
        let slots = Slots<T>(count)
        let chunks = min(count, cores * 4)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                for i in start..<end { slots.set(i, body(i)) }
            }
        }
        return slots.take()
    }

    /// Lets go of `value` on another thread: freeing a large structure (a chain of parsed
    /// roots) then runs beside the work that follows instead of before it.
    static func releaseElsewhere<T: Sendable>(_ value: T) {
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(value) {} }
    }

    /// `first()` and `second()` at the same time (on two cores, when there are two).
    static func both<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
        let results = map(2) { i -> Either<A, B> in i == 0 ? .first(first()) : .second(second()) }
        guard case .first(let a) = results[0], case .second(let b) = results[1] else { preconditionFailure("results out of order") }
        return (a, b)
    }

    private enum Either<A: Sendable, B: Sendable>: Sendable {
        case first(A)
        case second(B)
    }

    /// One result slot per item; each slot is written by exactly one worker, and read only
    /// after `concurrentPerform` has returned (which orders the writes before the reads).
    private final class Slots<T>: @unchecked Sendable {
        private let base: UnsafeMutablePointer<T?>
        private let count: Int

        init(_ count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }

        func set(_ index: Int, _ value: T) {
            base[index] = value
        }

        func take() -> [T] {
            (0..<count).map { base[$0]! }
        }

        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }
}
