import ArgumentParser
import Ceremony

@main
struct KeyCeremony: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyceremony",
        abstract: "Offline root-key ceremonies for TUF and Notary v1 on PKCS#11 tokens.",
        discussion: """
        KeyCeremony runs reviewed ceremony plans on an air-gapped machine: it generates root keys
        on hardware tokens, signs root metadata on the tokens, verifies everything in software,
        and writes a bundle with a hash-chained transcript for auditors.

        Exit codes: 0 ok, 1 verification or ceremony failure, 2 usage or input error.
        """,
        version: KeyCeremonyVersion.current,
        subcommands: [PlanCommand.self, TokensCommand.self, VerifyCommand.self, RehearsalCommand.self]
    )
}
