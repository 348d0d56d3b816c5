import Foundation

/// Turns Ctrl-C (and SIGTERM) into a clean abort: the registered handler records the
/// interruption in the transcript and moves the partial output aside before the process exits.
enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var handler: (() -> Void)?
    private static let queue = DispatchQueue(label: "keyceremony.interruption")

    static func install(_ onInterrupt: @escaping () -> Void) {
        queue.sync {
            handler = onInterrupt
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler {
                    handler?()
                    exit(130)
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    static func remove() {
        queue.sync {
            handler = nil
            for source in sources { source.cancel() }
            sources.removeAll()
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }
}

/// Shows that a long step (RSA key generation) is still working.
enum ProgressTicker {
    static func run<T>(_ label: String, say: @escaping (String) -> Void, _ body: () throws -> T) rethrows -> T {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let start = Date()
        timer.schedule(deadline: .now() + 2, repeating: 2)
        timer.setEventHandler { say("  … \(label): \(Int(Date().timeIntervalSince(start))) s") }
        timer.resume()
        defer { timer.cancel() }
        return try body()
    }
}
