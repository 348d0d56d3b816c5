import ArgumentParser
import Ceremony
import Foundation

@main
struct KeyCeremony: ParsableCommand {
    /// Runs the command, mapping argument-parser's usage errors (64) to this tool's 2.
    static func main() { mainWithUsageExitCode() }

    static let configuration = CommandConfiguration(
        commandName: "keyceremony",
        abstract: "Offline root-key ceremonies for TUF and Notary v1 on PKCS#11 tokens.",
        discussion: """
        KeyCeremony runs reviewed ceremony plans on an air-gapped machine: it generates root keys \
        on hardware tokens, signs root metadata on the tokens, verifies everything in software, \
        and writes a bundle with a hash-chained transcript for auditors.

        This executable has no network code. Publishing a bundle, and fetching a test \
        notary-server's online keys for a rehearsal, are done on the online side with \
        'keyceremony-online'.

        --version prints the version, the source commit and whether this executable is a \
        reproducible release build (scripts/release.sh) or a development build. Check the \
        executable against the published SHA256SUMS before a ceremony ('sha256sum -c'); \
        'keyceremony digest FILE' prints a file's SHA-256 in hex and in PGP words to read aloud.

        Exit codes: 0 ok, 1 verification or ceremony failure, 2 usage or input error, \
        130 interrupted (Ctrl-C or SIGTERM).
        """,
        version: "keyceremony \(KeyCeremonyVersion.summary)",
        subcommands: [PlanCommand.self, RunCommand.self, CleanupCommand.self, VerifyCommand.self, AuditCommand.self, ExpiryCommand.self, TokensCommand.self, RehearseCommand.self, RehearsalCommand.self, SharesCommand.self, DigestCommand.self, MovedPublishCommand.self]
    )
}
