import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

struct RehearseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Rehearse a root-generation ceremony end to end on SoftHSM2 tokens.",
        discussion: """
        Makes everything under DIR and runs it unattended:
          DIR/softhsm/                     three SoftHSM2 tokens (root-a, root-b, root-c) and pins.json
          DIR/online/                      rehearsal online keys (PEM), or the server's keys
          DIR/plans/01-root-generation.yaml  the plan, readable and runnable again with 'keyceremony run'
          DIR/01-root-generation/          the ceremony's output (public/ and backup/)
        then verifies the result as 'keyceremony verify' would, and prints a summary.

        With --notary-server URL --gun GUN, the snapshot and timestamp keys are fetched from that \
        notary-server, so the resulting root.json can be uploaded there.

        Everything made is marked as a rehearsal and expires within 30 days.

        Examples:
          keyceremony rehearse --out /tmp/rehearsal
          keyceremony rehearse --out /tmp/rehearsal --dialect tuf
          keyceremony rehearse --out /tmp/r --notary-server http://127.0.0.1:4443 --gun example.com/app
        """
    )

    @Option(help: "Directory to make everything in; must not exist, or be empty.")
    var out: String

    @Option(help: "notary or tuf.")
    var dialect: String = "notary"

    @Option(help: "A notary-server to take the snapshot and timestamp keys from.")
    var notaryServer: String?

    @Option(help: "The GUN (repository name) to use with --notary-server.")
    var gun: String?

    func validate() throws {
        guard Dialect(rawValue: dialect) != nil else { throw ValidationError("--dialect must be notary or tuf") }
        if (notaryServer == nil) != (gun == nil) { throw ValidationError("--notary-server and --gun go together") }
        if notaryServer != nil && dialect == "tuf" { throw ValidationError("--notary-server is for the notary dialect") }
    }

    func run() throws {
        let server = notaryServer.map { Rehearsal.NotaryServer(url: $0, gun: gun!) }
        let rehearsal = Rehearsal(directory: URL(fileURLWithPath: out), dialect: Dialect(rawValue: dialect)!, notaryServer: server)
        do {
            let plan = try rehearsal.prepare()
            print("Rehearsal tokens: \(rehearsal.tokens.configPath) (PINs in \(rehearsal.tokens.pinFilePath), mode 0600)")
            print("Plan: \(plan.path)\n")
        } catch {
            throw CommandFailure.exit(error, usage: error is Rehearsal.Failure)
        }
        let outcome: (result: CeremonyResult, report: PathVerifier.Report, bundle: BundleCheckResult)
        do {
            outcome = try rehearsal.run()
        } catch let failure as CeremonyFailure {
            throw CommandFailure.exit(failure, usage: failure.isInputError)
        } catch {
            throw CommandFailure.exit(error)
        }
        let errors = outcome.report.findings.filter { $0.severity == .error }
        print("\nVerification: \(errors.isEmpty ? "passed" : "FAILED") (\(outcome.report.files.count) files; bundle \(outcome.bundle.isValid ? "consistent" : "INCONSISTENT"))")
        for finding in errors { print("  \(finding)") }
        for problem in outcome.bundle.problems { print("  \(problem)") }
        print("""

        Summary (REHEARSAL — not for production):
          dialect:      \(rehearsal.dialect.rawValue)
          repository:   \(rehearsal.repository)
          root:         \(Rehearsal.threshold) of \(Rehearsal.holders.map(\.0).joined(separator: ", ")) (ECDSA P-256 on SoftHSM2)
          bundle:       \(outcome.result.directory.path)/public
          root.json:    \(outcome.result.rootFiles.values.map(\.path).sorted().joined(separator: ", "))
          plan digest:  \(outcome.result.planDigest.hex)
          verify again: keyceremony verify \(outcome.result.directory.path)
        """)
        if !errors.isEmpty || !outcome.bundle.isValid { throw ExitCode(1) }
    }
}
