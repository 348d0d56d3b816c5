import Foundation
import PKCS11
import TrustMetadata

/// The main demo and the backbone of the end-to-end tests: a root's lifecycle, rehearsed
/// unattended on SoftHSM2 tokens — generation (with the top-level targets key offline on Erin's
/// token), a targets delegation, a rotation, and a re-sign — each from a plan written for people
/// to read and rerun, and each verified.
///
/// Layout: `DIR/softhsm/` (tokens root-a … root-d, targets-a and pins.json), `DIR/online/`
/// (rehearsal online keys, or a notary-server's snapshot and timestamp keys, and the rehearsal
/// release key the delegation names), `DIR/plans/NN-kind.yaml`, and each ceremony's output in
/// `DIR/NN-kind/`. The delegation signs targets.json version 1 with Erin's targets key and
/// delegates `targets/releases` (Notary) or `releases` (TUF) to the release key. The rotation
/// replaces Bob's key by Dave's new one and raises the threshold from 2 to 3; Bob, leaving,
/// signs for the old version. Rotation and re-sign keep the targets key, so targets.json stays
/// valid through them.
///
/// This library makes no network connection: a caller that rehearses against a notary-server
/// fetches the server's keys itself and passes them in.
package struct Rehearsal {
    package enum Failure: Error, CustomStringConvertible {
        case directoryNotEmpty(String)

        package var description: String {
            switch self {
            case let .directoryNotEmpty(path): return "'\(path)' exists and is not empty; a rehearsal never writes over anything"
            }
        }
    }

    /// One ceremony of the lifecycle.
    package struct Stage: Sendable {
        package var kind: CeremonyKind
        /// `01-root-generation`, …: the plan's name and the output folder's.
        package var name: String
        package var threshold: Int
        package var holders: [String]
    }

    /// What one stage produced and how it verified.
    package struct Outcome {
        package var stage: Stage
        package var result: CeremonyResult
        package var report: PathVerifier.Report
        package var bundle: BundleCheckResult
        /// Where the stage's time went (tokens, KDF, the tool's own work).
        package var timing: StageTiming
    }

    package static let stages = [
        Stage(kind: .rootGeneration, name: "01-root-generation", threshold: 2, holders: ["Alice", "Bob", "Carol"]),
        Stage(kind: .targetsDelegation, name: "02-targets-delegation", threshold: 1, holders: [targetsHolder]),
        Stage(kind: .rootRotation, name: "03-root-rotation", threshold: 3, holders: ["Alice", "Carol", "Dave"]),
        Stage(kind: .rootResign, name: "04-root-resign", threshold: 3, holders: ["Alice", "Carol", "Dave"]),
        Stage(kind: .recovery, name: "05-recovery", threshold: 3, holders: ["Alice", "Carol", "Dave"]),
    ]
    /// Who holds the offline top-level targets key, on token `targets-a`.
    package static let targetsHolder = "Erin"
    static let tokenLabels = ["Alice": "root-a", "Bob": "root-b", "Carol": "root-c", "Dave": "root-d", targetsHolder: "targets-a"]
    /// The first line of every private key file a rehearsal writes.
    package static let privateKeyMarker = "REHEARSAL KEY: made by keyceremony rehearse for a rehearsal only; never use it in production.\n"
    /// The backup: Alice's key is backed up at generation, shared 2 of 3 among these custodians,
    /// drilled on Oscar's drill token, and recovered onto Alice's fresh token in the last stage.
    static let custodians = ["Frank", "Grace", "Heidi"]
    static let backedUpHolder = "Alice"
    static let drillHolder = "Oscar"
    static let drillToken = "drill"
    static let recoveryToken = "root-e"
    /// Every token a rehearsal makes.
    static var allTokenLabels: [String] { (Array(tokenLabels.values) + [drillToken, recoveryToken]).sorted() }

    package let directory: URL
    package let dialect: Dialect
    package let repository: String
    /// Role → key file contents fetched from a notary-server (snapshot, timestamp), if any.
    package let serverKeys: [String: Data]

    package init(directory: URL, dialect: Dialect, repository: String? = nil, serverKeys: [String: Data] = [:]) {
        self.directory = directory.standardizedFileURL
        self.dialect = serverKeys.isEmpty ? dialect : .notary
        self.repository = repository ?? (self.dialect == .notary ? "example.com/rehearsal" : "rehearsal")
        self.serverKeys = serverKeys
    }

    package var tokens: RehearsalTokens { RehearsalTokens(directory: directory.appendingPathComponent("softhsm")) }

    /// The delegated role the delegation stage adds: `targets/releases` (Notary) or `releases` (TUF).
    package var releasesRole: String { dialect == .notary ? "targets/releases" : "releases" }
    /// The paths it delegates: the prefix `releases/` (Notary) or the pattern `releases/*` (TUF).
    package var releasesPaths: [String] { dialect == .notary ? ["releases/"] : ["releases/*"] }
    /// The release key's public file under `online/` (a certificate for Notary, as `notary delegation add` takes).
    package var releasesPublicKeyFile: String { dialect == .notary ? "releases.crt.pem" : "releases.pub.pem" }
    package func planURL(_ stage: Stage) -> URL { directory.appendingPathComponent("plans/\(stage.name).yaml") }
    package func outputURL(_ stage: Stage) -> URL { directory.appendingPathComponent(stage.name) }

    /// Makes the tokens, the online keys and the first plan. Returns the first plan's location.
    package func prepare() throws -> URL {
        let fm = FileManager.default
        if let contents = try? fm.contentsOfDirectory(atPath: directory.path), !contents.isEmpty {
            throw Failure.directoryNotEmpty(directory.path)
        }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = try tokens.create(labels: Self.allTokenLabels)
        let online = directory.appendingPathComponent("online")
        try SafeFile.makeDirectories(online)
        for role in OnlineKeyFiles.roles where role != "targets" {
            if let key = serverKeys[role] {
                try SafeFile.create(online.appendingPathComponent("\(role).key.json"), contents: key)
            } else {
                let signer = try SoftwareSigner(generating: .ecdsaP256)
                try SafeFile.create(online.appendingPathComponent("\(role).key.pem"), contents: Data((Self.privateKeyMarker + signer.privateKeyPEM).utf8), mode: 0o600)
                try SafeFile.create(online.appendingPathComponent("\(role).pub.pem"), contents: Data(signer.publicKey.pem.utf8))
            }
        }
        // The release team's key the delegation stage delegates to; its private key signs the
        // delegated role online, after the ceremony.
        let release = try SoftwareSigner(generating: .ecdsaP256)
        try SafeFile.create(online.appendingPathComponent("releases.key.pem"), contents: Data((Self.privateKeyMarker + release.privateKeyPEM).utf8), mode: 0o600)
        if dialect == .notary {
            let days = Double(Expiry.rehearsalCapDays(for: dialect))
            let certificate = try NotaryRootCertificate.issue(gun: "releases", signer: release, notBefore: Date().addingTimeInterval(-60),
                                                              notAfter: Date().addingTimeInterval(days * 86_400))
            try SafeFile.create(online.appendingPathComponent(releasesPublicKeyFile), contents: Data(certificate.pem.utf8))
        } else {
            try SafeFile.create(online.appendingPathComponent(releasesPublicKeyFile), contents: Data(release.publicKey.pem.utf8))
        }
        try SafeFile.makeDirectories(planURL(Self.stages[0]).deletingLastPathComponent())
        var signers = RootSigners()
        try writePlan(Self.stages[0], previous: nil, signers: &signers)
        return planURL(Self.stages[0])
    }

    /// Runs every stage unattended, writing each later plan from the root the stage before made.
    /// Stops at the first stage that fails or does not verify.
    package func run(say: @escaping (String) -> Void = { print($0); fflush(nil) }) throws -> [Outcome] {
        tokens.activate()
        var outcomes: [Outcome] = []
        var signers = RootSigners()
        for (index, stage) in Self.stages.enumerated() {
            let start = TimingMark.now()
            if index > 0 { try writePlan(stage, previous: Self.stages[index - 1], signers: &signers) }
            say("\n=== \(stage.name) ===")
            let plan = try Plan.load(contentsOf: planURL(stage))
            let resolved = try ResolvedPlan.resolve(plan: plan, profile: nil)
            // A recovery reads the shares the rehearsed generation handed out.
            let shares = stage.kind == .recovery ? outputURL(Self.stages[0]).appendingPathComponent(BundlePath.sharesFolder) : nil
            let console = try RehearsalConsole(pinFile: tokens.pinFilePath, assumeYes: true, sharesDirectory: shares, output: say)
            let planned = TimingMark.now()
            let result = try CeremonyRunner.run(resolved, options: CeremonyOptions(output: outputURL(stage), rehearsal: true), console: console)
            let ran = TimingMark.now()
            let report = try PathVerifier(options: VerificationOptions(dialect: dialect, repository: repository))
                .verify(path: outputURL(stage).path)
            let bundle = BundleCheck.run(directory: outputURL(stage))
            let end = TimingMark.now()
            let timing = StageTiming(name: stage.name, total: TimingSpan(from: start, to: end), planning: TimingSpan(from: start, to: planned),
                                     ceremony: TimingSpan(from: planned, to: ran), verification: TimingSpan(from: ran, to: end))
            let outcome = Outcome(stage: stage, result: result, report: report, bundle: bundle, timing: timing)
            outcomes.append(outcome)
            if report.findings.contains(where: { $0.severity == .error }) || !outcome.bundle.isValid { break }
        }
        return outcomes
    }

    /// The stages before `stage` that signed a root, newest last.
    private func rootStages(before stage: Stage) -> [Stage] {
        Array(Self.stages.prefix { $0.name != stage.name }.filter { $0.kind != .targetsDelegation })
    }

    /// Holder and key ID of every root signature in a stage's transcript, by output folder: each
    /// transcript is read and verified once per run, not again for every later plan.
    private typealias RootSigners = [URL: [(holder: String, keyID: String)]]

    private func writePlan(_ stage: Stage, previous: Stage?, signers: inout RootSigners) throws {
        var text = """
        # Written by `keyceremony rehearse`: a \(stage.kind.rawValue) rehearsal on SoftHSM2 tokens.
        # Run it again with:
        #   keyceremony run \(planURL(stage).path) --out DIR --rehearsal --yes --pins \(tokens.pinFilePath)
        version: 1
        ceremony: \(stage.kind.rawValue)
        dialect: \(dialect.rawValue)
        description: Rehearsal of \(stage.kind.rawValue) for \(repository) on SoftHSM2 tokens
        repositories:
          - \(Self.quoted(repository))
        expires: \(Expiry.rehearsalCapDays(for: dialect))d
        module: softhsm

        """
        var keyIDs: [String: String] = [:]
        if let previous {
            text += "previous: ../\(previous.name)\n"
            keyIDs = try currentKeyIDs(rootStages(before: stage).map(outputURL), newest: outputURL(previous), signers: &signers)
        }
        if stage.kind == .recovery {
            text += """
            recover:
              backup: ../\(Self.stages[0].name)
              keys: [\(Self.tokenLabels[Self.backedUpHolder] ?? "")]
              custodians: [\(Self.custodians[0]), \(Self.custodians[2])]

            """
        }
        if stage.kind == .targetsDelegation {
            text += delegationBody(stage, keyIDs: keyIDs)
        } else {
            text += "root:\n  threshold: \(stage.threshold)\n  keys:\n"
            for holder in stage.holders {
                let recovered = stage.kind == .recovery && holder == Self.backedUpHolder
                text += keyEntry(holder, keyID: keyIDs[holder], token: recovered ? Self.recoveryToken : nil,
                                 backup: stage.kind == .rootGeneration && holder == Self.backedUpHolder)
            }
        }
        if stage.kind == .rootRotation {
            text += "leaving:\n"
            for holder in Stage.holdersLeaving(from: rootStages(before: stage).last, to: stage) { text += keyEntry(holder, keyID: keyIDs[holder]) }
        }
        if stage.kind == .rootGeneration {
            // The targets key is offline, on Erin's token; the online roles are snapshot and timestamp.
            text += "targets:\n  threshold: 1\n  keys:\n" + keyEntry(Self.targetsHolder, keyID: nil)
            text += "online_keys:\n"
            for role in OnlineKeyFiles.roles where role != "targets" {
                text += "  \(role): ../online/\(role)\(serverKeys[role] == nil ? ".pub.pem" : ".key.json")\n"
            }
            text += """
            backup:
              group_threshold: 1
              groups:
                - threshold: 2
                  custodians: [\(Self.custodians.joined(separator: ", "))]
              iteration_exponent: 0
              share_cards: true
              drill:
                holder: \(Self.drillHolder)
                token: { label: \(Self.drillToken) }

            """
        }
        text += "witnesses:\n  - Wendy\n"
        try SafeFile.create(planURL(stage), contents: Data(text.utf8))
    }

    /// A delegation stage's body: the current root, no targets.json yet, Erin's targets key, and
    /// the release role delegated to the rehearsal release key.
    private func delegationBody(_ stage: Stage, keyIDs: [String: String]) -> String {
        var text = "current_targets: none\n"
        text += "targets:\n  keys:\n" + keyEntry(Self.targetsHolder, keyID: keyIDs[Self.targetsHolder])
        text += """
        delegations:
          - role: \(Self.quoted(releasesRole))
            action: add
            keys: [../online/\(releasesPublicKeyFile)]
            paths: [\(releasesPaths.map(Self.quoted).joined(separator: ", "))]
            threshold: 1

        """
        if dialect == .tuf { text += "    terminating: true\n" }
        return text
    }

    private func keyEntry(_ holder: String, keyID: String?, token: String? = nil, backup: Bool = false) -> String {
        let label = Self.tokenLabels[holder] ?? holder
        let source = keyID.map { "key_id: \($0)" } ?? "algorithm: ecdsa-p256"
        return """
            - name: \(label)
              holder: \(holder)
              token: { label: \(token ?? label) }
              \(source)\(backup ? "\n      backup: true" : "")

        """
    }

    /// Holder → key ID in the newest root (`newest`'s root.json): root keys from the signatures the
    /// root stages' transcripts record (the newest stage last, so it wins), and Erin's targets key
    /// as the root's only targets key.
    private func currentKeyIDs(_ outputs: [URL], newest: URL, signers: inout RootSigners) throws -> [String: String] {
        let rootFile = newest.appendingPathComponent(BundlePath.publicFolder)
            .appendingPathComponent(BundlePath.metadataFolder(repository: repository)).appendingPathComponent("root.json")
        let root = try RootMetadata(signed: try SignedMetadata(bytes: Array(try SourceFile.read(rootFile).bytes)).signed)
        var result: [String: String] = [:]
        for output in outputs {
            // The transcript names who signed under which key ID; the root lists the key IDs.
            if signers[output] == nil {
                let transcript = try TranscriptVerifier.verify(fileAt: output.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(BundlePath.transcript))
                signers[output] = transcript.records.compactMap { record in
                    guard case let .signature(signature) = record.event, signature.role == "root" else { return nil }
                    return (signature.holder, signature.keyID)
                }
            }
            for signature in signers[output] ?? [] where root.roles["root"]?.keyIDs.contains(signature.keyID) == true {
                result[signature.holder] = signature.keyID
            }
        }
        if let targets = root.roles["targets"]?.keyIDs, targets.count == 1 { result[Self.targetsHolder] = targets[0] }
        return result
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20: quoted += String(format: "\\u%04x", scalar.value)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

extension Rehearsal.Stage {
    /// Holders of `previous` who are not holders of `stage`.
    static func holdersLeaving(from previous: Rehearsal.Stage?, to stage: Rehearsal.Stage) -> [String] {
        (previous?.holders ?? []).filter { !stage.holders.contains($0) }
    }
}
