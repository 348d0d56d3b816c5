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

        Before the first key is made, a preflight checks every planned token (present, the one \
        planned, PIN not locked, no object with a label this ceremony makes), the online keys \
        (their key IDs are shown), the output directory, and refuses SoftHSM2 in a production \
        run unless --allow-software-token "reason" is given. Every problem is listed at once.

        Mistakes are recovered in place: a wrong or empty PIN is asked again (the token's own \
        retry counter is the limit; a final try needs an explicit yes), an absent or wrong token \
        is asked for again, and a "no" at a step asks whether to stop before stopping. Once every \
        threshold is met, the officer may skip a signing holder who cannot sign.

        The output directory is assembled beside DIR and renamed into place only when complete; \
        an existing non-empty DIR is refused. Any failure, or Ctrl-C, leaves only \
        DIR.failed-<time>/transcript.jsonl, recording what happened and listing every key object \
        the ceremony left on a token. To start again: 'keyceremony cleanup DIR.failed-<time>' \
        deletes exactly those objects (each read back and checked against the transcript first), \
        then run the same plan again. A failed ceremony is never resumed: a rerun makes new keys \
        only after cleanup, never a silent second key. A killed run (kill -9) leaves \
        DIR.partial-<random>; the next run names it and refuses to start until it is cleaned up \
        and moved away.

        Exit codes: 0 ok, 1 ceremony failure, 2 usage or input error (including preflight \
        problems with the plan's inputs), 130 interrupted.

        Rehearsals (--rehearsal) may use --yes (no confirmations) and --pins FILE (the 0600 file \
        written by 'keyceremony rehearsal tokens', SoftHSM2 tokens only). A rehearsal recovery \
        reads each custodian's share from --shares DIR (<custodian>.txt, as a rehearsed backup \
        wrote them); in production custodians type their shares at the terminal, without echo. \
        Rehearsal outputs are \
        marked in the manifest and expire within 30 days (Notary: 210 days, past the 6 months \
        within which notary's client re-signs a root at every publish).

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

    @Option(help: ArgumentHelp("Rehearsal recovery only: the shares/ folder a rehearsed backup wrote (one <custodian>.txt each).",
                               valueName: "DIR"))
    var shares: String?

    @Option(name: .customLong("allow-software-token"),
            help: ArgumentHelp("Allow a production run on SoftHSM2 software tokens, giving the reason (recorded in the transcript).", valueName: "reason"))
    var allowSoftwareToken: String?

    func validate() throws {
        if (yes || pins != nil || shares != nil) && !rehearsal {
            throw ValidationError("--yes, --pins and --shares are only for rehearsals; add --rehearsal, or run with officers and custodians at the terminal")
        }
        if let reason = allowSoftwareToken, reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--allow-software-token needs a reason, which the transcript records")
        }
        if rehearsal && pins == nil {
            throw ValidationError("a rehearsal needs --pins FILE (made by 'keyceremony rehearsal tokens')")
        }
    }

    func run() throws {
        let resolved = try CeremonyLoader.resolve(plan: plan, profile: profile)
        let console: CeremonyConsole
        do {
            console = rehearsal ? try RehearsalConsole(pinFile: pins!, assumeYes: yes, sharesDirectory: shares.map { URL(fileURLWithPath: $0) }) : TerminalConsole()
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        do {
            let result = try CeremonyRunner.run(resolved, options: CeremonyOptions(output: URL(fileURLWithPath: out), rehearsal: rehearsal, allowSoftwareToken: allowSoftwareToken), console: console)
            print("\nCeremony complete. Public bundle: \(result.directory.path)/public")
            fflush(nil)
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
