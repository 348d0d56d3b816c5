import Foundation

/// How to run a plan: where to write, and whether this is a rehearsal.
public struct CeremonyOptions {
    public var output: URL
    public var rehearsal: Bool
    /// The ceremony's clock; tests pin it.
    public var clock: () -> Date

    public init(output: URL, rehearsal: Bool, clock: @escaping () -> Date = Date.init) {
        self.output = output
        self.rehearsal = rehearsal
        self.clock = clock
    }
}

/// What a completed ceremony produced.
public struct CeremonyResult {
    public let directory: URL
    /// Repository → path of its `root.json` inside the output directory.
    public let rootFiles: [String: URL]
    public let planDigest: PlanDigest
}
