import Foundation

/// How to run a plan: where to write, and whether this is a rehearsal.
package struct CeremonyOptions {
    package var output: URL
    package var rehearsal: Bool
    /// The ceremony's clock; tests pin it.
    package var clock: () -> Date
    /// Why a production ceremony may use a software token (SoftHSM2); recorded in the transcript.
    package var allowSoftwareToken: String?

    package init(output: URL, rehearsal: Bool, allowSoftwareToken: String? = nil, clock: @escaping () -> Date = Date.init) {
        self.output = output
        self.rehearsal = rehearsal
        self.allowSoftwareToken = allowSoftwareToken
        self.clock = clock
    }
}

/// What a completed ceremony produced.
package struct CeremonyResult {
    package let directory: URL
    /// Repository → path of its `root.json` inside the output directory (for a
    /// targets-delegation, of its `targets.json`).
    package let rootFiles: [String: URL]
    package let planDigest: PlanDigest
}
