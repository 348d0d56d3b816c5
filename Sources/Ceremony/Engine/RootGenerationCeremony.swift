import Foundation
import PKCS11
import TrustMetadata

/// Runs a root-generation plan: keys on tokens, root metadata signed on the tokens, every
/// signature and the result verified in software, and a bundle with a sealed transcript.
///
/// Steps run exactly as ``ResolvedPlan/steps`` lists them, so what reviewers read in
/// `plan check` is what happens. Any failure, or Ctrl-C, stops the ceremony; the output is
/// then only `DIR.failed-<time>/transcript.jsonl`, which records every key already made.
public final class RootGenerationCeremony {
    let resolved: ResolvedPlan
    let options: CeremonyOptions
    let console: CeremonyConsole
    private var plan: Plan { resolved.plan }
    private var dialect: Dialect { plan.dialect }

    private var module: PKCS11Module?
    private var output: OutputDirectory?
    private var started = Date()
    private var expiry = Date()
    private var onlineKeys: [String: MetadataKey] = [:]
    private var sessions: [String: Session] = [:]
    private var tokens: [String: TokenIdentity] = [:]
    private var keys: [String: TokenKey] = [:]
    /// key name → repository → certificate (Notary).
    private var certificates: [String: [String: (pem: String, key: MetadataKey)]] = [:]
    /// repository → the root being signed.
    private var drafts: [String: SignedMetadata] = [:]
    /// repository → the file bytes the verify step checked; exactly these are written.
    private var verifiedFiles: [String: [UInt8]] = [:]
    /// repository → key name → key ID in that repository's root.
    private var rootKeyIDs: [String: [String: String]] = [:]
    private var currentStep: CeremonyStep?
    private let finishing = NSLock()

    public init(resolved: ResolvedPlan, options: CeremonyOptions, console: CeremonyConsole) {
        self.resolved = resolved
        self.options = options
        self.console = console
    }

    /// Runs the ceremony. Input problems (module, online keys, output directory) are reported
    /// before anything is created; from the first step on, a failure leaves only the failed transcript.
    public func run() throws -> CeremonyResult {
        guard console.isRehearsal == options.rehearsal else {
            throw CeremonyFailure(step: nil, reason: "a rehearsal console may only run rehearsals, and a rehearsal needs one", isInputError: true)
        }
        started = options.clock()
        expiry = plan.metadataExpiry(ceremonyStart: started, rehearsal: options.rehearsal)
        if let finding = plan.expiryDiagnostic(at: started) {
            // Bounds are judged on the day, not only when the plan was checked weeks before.
            if finding.severity == .error { throw CeremonyFailure(step: nil, reason: "\(finding)", isInputError: true) }
            console.say("\(finding)")
        }
        try prepareInputs()
        let description = CeremonyDescription(resolved, toolVersion: KeyCeremonyVersion.current, rehearsal: options.rehearsal)
        let output: OutputDirectory
        do {
            output = try OutputDirectory(destination: options.output, ceremony: description, clock: options.clock)
        } catch {
            throw CeremonyFailure(step: nil, reason: "\(error)", isInputError: true)
        }
        self.output = output
        Interruption.install { [weak self] in self?.abandon(message: "interrupted (Ctrl-C or SIGTERM)") }
        defer { Interruption.remove(); closeSessions() }

        if options.rehearsal { console.say("REHEARSAL — outputs are marked as a rehearsal and expire by \(RFC3339.format(expiry))") }
        console.say("Ceremony: \(plan.description)")
        console.say(resolved.thresholdSummary)
        do {
            for step in resolved.steps {
                if Interruption.requested {
                    // Ctrl-C while the previous step worked: that step finished and is on record.
                    throw CeremonyFailure(step: currentStep, reason: "interrupted (Ctrl-C or SIGTERM) after this step completed", interrupted: true)
                }
                currentStep = step
                try output.transcript.append(.stepStart(.init(step)))
                console.say(step.description)
                let by = try console.confirm(step)
                try output.transcript.append(.confirmation(.init(step: step.number, by: by, statement: "ready: \(step.text)")))
                try perform(step, output: output)
                if step.action != .sealTranscript {
                    try output.transcript.append(.stepEnd(.init(step: step.number, outcome: .completed)))
                }
            }
        } catch {
            let failure = describe(error)
            if let failed = failOnce(output, message: failure.description, markStep: !failure.interrupted) {
                console.say("The ceremony stopped. What happened is recorded in \(failed.path)/transcript.jsonl")
            }
            throw failure
        }
        var rootFiles: [String: URL] = [:]
        for repository in plan.repositories {
            rootFiles[repository] = options.output.appendingPathComponent(BundlePath.publicFolder)
                .appendingPathComponent(BundlePath.metadataFolder(repository: repository)).appendingPathComponent("root.json")
        }
        return CeremonyResult(directory: options.output, rootFiles: rootFiles, planDigest: plan.source.digest)
    }

