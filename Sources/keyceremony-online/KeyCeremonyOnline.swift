import ArgumentParser
import Ceremony
import Foundation

/// The online side's executable: the only one with network code. The ceremony room runs
/// `keyceremony`, which links none (no FoundationNetworking, no libcurl).
@main
struct KeyCeremonyOnline: ParsableCommand {
    /// Runs the command, mapping argument-parser's usage errors (64) to this tool's 2.
    static func main() { mainWithUsageExitCode() }

    static let configuration = CommandConfiguration(
        commandName: "keyceremony-online",
        abstract: "The online side of KeyCeremony: publish ceremony bundles, fetch a notary-server's online keys.",
        discussion: """
        Run this on a networked machine, never on the air-gapped ceremony machine. It is a \
        separate executable so that 'keyceremony', the one carried into the room, has no code \
        that can open a network connection.

        Exit codes: 0 ok, 1 refused (by the checks or the server), 2 usage or input error.
        """,
        version: "keyceremony-online \(KeyCeremonyVersion.summary)",
        subcommands: [PublishCommand.self, NotaryKeysCommand.self]
    )
}
