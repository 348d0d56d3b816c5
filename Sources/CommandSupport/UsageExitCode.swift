import ArgumentParser
import Foundation

extension ParsableCommand {
    /// Parses the command line and runs the command, as argument-parser's `main()` does, except
    /// that a usage error (argument-parser's exit code 64, `EX_USAGE`) prints its message and
    /// help hint and exits 2, this project's code for a usage or input error.
    package static func mainWithUsageExitCode() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code != .validationFailure { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