    // MARK: Before the first step

    private func prepareInputs() throws {
        guard let path = resolved.module.resolvedPath() else {
            throw CeremonyFailure(step: nil, reason: "PKCS#11 module \(resolved.module) is not installed on this machine", isInputError: true)
        }
        do {
            module = try PKCS11Module.open(path)
        } catch {
            throw CeremonyFailure(step: nil, reason: "\(error)", isInputError: true)
        }
        for (role, url) in plan.onlineKeys.all {
            let bytes: Data
            do {
                bytes = try SourceFile.read(url).bytes
            } catch {
                throw CeremonyFailure(step: nil, reason: "the \(role) key file: \(error)", isInputError: true)
            }
            do {
                onlineKeys[role] = try MetadataKey.importKey(Array(bytes), dialect: dialect)
            } catch {
                throw CeremonyFailure(step: nil, reason: "the \(role) key file \(url.path) is not a usable public key: \(error)", isInputError: true)
            }
        }
    }

    // MARK: Steps

    private func perform(_ step: CeremonyStep, output: OutputDirectory) throws {
        switch step.action {
        case .confirmPlanDigest:
            let digest = plan.source.digest
            console.say("  plan digest (SHA-256): \(digest.hex)")
            for line in digest.wordLines { console.say("    \(line)") }
            if let profile = resolved.profile { console.say("  site profile digest (SHA-256): \(profile.source.digest.hex)") }
        case let .insertToken(name):
            try openToken(for: name, step: step, output: output)
        case let .generateKey(name):
            try generateKey(name, output: output)
        case let .issueCertificate(name, repository):
            try issueCertificate(name, repository: repository, output: output)
        case .buildMetadata:
            try buildMetadata(output: output)
        case let .sign(name):
            try openToken(for: name, step: step, output: output)
            try sign(with: name, output: output)
        case .verify:
            try verify()
        case .writeBundle:
            try writeBundle(output: output)
        case .sealTranscript:
            try output.complete()
        }
    }

    private func entry(_ name: String) -> ResolvedPlan.ResolvedKey? {
        resolved.keys.first { $0.key.name == name }
    }

