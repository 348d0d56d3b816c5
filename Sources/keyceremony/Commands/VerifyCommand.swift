import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

/// `keyceremony verify`: checks metadata the way strict TUF and Notary clients would.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify TUF or Notary root metadata, a root chain, or a ceremony bundle.",
        discussion: """
        PATH may be:
          • one root.json — checked against its own root keys (or, with --trusted-root,
            as the next step of a chain);
          • a directory of N.root.json files — the chain is walked from the lowest
            version (or from --trusted-root): each version N+1 must be exactly N+1 and
            be signed by a threshold of version N's root keys and of its own. A
            targets.json (with delegated role files), snapshot.json and timestamp.json
            there are verified against the newest root;
          • a ceremony output directory (DIR with public/), or its public/ folder.

        What is checked, for every metadata file found, each on its own: its
        structure, key IDs (recomputed from the keys), every role's threshold counted
        in distinct keys, expiry at --at, and for Notary the root certificates (CN is
        the GUN given with --gun or agreed by the certificates, valid at --at, no
        SHA-1). Two files claiming the same version (root.json and N.root.json) must
        be byte-identical. Signatures by keys a role does not list are ignored; a bad
        signature by a listed key is a notice when the threshold is met anyway (as
        the clients accept it), and an error in a ceremony bundle, which was made
        and checked minutes before.

        On a ceremony directory the bundle is checked too: the transcript's hash
        chain, times and seal (its own digest and the digest of every public file
        it lists), manifest.json (every file listed with its SHA-256, the plan
        digest, and the same ceremony, dialect, repositories, rehearsal flag and
        tool version as the transcript's first record), SHA256SUMS exactly as
        sha256sum writes it, and no file missing or added. A rehearsal bundle is
        reported as one.

        Not checked here (use 'keyceremony audit DIR'): that the steps recorded are
        the plan's, who confirmed them, where each root key came from and its token
        attributes, that the transcript's signatures are those in the metadata, the
        online keys against their input files, and the tool's identity.

        Delegations are searched as the clients search them (TUF: python-tuf's
        pre-order depth-first walk, at most 32 delegated roles, terminating
        delegations and TAP 15 hash bins; Notary: notary's breadth-first walk). Every
        role file a client could load is checked with each delegator's keys, against
        snapshot.json (listed, at its version and hashes); files that match no role
        are reported. A delegated target must be reachable through some chain whose
        paths cover it; targets a client cannot resolve because a role fails to load
        are listed. --json adds "targets": each listed target, the role a client takes
        it from, or why it cannot.
        With --trusted-root, a root of the trusted version but other content is a fork,
        and a newest root older than the trusted one a rollback. Only regular files
        are read, each of at most 512 MiB.

        Exit status: 0 when everything verifies, 1 when there are findings (listed),
        2 for usage or I/O errors.

        Examples:
          keyceremony verify bundle/
          keyceremony verify repo/metadata --trusted-root 1.root.json --at 2027-01-01T00:00:00Z
          keyceremony verify root.json --dialect notary --gun example.com/app --json
        """
    )

    enum DialectChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, tuf, notary
    }

    @Argument(help: "A root.json, a metadata directory, or a ceremony bundle directory.")
    var path: String

    @Option(help: "Metadata dialect: auto (from _type: root = TUF, Root = Notary), tuf or notary.")
    var dialect: DialectChoice = .auto

    @Option(name: .customLong("trusted-root"), help: ArgumentHelp("A root.json to start the chain from, as a client that already trusts it.", valueName: "file"))
    var trustedRoot: String?

    @Option(help: ArgumentHelp("Notary repository name (GUN) that root certificates must name.", valueName: "name"))
    var gun: String?

    @Option(help: ArgumentHelp("Check expiry and certificate validity at this RFC 3339 time instead of now.", valueName: "time"))
    var at: String?

    @Flag(help: "Print the findings as JSON.")
    var json = false

    func run() throws {
        var options = VerificationOptions()
        switch dialect {
        case .auto: options.dialect = nil
        case .tuf: options.dialect = .tuf
        case .notary: options.dialect = .notary
        }
        options.gun = gun
        if let at {
            guard let time = MetadataTime(at) else {
                FileHandle.standardError.write(Data("error: --at \(at) is not an RFC 3339 time such as 2027-01-01T00:00:00Z\n".utf8))
                throw ExitCode(2)
            }
            options.at = time.date
        }
        let bundle = BundleLayout.find(URL(fileURLWithPath: path))
        options.strictSignatures = bundle != nil
        var report: PathVerifier.Report
        do {
            report = try PathVerifier(options: options).verify(path: path, trustedRoot: trustedRoot)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        if let bundle {
            let check = bundle.check()
            for finding in check.findings {
                report.findings.append(Finding(file: bundle.path(finding.file), check: .bundle, detail: finding.description))
            }
            if check.manifest?.rehearsal == true, !report.rehearsal {
                report.rehearsal = true
                report.findings.append(Finding(file: bundle.path("public/manifest.json"), check: .rehearsal, severity: .notice,
                                               detail: "this bundle is a rehearsal; its keys and metadata are not for production"))
            }
        }
        if json {
            var object = JSONObject()
            object["passed"] = .bool(report.passed)
            object["rehearsal"] = .bool(report.rehearsal)
            object["dialects"] = .array(report.dialects.map { .string($0.rawValue) })
            object["files"] = .array(report.files.map(JSONValue.string))
            object["findings"] = .array(report.findings.map(\.json))
            object["targets"] = .array(report.resolutions.sorted { $0.key < $1.key }.flatMap { repository, resolutions in
                resolutions.map { resolution -> JSONValue in
                    var entry = JSONObject([("repository", JSONValue.string(repository))])
                    for member in resolution.json.objectValue?.members ?? [] { entry[member.name] = member.value }
                    return .object(entry)
                }
            })
            var bytes = PrettyJSONEncoder.encode(.object(object), sortKeys: false)
            bytes.append(0x0A)
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            for finding in report.findings {
                print(finding.description)
            }
            let errors = report.findings.filter { $0.severity == .error }.count
            let dialects = Set(report.dialects.map(\.rawValue)).sorted().joined(separator: ", ")
            if report.passed {
                print("verified \(report.files.count) file(s)\(dialects.isEmpty ? "" : " (\(dialects))")\(report.rehearsal ? " — REHEARSAL bundle" : "")")
            } else {
                print("FAILED: \(errors) error(s) in \(report.files.count) file(s)")
            }
        }
        if !report.passed { throw ExitCode(1) }
    }
}
