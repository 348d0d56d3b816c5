import ArgumentParser
import Ceremony
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a ceremony plan, step by step, at the officers' pace.",
        discussion: """
        Each step is announced with its number and who does what, and waits for the officer to \
        type 'yes'. Tokens are checked against the plan before use (a different token is refused \
        with both identities shown), PINs are read at the terminal without echo at the holder's \
        step, keys are generated on the tokens and their attributes read back, and every \
        signature and the whole result are verified in software before anything is final.

        The output directory is assembled beside DIR and renamed into place only when complete; \
        an existing non-empty DIR is refused. Any failure, or Ctrl-C, leaves only \
        DIR.failed-<time>/transcript.jsonl, recording what happened and which keys were made.

        Rehearsals (--rehearsal) may use --yes (no confirmations) and --pins FILE (the 0600 file \
        written by 'keyceremony rehearsal tokens', SoftHSM2 tokens only). Rehearsal outputs are \
        marked in the manifest and expire within 30 days.

        Examples:
          keyceremony run ceremonies/notary-root-generation.yaml --profile room.yaml --out /media/usb/2026-12-01
          keyceremony run plan.yaml --out /tmp/r1 --rehearsal --yes --pins /tmp/tokens/pins.json
        """
    )

    @Argument(help: "The ceremony plan (YAML).")
    var plan: String

    @Option(help: "Output directory; must not exist, or be empty.")
    var out: String

    @Option(help: "Site profile mapping holders to tokens and naming the module.")
    var profile: String?

    @Flag(help: "Rehearse on SoftHSM2 tokens; outputs are marked as a rehearsal.")
    var rehearsal = false

    @Flag(help: "Rehearsal only: confirm every step automatically.")
    var yes = false

    @Option(help: "Rehearsal only: the PIN file written by 'keyceremony rehearsal tokens'.")
    var pins: String?

    func validate() throws {
        if (yes || pins != nil) && !rehearsal {
            throw ValidationError("--yes and --pins are only for rehearsals; add --rehearsal, or run with officers at the terminal")
        }
        if rehearsal && pins == nil {
            throw ValidationError("a rehearsal needs --pins FILE (made by 'keyceremony rehearsal tokens')")
        }
    }

    func run() throws {
        let resolved = try CeremonyLoader.resolve(plan: plan, profile: profile)
        let console: CeremonyConsole
        do {
            console = rehearsal ? try RehearsalConsole(pinFile: pins!, assumeYes: yes) : TerminalConsole()
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        do {
            let result = try CeremonyRunner.run(resolved, options: CeremonyOptions(output: URL(fileURLWithPath: out), rehearsal: rehearsal), console: console)
            print("\nCeremony complete. Public bundle: \(result.directory.path)/public")
            for (repository, file) in result.rootFiles.sorted(by: { $0.key < $1.key }) { print("  \(repository): \(file.path)") }
        } catch let failure as CeremonyFailure {
            throw CommandFailure.exit(failure, usage: failure.isInputError)
        }
    }
}

/// Loads a plan and an optional site profile, printing every diagnostic as file:line:column.
enum CeremonyLoader {
    static func resolve(plan: String, profile: String?) throws -> ResolvedPlan {
        do {
            let loaded = try Plan.load(contentsOf: URL(fileURLWithPath: plan))
            for warning in loaded.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
            let site = try profile.map { try SiteProfile.load(contentsOf: URL(fileURLWithPath: $0)) }
            return try ResolvedPlan.resolve(plan: loaded, profile: site)
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
    }
}
