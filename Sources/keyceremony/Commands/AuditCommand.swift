import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

/// `keyceremony audit`: replays a ceremony offline from its folder, with no token.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a ceremony from its output: transcript, files, plan, steps, keys, signatures, people, tool.",
        discussion: """
        DIR is a ceremony output directory, its public/ folder alone, or a failed
        ceremony's DIR.failed-<time>/ folder. Offline, with no token, audit checks:

          1. transcript   the hash chain and seal; sequence numbers and times in order
          2. files        every file against the seal, manifest.json and SHA256SUMS;
                          nothing missing or extra
          3. plan/steps   plan.yaml (and --plan) against the digest recorded at the
                          start, the site profile copy (profile.yaml) against its
                          digest; the steps executed are exactly the plan's, in order
          4. provenance   each root key was generated in this ceremony on the token the
                          plan assigns, or found on its token and in the current root
                          recorded; online keys are those declared as inputs (their
                          files' SHA-256 when --plan lets them be found)
          5. attributes   as recorded: sensitive, always sensitive, never extractable,
                          not extractable, local
          6. signatures   every signature recorded is in the metadata and every one in
                          the metadata was recorded; the signed bytes are those whose
                          digest was recorded; the metadata passes 'verify' with every
                          signature required to verify; a rotation chains to the
                          current root recorded
          7. people       every step confirmed by its actor; every witness the plan
                          names confirmed the plan digest, by name
          8. rehearsal    a rehearsal is reported; a production ceremony on SoftHSM2
                          tokens or confirmed with rehearsal flags is a finding
          9. backup       no backup ceremony exists yet: "no backup in this bundle"
         10. tool         the SHA-256 of the keyceremony executable that ran, its
                          version, commit, build kind (release or development) and OS
                          release, as recorded (printed on the "Tool:" line);
                          --tool-sha256 checks the SHA-256 against the published one

        For a failed ceremony, audit lists what happened and which keys were left
        on which tokens. Each finding names the record (seq) or file, what was
        expected and what was found.

        Exit status: 0 clean, 1 findings (or a failed ceremony), 2 unreadable input
        (no ceremony output, a file that is not a regular file or is too large).

        Examples:
          keyceremony audit out/
          keyceremony audit out/public --plan plans/root.yaml --tool-sha256 3f2a…
          keyceremony audit out/ --json
          keyceremony audit out/ --report audit.html
        """
    )

    @Argument(help: ArgumentHelp("A ceremony output directory, its public/ folder, or a failed ceremony's folder.", valueName: "dir"))
    var dir: String

    @Option(help: ArgumentHelp("The reviewed plan, to compare with the one recorded.", valueName: "plan"))
    var plan: String?

    @Option(name: .customLong("tool-sha256"), help: ArgumentHelp("SHA-256 hex of the reviewed keyceremony build.", valueName: "hex"))
    var toolSHA256: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Write the audit report as a self-contained HTML file (never over an existing file).", valueName: "file.html"))
    var report: String?

    func validate() throws {
        if let toolSHA256, toolSHA256.count != 64 || !toolSHA256.allSatisfy(\.isHexDigit) {
            throw ValidationError("--tool-sha256 must be 64 hex digits")
        }
    }

    func run() throws {
        let options = AuditOptions(plan: plan.map { URL(fileURLWithPath: $0) }, toolSHA256: toolSHA256)
        let audit: AuditReport
        do {
            audit = try CeremonyAudit.run(URL(fileURLWithPath: dir), options: options)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let report {
            do {
                try HTMLFile.write(AuditReportHTML(audit).document, to: URL(fileURLWithPath: report))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if json {
            var object = JSONObject()
            object["passed"] = .bool(audit.passed)
            object["verdict"] = .string(audit.verdict)
            object["layout"] = .string(audit.layout.kind.rawValue)
            object["rehearsal"] = audit.start.map { .bool($0.rehearsal) } ?? .null
            object["failure"] = audit.failure.map(JSONValue.string) ?? .null
            object["tool"] = audit.start.map { start in
                var tool = JSONObject()
                tool["version"] = .string(start.toolVersion)
                tool["commit"] = start.toolCommit.map(JSONValue.string) ?? .null
                tool["build"] = start.toolBuild.map(JSONValue.string) ?? .null
                tool["sha256"] = start.toolSHA256.map(JSONValue.string) ?? .null
                tool["os_release"] = start.osRelease.map(JSONValue.string) ?? .null
                return .object(tool)
            } ?? .null
            object["findings"] = .array(audit.findings.map(\.json))
            var bytes = PrettyJSONEncoder.encode(.object(object), sortKeys: false)
            bytes.append(0x0A)
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            print(audit.verdict)
            print("Tool: \(audit.tool)")
            for finding in audit.findings { print("  \(finding)") }
        }
        if !audit.passed { throw ExitCode(1) }
    }
}
