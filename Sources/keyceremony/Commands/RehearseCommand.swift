import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

struct RehearseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Rehearse a root's lifecycle end to end on SoftHSM2 tokens: generation, rotation, re-sign.",
        discussion: """
        Makes everything under DIR and runs it unattended:
          DIR/softhsm/                 four SoftHSM2 tokens (root-a … root-d) and pins.json
          DIR/online/                  rehearsal online keys (PEM), or the server's keys
          DIR/plans/NN-KIND.yaml       each ceremony's plan, readable and runnable again with 'keyceremony run'
          DIR/01-root-generation/      version 1: 2 of Alice, Bob, Carol
          DIR/02-root-rotation/        version 2: Bob's key leaves, Dave's new key joins, threshold 3
          DIR/03-root-resign/          version 3: the same keys, a new expiry
        Each later plan is written from the root the stage before made. Each stage is verified         as 'keyceremony verify' would, and a summary is printed.

        To upload the roots to a test notary-server afterwards, its snapshot and timestamp keys \
        must be in the root: fetch them on the online side with 'keyceremony-online notary-keys \
        --notary-server URL --gun GUN --out KEYS' (this executable has no network code), carry \
        KEYS over, and give --online-keys KEYS --gun GUN here.

        Everything made is marked as a rehearsal and expires within 30 days.

        Examples:
          keyceremony rehearse --out /tmp/rehearsal
          keyceremony rehearse --out /tmp/rehearsal --dialect tuf
          keyceremony rehearse --out /tmp/r --online-keys /tmp/keys --gun example.com/app
        """
    )

    @Option(help: "Directory to make everything in; must not exist, or be empty.")
    var out: String

    @Option(help: "notary or tuf.")
    var dialect: String = "notary"

    @Option(help: ArgumentHelp("A folder holding a notary-server's snapshot.key.json and timestamp.key.json, as 'keyceremony-online notary-keys' writes them.", valueName: "dir"))
    var onlineKeys: String?

    @Option(help: "The GUN (repository name); with --online-keys, the GUN the server's keys are for.")
    var gun: String?

    /// The option this command had before its network code moved to keyceremony-online.
    @Option(help: .hidden)
    var notaryServer: String?

    func validate() throws {
        guard Dialect(rawValue: dialect) != nil else { throw ValidationError("--dialect must be notary or tuf") }
        if notaryServer != nil {
            throw ValidationError("keyceremony has no network code: fetch the server's keys on the online side with 'keyceremony-online notary-keys --notary-server URL --gun GUN --out KEYS', then give --online-keys KEYS --gun GUN here")
        }
        if onlineKeys != nil && gun == nil { throw ValidationError("--online-keys needs --gun: the GUN the server's keys are for") }
        if gun != nil && dialect == "tuf" { throw ValidationError("--gun is for the notary dialect") }
        if onlineKeys != nil && dialect == "tuf" { throw ValidationError("--online-keys is for the notary dialect") }
    }

    func run() throws {
        var serverKeys: [String: Data] = [:]
        if let onlineKeys {
            do {
                serverKeys = try NotaryServerKeys.read(from: URL(fileURLWithPath: onlineKeys))
            } catch {
                throw CommandFailure.exit(error, usage: true)
            }
        }
        let rehearsal = Rehearsal(directory: URL(fileURLWithPath: out), dialect: Dialect(rawValue: dialect)!,
                                  repository: gun, serverKeys: serverKeys)
        do {
            let plan = try rehearsal.prepare()
            print("Rehearsal tokens: \(rehearsal.tokens.configPath) (PINs in \(rehearsal.tokens.pinFilePath), mode 0600)")
            print("Plan: \(plan.path)\n")
        } catch {
            throw CommandFailure.exit(error, usage: error is Rehearsal.Failure)
        }
        let outcomes: [Rehearsal.Outcome]
        do {
            outcomes = try rehearsal.run()
        } catch let failure as CeremonyFailure {
            throw CommandFailure.exit(failure, usage: failure.isInputError)
        } catch {
            throw CommandFailure.exit(error)
        }
        var failed = outcomes.count < Rehearsal.stages.count
        print("\nSummary (REHEARSAL — not for production): \(rehearsal.dialect.rawValue) repository \(rehearsal.repository), ECDSA P-256 on SoftHSM2")
        for outcome in outcomes {
            let errors = outcome.report.findings.filter { $0.severity == .error }
            failed = failed || !errors.isEmpty || !outcome.bundle.isValid
            print("""
              \(outcome.stage.name): \(errors.isEmpty ? "verified" : "FAILED") (\(outcome.report.files.count) files; bundle \(outcome.bundle.isValid ? "consistent" : "INCONSISTENT"))
                root:         \(outcome.stage.threshold) of \(outcome.stage.holders.joined(separator: ", "))
                bundle:       \(outcome.result.directory.path)/public
                root.json:    \(outcome.result.rootFiles.values.map(\.path).sorted().joined(separator: ", "))
                plan digest:  \(outcome.result.planDigest.hex)
                verify again: keyceremony verify \(outcome.result.directory.path)
            """)
            for finding in errors { print("    \(finding)") }
            for problem in outcome.bundle.problems { print("    \(problem)") }
        }
        print("\nVerification: \(failed ? "FAILED" : "passed") for every stage")
        if failed { throw ExitCode(1) }
    }
}
