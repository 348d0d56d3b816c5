import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

struct RehearseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Rehearse a root's lifecycle end to end on SoftHSM2 tokens: generation with backup, delegation, rotation, re-sign, recovery.",
        discussion: """
        Makes everything under DIR and runs it unattended:
          DIR/softhsm/                 seven SoftHSM2 tokens (root-a … root-e, targets-a, drill) and pins.json
          DIR/online/                  rehearsal online keys (PEM), or the server's keys, and the
                                       rehearsal release key (releases.key.pem, 0600, marked REHEARSAL)
          DIR/plans/NN-KIND.yaml       each ceremony's plan, readable and runnable again with 'keyceremony run'
          DIR/01-root-generation/      root version 1: 2 of Alice, Bob, Carol; the targets key offline on Erin's token;
                                       Alice's key backed up under SLIP-39 shares 2 of Frank, Grace, Heidi
                                       (DIR/01-root-generation/shares/, rehearsal only) and drilled on 'drill'
          DIR/02-targets-delegation/   targets.json version 1, signed by Erin's targets key: targets/releases
                                       (Notary) or releases (TUF) delegated to the release key
          DIR/03-root-rotation/        root version 2: Bob's key leaves, Dave's new key joins, threshold 3
          DIR/04-root-resign/          root version 3: the same keys, a new expiry
          DIR/05-recovery/             root version 4: Frank's and Heidi's shares restore Alice's key onto the
                                       fresh token root-e, which signs the re-signed root with Carol and Dave
        Each later plan is written from the bundle the stage before made; rotation and re-sign keep \
        the targets key, so targets.json stays valid. Each stage is verified as 'keyceremony \
        verify' would, and a summary is printed.

        To upload the roots to a test notary-server afterwards, its snapshot and timestamp keys \
        must be in the root: fetch them on the online side with 'keyceremony-online notary-keys \
        --notary-server URL --gun GUN --out KEYS' (this executable has no network code), carry \
        KEYS over, and give --online-keys KEYS --gun GUN here.

        Everything made is marked as a rehearsal and expires within 30 days; for Notary within 210 \
        days, since notary's client re-signs, at every publish, a root expiring within 6 months, and \
        the release team could not publish with the delegated key under a shorter-lived root.

        --timings FILE writes, after the run, where its wall time went, as JSON (schema 1; every \
        duration in nanoseconds of the monotonic clock): "total", "prepare" (tokens and online \
        keys) and each stage ("planning", "ceremony", "verification"), each split into token time \
        (every PKCS#11 call, timed in the token layer, with a count and time per function such as \
        C_Sign or C_GenerateKeyPair), SLIP-39 KDF time (the PBKDF2 rounds), and the tool's own \
        overhead = wall - token - KDF (of which "flush_ns" waiting for fsync); "overhead_per_token" is \
        their ratio. It holds no PIN, key \
        or metadata, must lie outside DIR, and is never part of a bundle or transcript. A \
        rehearsal starts no other process and contacts no peer.

        Examples:
          keyceremony rehearse --out /tmp/rehearsal
          keyceremony rehearse --out /tmp/r --timings /tmp/timings.json
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

    @Option(help: ArgumentHelp("Write where the rehearsal's time went (tokens, SLIP-39 KDF, the tool's own overhead) to this new JSON file, outside --out.", valueName: "file"))
    var timings: String?

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
        if let timings {
            let file = URL(fileURLWithPath: timings).standardizedFileURL.path
            let directory = URL(fileURLWithPath: out).standardizedFileURL.path
            if file == directory || file.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/") {
                throw ValidationError("--timings must name a file outside --out, so that no timing data lands in a rehearsal's folders")
            }
            if FileManager.default.fileExists(atPath: file) { throw ValidationError("--timings: '\(file)' already exists; it is never written over") }
        }
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
        let start = TimingMark.now()
        let rehearsal = Rehearsal(directory: URL(fileURLWithPath: out), dialect: Dialect(rawValue: dialect)!,
                                  repository: gun, serverKeys: serverKeys)
        do {
            let plan = try rehearsal.prepare()
            print("Rehearsal tokens: \(rehearsal.tokens.configPath) (PINs in \(rehearsal.tokens.pinFilePath), mode 0600)")
            print("Plan: \(plan.path)\n")
        } catch {
            throw CommandFailure.exit(error, usage: error is Rehearsal.Failure)
        }
        let prepared = TimingMark.now()
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
            let delegation = outcome.stage.kind == .targetsDelegation
            let signers = delegation
                ? "targets:      \(outcome.stage.threshold) of \(outcome.stage.holders.joined(separator: ", ")) (the offline targets key); delegates \(rehearsal.releasesRole) (paths \(rehearsal.releasesPaths.joined(separator: ", "))) to online/\(rehearsal.releasesPublicKeyFile)"
                : "root:         \(outcome.stage.threshold) of \(outcome.stage.holders.joined(separator: ", "))"
            print("""
              \(outcome.stage.name): \(errors.isEmpty ? "verified" : "FAILED") (\(outcome.report.files.count) files; bundle \(outcome.bundle.isValid ? "consistent" : "INCONSISTENT"))
                \(signers)
                bundle:       \(outcome.result.directory.path)/public
                \(delegation ? "targets.json:" : "root.json:   ") \(outcome.result.rootFiles.values.map(\.path).sorted().joined(separator: ", "))
                plan digest:  \(outcome.result.planDigest.hex)
                verify again: keyceremony verify \(outcome.result.directory.path)
            """)
            for finding in errors { print("    \(finding)") }
            for problem in outcome.bundle.problems { print("    \(problem)") }
        }
        print("\nVerification: \(failed ? "FAILED" : "passed") for every stage")
        if let timings {
            let report = RehearsalTimings(total: TimingSpan(from: start, to: TimingMark.now()), prepare: TimingSpan(from: start, to: prepared),
                                          stages: outcomes.map(\.timing))
            do {
                try SafeFile.create(URL(fileURLWithPath: timings), contents: try report.json())
            } catch {
                throw CommandFailure.exit(error)
            }
            print("Timings: \(timings): wall \(Self.seconds(report.total.wallNanoseconds)), tokens \(Self.seconds(report.total.tokenNanoseconds)) "
                + "(\(report.total.tokenCalls) PKCS#11 calls), SLIP-39 KDF \(Self.seconds(report.total.kdf.nanoseconds)), "
                + "overhead \(Self.seconds(UInt64(max(0, report.total.overheadNanoseconds))))"
                + (report.overheadPerToken.map { String(format: " (%.2f × token time)", $0) } ?? ""))
        }
        if failed { throw ExitCode(1) }
    }

    private static func seconds(_ nanoseconds: UInt64) -> String { String(format: "%.3f s", Double(nanoseconds) / 1e9) }
}
