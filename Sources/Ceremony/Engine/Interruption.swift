import Foundation

/// Turns Ctrl-C (and SIGTERM, and SIGHUP when the terminal goes away) into a clean abort.
///
/// The signal is only ever acted on where nothing is half-done:
/// - while a person is being asked something (a confirmation or a PIN), the terminal is restored,
///   the registered handler moves the partial output aside, and the process exits with 130;
/// - while a step is working (say, a token generating a key), only a flag is set; the ceremony
///   finishes that step, records it, and stops before the next one.
package enum Interruption {
    private static let queue = DispatchQueue(label: "keyceremony.interruption")
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var handler: (() -> Void)?
    nonisolated(unsafe) private static var restorePrompt: (() -> Void)?
    nonisolated(unsafe) private static var flag = false

    /// Starts catching SIGINT, SIGTERM and SIGHUP. `onInterrupt` runs when the process is interrupted at a
    /// prompt; pass nil for commands with nothing to clean up but the terminal.
    package static func install(_ onInterrupt: (() -> Void)?) {
        queue.sync {
            handler = onInterrupt
            flag = false
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler { arrived() }
                source.resume()
                sources.append(source)
            }
        }
    }

    package static func remove() {
        queue.sync {
            handler = nil
            restorePrompt = nil
            for source in sources { source.cancel() }
            sources.removeAll()
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            signal(SIGHUP, SIG_DFL)
        }
    }

    /// What a SIGINT or SIGTERM does, on the interruption queue: a prompt is abandoned at once;
    /// a working step finishes first, and the engine stops before the next one.
    private static func arrived() {
        flag = true
        if restorePrompt != nil || handler == nil { interruptAtPrompt() }
    }

    /// Delivers an interruption as the signal source would. In-process engine tests use it, since
    /// a signal sent to a multi-threaded test process may land on a thread that ignores it; the
    /// real signal path is tested on the CLI through a pseudo-terminal.
    static func deliverForTesting() {
        queue.sync { arrived() }
    }

    /// Whether an interruption arrived while a step was working.
    static var requested: Bool { queue.sync { flag } }

    /// Marks a prompt as active: an interruption now restores the terminal with `restore` and exits.
    /// Call it before showing the prompt, so a Ctrl-C typed the moment the prompt appears is never
    /// lost; one that arrived while the previous step was still working is acted on here.
    static func whilePrompting<T>(restore: @escaping () -> Void, _ body: () throws -> T) rethrows -> T {
        queue.sync {
            restorePrompt = restore
            if flag, !sources.isEmpty { interruptAtPrompt() }
        }
        defer { queue.sync { restorePrompt = nil } }
        return try body()
    }

    /// Runs on `queue`: the person is at a prompt, so nothing is half-written.
    private static func interruptAtPrompt() {
        restorePrompt?()
        handler?()
        exit(130)
    }
}
