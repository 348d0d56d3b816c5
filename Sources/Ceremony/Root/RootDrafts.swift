import Foundation
import TrustMetadata

/// The root metadata one ceremony builds and signs, per repository, in one place for every
/// root ceremony: built from a template (generation) or from the current root (rotation,
/// re-sign), signed by key reference, tallied, verified as `keyceremony verify` would, and
/// written as `N.root.json` and `root.json` beside the versions it chains from.
final class RootDrafts {
    /// One repository's root in the making.
    struct Draft {
        /// The current root and its chain, for a rotation or re-sign.
        var current: CurrentRoot?
        var root: RootMetadata
        var file: SignedMetadata
        /// Key name → the key IDs it signs under: its ID in the new root and, for a rotation,
        /// in the current one (a renewed Notary certificate gives one key two IDs).
        var keyIDs: [String: [String]]
        /// Key IDs whose signatures are on the file.
        var signedKeyIDs: Set<String> = []
        /// The exact bytes the verify step checked; exactly these are written.
        var verified: [UInt8]?
    }

    let dialect: Dialect
    private(set) var order: [String] = []
    private(set) var drafts: [String: Draft] = [:]

    init(dialect: Dialect) {
        self.dialect = dialect
    }

    /// Adds the root to sign for `repository`, records the digest of its signed bytes, and shows
    /// what will be signed: version, expiry as written, each root key ID with `describeKey` of
    /// its key name (holder and token), the threshold, and the online roles' key IDs.
    func add(_ root: RootMetadata, repository: String, current: CurrentRoot?, keyIDs: [String: [String]],
             transcript: TranscriptWriter, say: (String) -> Void, describeKey: (String) -> String = { "key '\($0)'" }) throws {
        let file = root.signedMetadata()
        let canonical = try file.canonicalSignedBytes()
        order.append(repository)
        drafts[repository] = Draft(current: current, root: root, file: file, keyIDs: keyIDs)
        let digest = ByteEncoding.sha256Hex(Data(canonical))
        try transcript.append(.metadataDigest(.init(repository: repository, role: "root", version: Int(root.version),
                                                    sha256: digest, length: canonical.count)))
        say("  \(repository): root.json version \(root.version), signed bytes SHA-256 \(digest)")
        say("    version \(root.version); expires \(root.expires.text) (exactly as the file carries it)")
        if let role = root.roles["root"] {
            say("    root threshold: \(role.threshold) of \(role.keyIDs.count)")
            for keyID in role.keyIDs {
                let name = keyIDs.first { $0.value.contains(keyID) }?.key
                say("    root key \(keyID): " + (name.map { describeKey($0) } ?? "not held in this ceremony"))
            }
        }
        for role in ["targets", "snapshot", "timestamp"] {
            guard let keys = root.roles[role] else { continue }
            say("    \(role): threshold \(keys.threshold), key ID\(keys.keyIDs.count == 1 ? "" : "s") \(keys.keyIDs.joined(separator: ", "))")
        }
    }

    /// Signs every repository's root with `signer`, under every key ID `name` has there.
    /// The token layer has verified each signature in software before it is added.
    func sign(name: String, holder: String, with signer: some MetadataSigner, transcript: TranscriptWriter) throws {
        for repository in order {
            guard var draft = drafts[repository] else { continue }
            for keyID in draft.keyIDs[name] ?? [] where !draft.signedKeyIDs.contains(keyID) {
                try draft.file.sign(with: signer, keyID: keyID, dialect: dialect)
                draft.signedKeyIDs.insert(keyID)
                if let signature = draft.file.signatures.last {
                    try transcript.append(.signature(.init(holder: holder, key: name, keyID: keyID, repository: repository,
                                                           role: "root", signature: signature.value)))
                }
            }
            drafts[repository] = draft
        }
    }

    /// The new root's threshold tally, and the current root's for a rotation.
    func tally(_ repository: String) -> (new: ThresholdTally?, current: ThresholdTally?) {
        guard let draft = drafts[repository] else { return (nil, nil) }
        let new = draft.root.roles["root"].map { ThresholdTally(role: $0, signedKeyIDs: draft.signedKeyIDs) }
        let current = draft.current?.root.roles["root"].map { ThresholdTally(role: $0, signedKeyIDs: draft.signedKeyIDs) }
        return (new, current)
    }

    /// Whether every repository's new root (and, for a rotation, its current root) already has a
    /// threshold of signatures from distinct keys.
    var thresholdsMet: Bool {
        !order.isEmpty && order.allSatisfy { repository in
            let tally = tally(repository)
            return (tally.new?.verified ?? false) && (tally.current?.verified ?? true)
        }
    }

    /// Verifies every repository's root as `keyceremony verify` would: the whole chain from the
    /// current root's first version (or its trusted root) through the new one.
    ///
    /// - Returns: per repository, the errors found; empty when every root verifies.
    func verify(at time: Date) throws -> [String: [Finding]] {
        var problems: [String: [Finding]] = [:]
        for repository in order {
            guard var draft = drafts[repository] else { continue }
            let bytes = try draft.file.fileBytes(dialect: dialect)
            let verifier = RootVerifier(options: VerificationOptions(dialect: dialect, repository: repository, at: time))
            let newFile = MetadataFile(name: "\(repository)/\(draft.root.version).root.json", bytes: bytes)
            let result = verifier.verifyChain((draft.current?.chain ?? []) + [newFile], trusted: draft.current?.trusted)
            var errors = result.findings.filter { $0.severity == .error }
            if result.newest?.version != draft.root.version {
                errors.append(Finding(file: newFile.name, role: "root", check: .version,
                                      detail: "the chain does not reach the new version \(draft.root.version)"))
            }
            if errors.isEmpty { draft.verified = bytes } else { problems[repository] = errors }
            drafts[repository] = draft
        }
        return problems
    }

    /// Verifies every repository's root and stops the ceremony naming what failed.
    func verify(context: CeremonyContext) throws {
        let problems = try verify(at: context.options.clock())
        if let (repository, errors) = problems.sorted(by: { $0.key < $1.key }).first {
            throw CeremonyFailure(step: context.currentStep, reason: "the signed root for '\(repository)' does not verify: " + errors.map(\.description).joined(separator: "; "))
        }
        for repository in order {
            guard let draft = drafts[repository] else { continue }
            context.console.say("  \(repository): root.json version \(draft.root.version) verifies (\(context.resolved.thresholdSummary), expires \(draft.root.expires.text))")
        }
    }

    /// Writes each repository's earlier versions as they were, then the verified new root.
    func write(to output: OutputDirectory) throws {
        for repository in order {
            guard let draft = drafts[repository], let bytes = draft.verified else {
                throw CeremonyFailure(step: nil, reason: "internal error: the root for '\(repository)' was not verified; nothing is published")
            }
            for earlier in draft.current?.history ?? [] {
                try output.writeEarlierRootMetadata(Data(earlier.bytes), repository: repository, version: earlier.version)
            }
            try output.writeRootMetadata(Data(bytes), repository: repository, version: Int(draft.root.version))
        }
    }
}
