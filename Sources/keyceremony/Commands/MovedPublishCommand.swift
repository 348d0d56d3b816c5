import ArgumentParser
import Foundation

/// `keyceremony publish`, which moved to `keyceremony-online publish`: this executable runs in
/// the air-gapped room and has no network code. Hidden from help; says where the command went.
struct MovedPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Moved: use 'keyceremony-online publish' on the online side.",
        shouldDisplay: false
    )

    @Argument(parsing: .allUnrecognized, help: "Ignored.")
    var arguments: [String] = []

    func run() throws {
        FileHandle.standardError.write(Data("""
            error: 'publish' is not in keyceremony, the ceremony room's executable, which has no network code. \
            Run the same command with keyceremony-online on the online side: keyceremony-online publish BUNDLE …

            """.utf8))
        throw ExitCode(2)
    }
}
