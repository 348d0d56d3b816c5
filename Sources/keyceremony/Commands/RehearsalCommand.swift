import ArgumentParser
import Ceremony
import Foundation
import PKCS11

struct RehearsalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearsal",
        abstract: "Prepare throwaway SoftHSM2 tokens for rehearsing a ceremony.",
        subcommands: [RehearsalTokensCommand.self]
    )
}

struct RehearsalTokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Make one SoftHSM2 token per label in a private directory, for rehearsals.",
        discussion: """
        Writes DIR/softhsm2.conf and a token directory, initialises one token per label through \
        KeyCeremony's own PKCS#11 layer, and writes the generated user and SO PINs to \
        DIR/pins.json with mode 0600 — the only place KeyCeremony ever writes a PIN, and only for \
        rehearsal tokens. Export the printed SOFTHSM2_CONF line to use the tokens.

        Example:
          keyceremony rehearsal tokens --dir /tmp/rehearsal --labels root-a,root-b,root-c
        """
    )

    @Option(help: "Directory for the SoftHSM2 config, token store and pins.json.")
    var dir: String

    @Option(help: "Comma-separated token labels, e.g. root-a,root-b.")
    var labels: String

    func run() throws {
        do {
            let tokens = RehearsalTokens(directory: URL(fileURLWithPath: dir))
            let made = try tokens.create(labels: labels.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            for token in made { print("made token \(token.identity)") }
            print("PINs written to \(tokens.pinFilePath) (mode 0600, rehearsal only)")
            print("export SOFTHSM2_CONF=\(tokens.configPath)")
        } catch {
            throw CommandFailure.exit(error, usage: error is RehearsalTokens.Failure)
        }
    }
}
