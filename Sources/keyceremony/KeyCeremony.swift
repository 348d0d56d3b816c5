import ArgumentParser

@main
struct KeyCeremony: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyceremony",
        abstract: "Offline root-key ceremonies for TUF and Notary v1 on PKCS#11 tokens.",
        subcommands: [PlanCommand.self]
    )
}
