import ArgumentParser
import Ceremony
import Foundation

struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete the key objects a failed ceremony left on its tokens.",
        discussion: """
        FOLDER is the DIR.failed-<time> folder a failed or interrupted 'keyceremony run' left \\
        (or the DIR.partial-<random> folder of a killed run). Its transcript lists every key the \\
        ceremony made, with the token it was made on. For each token, the holder types the PIN at \\
        the terminal; each key is read back by its CKA_ID and deleted only when its label and \\
        public key match the transcript. Nothing else on the token is touched.

        What was done is written to FOLDER/cleanup-<UTC time>.json (a new file, never over an \\
        existing one). A completed ceremony (sealed transcript) is refused. After a cleanup, run \\
        the same plan again.

        Exit codes: 0 every object deleted or already gone, 1 some object left, 2 usage or input error.

        Examples:
          keyceremony cleanup /media/usb/2026-12-01.failed-20261201T101500Z
          keyceremony cleanup /tmp/r1.failed-20261201T101500Z --rehearsal --pins /tmp/tokens/pins.json
        """
    )

    @Argument(help: "The failed ceremony's folder (DIR.failed-<time> or DIR.partial-<random>).")
    var folder: String

    @Option(help: "The PKCS#11 module, when the transcript does not name one.")
    var module: String?

    @Flag(help: "Rehearsal tokens: PINs from --pins (SoftHSM2 tokens only).")
    var rehearsal = false

    @Option(help: "Rehearsal only: the PIN file written by 'keyceremony rehearsal tokens'.")
    var pins: String?

    func validate() throws {
        if pins != nil && !rehearsal { throw ValidationError("--pins is only for rehearsal tokens; add --rehearsal, or type PINs at the terminal") }
        if rehearsal && pins == nil { throw ValidationError("--rehearsal needs --pins FILE (made by 'keyceremony rehearsal tokens')") }
    }

    func run() throws {
        let console: CeremonyConsole
        do {
            console = rehearsal ? try RehearsalConsole(pinFile: pins!, assumeYes: true) : TerminalConsole()
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        Interruption.install(nil)
        defer { Interruption.remove() }
        let outcome: (report: Cleanup.Report, record: URL)
        do {
            outcome = try Cleanup.run(folder: url, module: module, console: console)
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        if outcome.report.entries.isEmpty { print("The transcript records no key made on a token; nothing to delete.") }
        for entry in outcome.report.entries {
            print("\(entry.outcome.rawValue): \(entry.object.spoken) — \(entry.detail)")
        }
        print("Recorded in \(outcome.record.path)")
        guard outcome.report.complete else {
            FileHandle.standardError.write(Data("error: some objects were not deleted; see above\n".utf8))
            throw ExitCode(1)
        }
        print("Every object the ceremony made is gone from its token; the plan can be run again.")
    }
}
