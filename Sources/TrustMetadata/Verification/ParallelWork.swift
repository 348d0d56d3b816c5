import Dispatch
import Foundation

/// Independent pieces of verification spread over the machine's cores.
///
/// Used where the work items share nothing (reading one file each, checking one signature
/// each) and the results are put back in input order, so what is reported does not depend
/// on how the work was scheduled. Each core takes the next run of items whenever it is free:
/// long runs first, shorter ones as the items run out (guided scheduling). Long runs keep
/// each core on its own stretch of the input (neighbouring roots share keys, whose
/// reference counts two cores would otherwise pass back and forth), few runs keep
/// scheduling cheap for thousands of small items, and the short runs at the end mean items
/// of uneven cost do not leave a core waiting. One core, or one item, runs inline on the
/// calling thread.
enum ParallelWork {
    /// `body(i)` for every `i` in `0..<count`, in index order.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard count > 1, cores > 1 else { return (0..<count).map(body) }
        let slots = Slots<T>(count)
        let workers = min(cores, count)
        let runs = Runs(count: count, workers: workers)
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let run = runs.next() {
                    for i in run { slots.set(i, body(i)) }
                }
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

    /// Hands out `0..<count` in order to whichever worker asks next, each run a share of
    /// what is left: half of it split between the workers.
    private final class Runs: @unchecked Sendable {
        private let lock = NSLock()
        private var start = 0
        private let count: Int
        private let workers: Int

        init(count: Int, workers: Int) {
            self.count = count
            self.workers = workers
        }

        func next() -> Range<Int>? {
            lock.lock()
            defer { lock.unlock() }
            guard start < count else { return nil }
            let length = max(1, (count - start) / (2 * workers))
            let run = start..<(start + length)
            start = run.upperBound
            return run
        }
    }

    /// One result slot per item; each slot is written by exactly one worker, and read only
    /// after `concurrentPerform` has returned (which orders the writes before the reads).
    private final class Slots<T>: @unchecked Sendable {
        private let base: UnsafeMutablePointer<T?>
        private let count: Int
        private var taken = false

        init(_ count: Int) {
            self.count = count
            base = .allocate(capacity: count)
            base.initialize(repeating: nil, count: count)
        }

        func set(_ index: Int, _ value: T) {
            base[index] = value
        }

        /// Moves the results out (once); the slots are left empty.
        func take() -> [T] {
            precondition(!taken, "results taken twice")
            taken = true
            return (0..<count).map { (base + $0).move()! }
        }

        deinit {
            if !taken { base.deinitialize(count: count) }
            base.deallocate()
        }
    }
}
