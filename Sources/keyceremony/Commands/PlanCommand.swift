import ArgumentParser
import Ceremony
import Foundation

/// `keyceremony plan`: work with ceremony plans before the day.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Check ceremony plans before the day, and print the script people follow and sign.",
        subcommands: [Check.self, Print.self]
    )

    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print",
            abstract: "Write the ceremony script as a self-contained HTML document to print and sign.",
            discussion: """
            The script opens with the plan digest in hex and in PGP words, then the \
            check of the keyceremony executable before step 1 (sha256sum -c against the \
            published SHA256SUMS, --version, and the digest read aloud; --tool-sha256 \
            prints the published digest and its words), then lists \
            the numbered steps exactly as 'plan check' and 'run' have them (who does \
            what, a checkbox, and a line to copy each digest the screen will show by \
            hand), and ends with signature lines for every key holder, the officer and \
            every witness. The HTML has no scripts and loads nothing from the network; \
            its print stylesheet suits A4 (for example: chromium --headless \
            --print-to-pdf=script.pdf script.html).

            The file is created, never overwritten. Exit status: 0 written, 1 when the \
            plan has errors (as 'plan check' reports them), 2 when a file cannot be \
            read or written.

            Example:
              keyceremony plan print plan.yaml --profile room.yaml --html script.html
              keyceremony plan print plan.yaml --html script.html --tool-sha256 "$(cut -d' ' -f1 dist/SHA256SUMS | head -1)"
            """
        )

        @Argument(help: ArgumentHelp("The plan (YAML).", valueName: "plan"))
        var plan: String

        @Option(help: ArgumentHelp("A site profile giving the module and holders' tokens for this room.", valueName: "file"))
        var profile: String?

        @Option(help: ArgumentHelp("Where to write the script (a new file).", valueName: "file.html"))
        var html: String

        @Option(name: .customLong("tool-sha256"), help: ArgumentHelp("The published SHA-256 of the keyceremony release to run, printed with its words for the executable check before step 1.", valueName: "hex"))
        var toolSHA256: String?

        func validate() throws {
            if let toolSHA256, toolSHA256.count != 64 || !toolSHA256.allSatisfy(\.isHexDigit) {
                throw ValidationError("--tool-sha256 must be 64 hex digits")
            }
        }

        func run() throws {
            let report: PlanCheckReport
            do {
                report = try PlanCheck.run(planAt: URL(fileURLWithPath: plan), profileAt: profile.map { URL(fileURLWithPath: $0) })
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            guard report.passed, let resolved = report.resolved else {
                for diagnostic in report.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
                throw ExitCode(1)
            }
            do {
                try HTMLFile.write(PlanScriptHTML(resolved, toolSHA256: toolSHA256?.lowercased()).document, to: URL(fileURLWithPath: html))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print("Wrote the ceremony script (\(resolved.steps.count) steps) to \(html)")
        }
    }

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
                                           profileAt: profile.map { URL(fileURLWithPath: $0) }, askTokens: true)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            if json {
                FileHandle.standardOutput.write(try report.jsonData())
            } else {
                FileHandle.standardOutput.write(Data(report.text.utf8))
                for diagnostic in report.diagnostics {
                    FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
                }
            }
            if !report.passed { throw ExitCode(1) }
        }
    }
}
