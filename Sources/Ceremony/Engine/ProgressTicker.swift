import Foundation

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
