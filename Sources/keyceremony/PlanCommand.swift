import ArgumentParser
import Ceremony
import Foundation

/// `keyceremony plan`: work with ceremony plans before the day.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Check ceremony plans before the day.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a plan and show the ceremony it describes, step by step.",
            discussion: """
            A plan is a YAML file that says what a ceremony makes and who does what: \
            the ceremony type, the dialect (notary or tuf), the repositories, the \
            expiry, the PKCS#11 module, the root keys with their holders, tokens and \
            algorithms, the online role key files, and the witnesses. It never holds \
            a PIN or any other secret. See ceremonies/README.md for how to write one.

            This command reads the plan strictly: an unknown key, a wrong type, a \
            missing field, a threshold above the number of keys, a token used twice, \
            or a key named like a secret is reported as FILE:LINE:COLUMN with what \
            was expected. It then prints:

              - the numbered steps as the ceremony will run them;
              - the thresholds in words ("root: 2 of Alice, Bob, Carol");
              - the plan's SHA-256 digest, in hex and as PGP words to read aloud.

            Review the plan weeks ahead and publish its digest. On the day, the \
            officer reads the words aloud and the witnesses check them against the \
            published digest; if the plan was edited, the words differ.

            What differs between rooms (the module path, token serials) goes in a \
            site profile given with --profile, so the reviewed plan stays unchanged:

              module: softhsm
              holders:
                Alice: { serial: "5c1e0a7d3b9f2e41" }
                Bob: { label: root-b }

            Exit status: 0 when the plan can run, 1 when it has any error, 2 when a \
            file cannot be read or the command line is wrong.

            Examples:
              keyceremony plan check ceremonies/tuf-root-generation.yaml
              keyceremony plan check plan.yaml --profile rehearsal-room.yaml
              keyceremony plan check plan.yaml --json | jq .steps
            """
        )

        @Argument(help: ArgumentHelp("The plan to check (YAML).", valueName: "plan"))
        var plan: String

        @Option(help: ArgumentHelp("A site profile giving the module and holders' tokens for this room.",
                                   valueName: "file"))
        var profile: String?

        @Flag(help: "Print the report as JSON on standard output.")
        var json = false

        func run() throws {
            let report: PlanCheckReport
            do {
                report = try PlanCheck.run(planAt: URL(fileURLWithPath: plan),
                                           profileAt: profile.map { URL(fileURLWithPath: $0) })
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                let data = try encoder.encode(PlanCheckJSON(report))
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            } else {
                print(PlanCheckText.render(report), terminator: "")
                for diagnostic in report.diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
            }
            if !report.passed { throw ExitCode(1) }
        }
    }
}

/// The human-readable report.
enum PlanCheckText {
    static func render(_ report: PlanCheckReport) -> String {
        var out = "Plan: \(report.planFile)\n"
        if let resolved = report.resolved {
            let plan = resolved.plan
            out += "  \(plan.ceremony.rawValue) for \(plan.dialect.rawValue): \(plan.description)\n"
            out += "  repositories: \(plan.repositories.joined(separator: ", "))\n"
            out += "  expires: \(plan.expires)\n"
            out += "  module: \(resolved.module)\n"
        }
        out += "\nPlan digest (SHA-256):\n  \(report.planDigest.hex)\n"
        out += "Read aloud:\n" + report.planDigest.wordLines.map { "  \($0)\n" }.joined()
        if let file = report.profileFile, let digest = report.profileDigest {
            out += "\nSite profile: \(file)\n  SHA-256: \(digest.hex)\n"
        }
        if !report.thresholds.isEmpty {
            out += "\nThresholds:\n" + report.thresholds.map { "  \($0)\n" }.joined()
        }
        if !report.steps.isEmpty {
            out += "\nSteps:\n" + report.steps.map { "  \($0)\n" }.joined()
        }
        let errors = report.errors.count, warnings = report.warnings.count
        out += "\n"
        if report.passed {
            out += "OK: the plan can run" + (warnings > 0 ? ", with \(warnings) warning\(warnings == 1 ? "" : "s") (below)" : "") + ".\n"
        } else {
            out += "FAILED: \(errors) error\(errors == 1 ? "" : "s")" +
                (warnings > 0 ? " and \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + " (below).\n"
        }
        return out
    }
}

/// The `--json` report; field names are part of the command's interface.
struct PlanCheckJSON: Encodable {
    struct Digest: Encodable {
        var file: String
        var sha256: String
        var words: [String]?
    }

    struct Step: Encodable {
        var number: Int
        var total: Int
        var actor: String
        var text: String
    }

    struct Finding: Encodable {
        var file: String
        var line: Int
        var column: Int
        var message: String
    }

    var ok: Bool
    var plan: Digest
    var profile: Digest?
    var thresholds: [String]
    var steps: [Step]
    var errors: [Finding]
    var warnings: [Finding]

    init(_ report: PlanCheckReport) {
        ok = report.passed
        plan = Digest(file: report.planFile, sha256: report.planDigest.hex, words: report.planDigest.words)
        profile = report.profileFile.flatMap { file in
            report.profileDigest.map { Digest(file: file, sha256: $0.hex, words: nil) }
        }
        thresholds = report.thresholds
        steps = report.steps.map { Step(number: $0.number, total: $0.total, actor: $0.actor, text: $0.text) }
        let finding = { (d: PlanDiagnostic) in Finding(file: d.file, line: d.line, column: d.column, message: d.message) }
        errors = report.errors.map(finding)
        warnings = report.warnings.map(finding)
    }
}