    /// Steps come from the plan in a fixed order, so what an earlier step made is always there;
    /// if it ever is not, the ceremony stops with words rather than a crash.
    private func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else {
            throw CeremonyFailure(step: currentStep, reason: "internal error: \(what) is missing at this step; the ceremony stops and nothing is published")
        }
        return value
    }

    /// Finds the planned token, checks it is the same token as before (for signing), and logs in.
    private func openToken(for name: String, step: CeremonyStep, output: OutputDirectory) throws {
        let planned = try required(entry(name), "key '\(name)' in the plan")
        let module = try required(self.module, "the PKCS#11 module")
        let token = try TokenCheck.find(planned.token, in: module)
        if let earlier = tokens[name], earlier != token.identity {
            throw TokenMismatch.changed(key: name, generatedOn: earlier, inserted: token.identity)
        }
        if let other = tokens.first(where: { $0.key != name && $0.value == token.identity }) {
            // Two selectors (a label and a serial, say) can name one physical token; a 2-of-3 root
            // must never quietly become 2 of 2 tokens.
            throw TokenMismatch.alreadyUsed(token: token.identity, byKey: other.key, holder: entry(other.key)?.key.holder ?? other.key)
        }
        tokens[name] = token.identity
        try output.transcript.append(.token(.init(holder: planned.key.holder, key: name, label: token.identity.label,
                                                  serial: token.identity.serial, manufacturer: token.identity.manufacturer,
                                                  model: token.identity.model)))
        let session = try module.openSession(on: token)
        sessions[name] = session
        let pin = try console.pin(holder: planned.key.holder, token: token.identity, step: step)
        defer { pin.wipe() }
        try session.login(pin: pin)
    }

    private func generateKey(_ name: String, output: OutputDirectory) throws {
        let planned = try required(entry(name), "key '\(name)' in the plan")
        let session = try required(sessions[name], "the session on the token of '\(name)'")
        let generate = { try session.generateKeyPair(planned.key.algorithm, policy: KeyPolicy(label: name)) }
        let key = planned.key.algorithm.isSlowToGenerate
            ? try ProgressTicker.run("generating \(planned.key.algorithm.spokenName) key on the token", say: console.say, generate)
            : try generate()
        keys[name] = key
        let material = try PublicKeyMaterial(spki: key.subjectPublicKeyInfo)
        let keyIDs = dialect == .tuf ? [MetadataKey.tuf(material).keyID] : []
        try output.transcript.append(.keyGenerated(.init(
            holder: planned.key.holder, key: name, algorithm: key.algorithm, label: key.label, ckaID: key.idHex,
            attributes: key.attributes, spkiPEM: material.pem, keyIDs: keyIDs)))
        console.say("  key '\(name)' generated: CKA_ID \(key.idHex); sensitive, never extractable, local — read back and checked")
        // Notary keys stay logged in: their root certificates are issued next, on the same visit.
        if dialect == .tuf { closeSession(name) }
    }

    private func issueCertificate(_ name: String, repository: String, output: OutputDirectory) throws {
        let session = try required(sessions[name], "the session on the token of '\(name)'")
        let key = try required(keys[name], "key '\(name)'")
        let certificate = try NotaryRootCertificate.issue(
            gun: repository, signer: try TokenSigner(session: session, key: key),
            notBefore: started.addingTimeInterval(-60), notAfter: expiry)
        certificates[name, default: [:]][repository] = certificate
        try output.transcript.append(.certificate(.init(
            key: name, keyID: certificate.key.keyID, repository: repository, pem: certificate.pem,
            notBefore: RFC3339.format(started.addingTimeInterval(-60)), notAfter: RFC3339.format(expiry))))
        if repository == plan.repositories.last { closeSession(name) }
    }

    private func buildMetadata(output: OutputDirectory) throws {
        for repository in plan.repositories {
            var root = RootMetadata(dialect: dialect, version: 1, expires: MetadataTime(expiry), keys: [:], roles: [:])
            var ids: [String: String] = [:]
            for planned in resolved.keys {
                let name = planned.key.name
                let key = try required(keys[name], "key '\(name)'")
                let metadataKey = dialect == .notary
                    ? try required(certificates[name]?[repository], "the certificate of key '\(name)' for '\(repository)'").key
                    : MetadataKey.tuf(try PublicKeyMaterial(spki: key.subjectPublicKeyInfo))
                ids[name] = root.addKey(metadataKey)
            }
            root.roles["root"] = RoleKeys(keyIDs: resolved.keys.compactMap { ids[$0.key.name] }, threshold: Int64(plan.root.threshold))
            for role in ["targets", "snapshot", "timestamp"] {
                root.roles[role] = RoleKeys(keyIDs: [root.addKey(try required(onlineKeys[role], "the \(role) key"))], threshold: 1)
            }
            let file = root.signedMetadata()
            let canonical = try file.canonicalSignedBytes()
            drafts[repository] = file
            rootKeyIDs[repository] = ids
            let digest = Hex.sha256(Data(canonical))
            try output.transcript.append(.metadataDigest(.init(repository: repository, role: "root", version: 1,
                                                               sha256: digest, length: canonical.count)))
            console.say("  \(repository): root.json version 1, signed bytes SHA-256 \(digest)")
        }
    }

    private func sign(with name: String, output: OutputDirectory) throws {
        let planned = try required(entry(name), "key '\(name)' in the plan")
        let session = try required(sessions[name], "the session on the token of '\(name)'")
        let recorded = try required(keys[name], "key '\(name)'")
        let key = try session.key(.label(name))
        guard key.subjectPublicKeyInfo == recorded.subjectPublicKeyInfo, key.id == recorded.id else {
            throw CeremonyFailure(step: currentStep, holder: planned.key.holder, token: session.token.identity,
                                  reason: "the key labelled '\(name)' on this token is not the key generated earlier in this ceremony")
        }
        let signer = try TokenSigner(session: session, key: key)
        for repository in plan.repositories {
            let keyID = try required(rootKeyIDs[repository]?[name], "the key ID of '\(name)' in '\(repository)'")
            var draft = try required(drafts[repository], "the root for '\(repository)'")
            try draft.sign(with: signer, keyID: keyID, dialect: dialect)
            drafts[repository] = draft
            let signature = try required(draft.signatures.last, "the new signature")
            try output.transcript.append(.signature(.init(holder: planned.key.holder, key: name, keyID: keyID,
                                                          repository: repository, role: "root", signature: signature.value)))
        }
        console.say("  signed by '\(name)'; every signature verified in software")
        closeSession(name)
    }

    private func verify() throws {
        for repository in plan.repositories {
            let bytes = try required(drafts[repository], "the root for '\(repository)'").fileBytes(dialect: dialect)
            let verifier = RootVerifier(options: VerificationOptions(dialect: dialect, gun: dialect == .notary ? repository : nil, at: options.clock()))
            let findings = verifier.verifySelfSigned(MetadataFile(name: "\(repository)/1.root.json", bytes: bytes)).findings
            let errors = findings.filter { $0.severity == .error }
            guard errors.isEmpty else {
                throw CeremonyFailure(step: currentStep, reason: "the signed root for '\(repository)' does not verify: " + errors.map(\.description).joined(separator: "; "))
            }
            verifiedFiles[repository] = bytes
            console.say("  \(repository): root.json verifies (\(resolved.thresholdSummary), expires \(RFC3339.format(expiry)))")
        }
    }

    private func writeBundle(output: OutputDirectory) throws {
        try output.writePlan(plan.source)
        var written = Set<String>()
        for planned in resolved.keys {
            let name = planned.key.name
            let key = try required(keys[name], "key '\(name)'")
            let pem = try PublicKeyMaterial(spki: key.subjectPublicKeyInfo).pem
            for repository in plan.repositories {
                let keyID = try required(rootKeyIDs[repository]?[name], "the key ID of '\(name)' in '\(repository)'")
                guard written.insert(keyID).inserted else { continue }
                try output.writePublicKey(pem: pem, keyID: keyID)
                if let certificate = certificates[name]?[repository] {
                    try output.writeCertificate(pem: certificate.pem, keyID: keyID)
                }
            }
        }
        for (_, key) in onlineKeys.sorted(by: { $0.key < $1.key }) where written.insert(key.keyID).inserted {
            if let material = try? key.material(dialect: dialect) {
                try output.writePublicKey(pem: material.pem, keyID: key.keyID)
            }
        }
        for repository in plan.repositories {
            let bytes = try required(verifiedFiles[repository], "the verified root for '\(repository)'")
            try output.writeRootMetadata(Data(bytes), repository: repository, version: 1)
        }
    }

    // MARK: Sessions and failure

    private func closeSession(_ name: String) {
        guard let session = sessions.removeValue(forKey: name) else { return }
        try? session.logout()
        session.close()
    }

    private func closeSessions() {
        for name in Array(sessions.keys) { closeSession(name) }
    }

    /// Called from the signal handler while the main thread may be blocked at a prompt.
    private func abandon(message: String) {
        guard let output, let failed = failOnce(output, message: message, markStep: true) else { return }
        console.say("\nThe ceremony was \(message); nothing was published. Transcript: \(failed.path)/transcript.jsonl")
    }

    /// Moves the output aside exactly once, whichever of the main thread and the signal handler
    /// gets there first; the other finds the work done.
    private func failOnce(_ output: OutputDirectory, message: String, markStep: Bool) -> URL? {
        finishing.lock()
        defer { finishing.unlock() }
        guard case .assembling = output.state else { return nil }
        if markStep, let step = currentStep, !output.transcript.isSealed {
            _ = try? output.transcript.append(.stepEnd(.init(step: step.number, outcome: .failed)))
        }
        return output.fail(step: currentStep?.number, message: message)
    }

    /// Wraps any error with the step, holder and token it happened at.
    private func describe(_ error: Error) -> CeremonyFailure {
        if let failure = error as? CeremonyFailure { return failure }
        var holder: String? = nil
        var token: TokenIdentity? = nil
        if let step = currentStep {
            switch step.action {
            case let .insertToken(name), let .generateKey(name), let .sign(name), let .issueCertificate(name, _):
                holder = entry(name)?.key.holder
                token = tokens[name]
            default: break
            }
        }
        return CeremonyFailure(step: currentStep, holder: holder, token: token, reason: "\(error)")
    }
}
