/// The tool version recorded in manifests and transcripts, and how this executable was built.
package enum KeyCeremonyVersion {
    package static let current = "0.1.0"

    /// How an executable was built.
    package enum Build: String, Sendable, Equatable {
        /// Built by `scripts/release.sh` from a `git archive` of ``KeyCeremonyVersion/commit``,
        /// with its fixed flags: anyone can rebuild the same bytes and compare SHA-256s.
        case release
        /// Any other build (`swift build` in a working tree): its bytes depend on the machine and
        /// folder it was built in, and its source may hold uncommitted changes.
        case development

        /// "reproducible release build" or "development build".
        package var words: String { self == .release ? "reproducible release build" : "development build" }
    }

    /// The 40-hex-digit commit the source was exported from, or nil when built from a working
    /// tree (the placeholder in `SourceCommit.swift` was not replaced by `git archive`).
    package static let commit: String? = commit(fromPlaceholder: sourceCommitPlaceholder)

    /// A release build is one compiled with `-D KEYCEREMONY_RELEASE_BUILD` (only scripts/release.sh
    /// passes it) from an exported commit; anything else is a development build.
    package static let build: Build = {
        #if KEYCEREMONY_RELEASE_BUILD
        return commit == nil ? .development : .release
        #else
        return .development
        #endif
    }()

    /// What `--version` prints after the tool's name: `0.1.0 (commit 3f2a…, reproducible release
    /// build)`, or `0.1.0 (commit unknown, development build)`.
    package static var summary: String {
        "\(current) (commit \(commit ?? "unknown"), \(build.words))"
    }

    /// The commit in `text` when it is 40 lowercase hex digits (what `git archive` writes for
    /// `%H`), else nil.
    package static func commit(fromPlaceholder text: String) -> String? {
        text.utf8.count == 40 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } ? text : nil
    }
}
