import ArgumentParser
import Ceremony
import Foundation

@main
struct KeyCeremony: ParsableCommand {
    /// Runs the command, mapping argument-parser's usage errors (64) to this tool's 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code != .validationFailure { exit(withError: error) }
            // A usage error: print argument-parser's message and help hint, then exit 2.
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "keyceremony",
        abstract: "Offline root-key ceremonies for TUF and Notary v1 on PKCS#11 tokens.",
        discussion: """
        KeyCeremony runs reviewed ceremony plans on an air-gapped machine: it generates root keys \
        on hardware tokens, signs root metadata on the tokens, verifies everything in software, \
        and writes a bundle with a hash-chained transcript for auditors.

        Exit codes: 0 ok, 1 verification or ceremony failure, 2 usage or input error, \
        130 interrupted (Ctrl-C or SIGTERM).
        """,
        version: KeyCeremonyVersion.current,
        subcommands: [PlanCommand.self, RunCommand.self, CleanupCommand.self, VerifyCommand.self, AuditCommand.self, ExpiryCommand.self, TokensCommand.self, RehearseCommand.self, RehearsalCommand.self, PublishCommand.self, SharesCommand.self]
    )
}
