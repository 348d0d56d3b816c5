import Foundation
import PKCS11
import TrustMetadata

/// `root-rotation` and `root-resign`: root version N+1, built from the current version N,
/// signed by a threshold of version N's root keys **and** a threshold of version N+1's, as a
/// TUF or Notary client requires (TUF specification §5.3.4).
///
/// A rotation keeps keys (found on their tokens by public key), adds keys (generated on new
/// tokens), lets keys leave (those whose tokens come sign for version N), changes the threshold
/// and replaces online keys or gives the targets role offline keys on tokens (`targets:`). A
/// re-sign keeps everything and sets a new expiry; in Notary, a kept
/// key whose root certificate would expire before the new root gets a new certificate on its
/// token, which gives it a new key ID, so the re-sign is then a rotation in all but name.
final class RootUpdateProcedure: CeremonyProcedure {
    static let bodyKeys = RootUpdatePlan.bodyKeys

    static func readBody(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL,
                         sink: DiagnosticSink) -> PlanBody? {
        RootUpdatePlan.read(top, kind: kind, dialect: dialect, directory: directory, sink: sink).map(PlanBody.rootUpdate)
    }

    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep.Draft] {
        let plan = resolved.plan
        let officer = CeremonyStep.officerName
        let rootKeys = plan.root?.keys ?? []
        let targetsKeys = Set((plan.body.offlineTargets?.keys ?? []).map(\.name))
        let newKeys = Set((rootKeys + (plan.body.offlineTargets?.keys ?? [])).filter { $0.algorithm != nil }.map(\.name))
        var drafts = [StepPlanner.confirmDigest(plan)]
        drafts.append(.init(officer, .reviewRootChanges,
                            "read the current root, verified from its first version, and say who must sign for the current and the next version"))
        for entry in resolved.keys where newKeys.contains(entry.key.name) {
            drafts += StepPlanner.keyGenerationVisit(entry, plan: plan)
        }
        if plan.dialect.rootKeysAreCertificates {
            // Kept keys whose certificates run out before the new root get new ones before the root is built.
            for entry in resolved.keys where !newKeys.contains(entry.key.name) && rootKeys.contains(where: { $0.name == entry.key.name }) {
                let key = entry.key
                drafts.append(.init(key.holder, .insertToken(key: key.name), "insert \(entry.token.spoken) and enter its PIN"))
                drafts.append(.init(key.holder, .findKey(key: key.name), "find key '\(key.name)' on the token by its public key in the current root"))
                for repository in plan.repositories {
                    drafts.append(.init(key.holder, .renewCertificate(key: key.name, repository: repository),
                                        "issue a new root certificate of key '\(key.name)' for '\(repository)' if the current one expires before the new root"))
                }
            }
        }
        let repositories = plan.repositories.map { "'\($0)'" }.joined(separator: ", ")
        drafts.append(.init(officer, .buildMetadata,
                            "build the next version of root.json for \(repositories) (\(resolved.thresholdSummaries.joined(separator: "; ")); expires \(plan.expires))"))
        for entry in resolved.keys where !targetsKeys.contains(entry.key.name) {
            let leaving = !rootKeys.contains { $0.name == entry.key.name }
            drafts.append(.init(entry.key.holder, .sign(key: entry.key.name),
                                "insert \(entry.token.spoken), enter its PIN and sign the root metadata with key '\(entry.key.name)'\(leaving ? " (leaving; signs for the current version only)" : "")"))
        }
        drafts.append(.init(officer, .verify, "verify every signature and the root chain in software, as 'keyceremony verify' does"))
        return drafts + StepPlanner.closing()
    }

    /// A key of the current root, as the plan names it.
    private struct ExistingKey {
        var spki: [UInt8]
        /// Repository → the key's IDs in the current root.
        var currentKeyIDs: [String: [String]]
    }

    private let body: RootUpdatePlan
    private let repositories: [String]
    private let current: [String: CurrentRoot]
    private let existing: [String: ExistingKey]
    let onlineKeys: [String: MetadataKey]
    private let keyWork = RootKeyWork()
    private var drafts: RootDrafts?
    /// Kept keys a recovery restores onto their tokens during the ceremony: not there at preflight.
    private let restoredInCeremony: Set<String>

    init(resolved: ResolvedPlan, context: CeremonyContext) throws {
        restoredInCeremony = Set(resolved.plan.body.restoredKeys)
        let plan = resolved.plan
        guard let body = plan.body.rootUpdate else {
            throw CeremonyFailure(step: nil, reason: "internal error: a \(plan.ceremony.rawValue) plan without its body", isInputError: true)
        }
        self.body = body
        repositories = plan.repositories
        onlineKeys = try OnlineKeys.load(body.onlineKeys, dialect: plan.dialect)
        var current: [String: CurrentRoot] = [:]
        for repository in plan.repositories {
            current[repository] = try CurrentRoot.load(previous: body.previous, trustedRoot: body.trustedRoot, repository: repository,
                                                       only: plan.repositories.count == 1, dialect: plan.dialect,
                                                       at: context.started, say: context.console.say)
        }
        self.current = current
        existing = try Self.matchKeys(plan: plan, body: body, current: current)
        try Self.checkFeasible(resolved: resolved, body: body, current: current, existing: existing)
        try Self.checkKeptTargetsKeys(plan: plan, body: body, current: current)
    }

    /// A kept offline targets key (`targets:` with `key_id`) must be a targets key of every
    /// repository's current root.
    private static func checkKeptTargetsKeys(plan: Plan, body: RootUpdatePlan, current: [String: CurrentRoot]) throws {
        for key in body.targets?.keys ?? [] {
            guard let keyID = key.existingKeyID else { continue }
            for repository in plan.repositories {
                guard let root = current[repository]?.root else { continue }
                if root.roles["targets"]?.keyIDs.contains(keyID) != true || root.keys[keyID] == nil {
                    throw CeremonyFailure(step: nil, reason: "targets key '\(key.name)' (\(key.holder)) names key ID \(keyID), which is not a targets key of the current root of '\(repository)' (version \(root.version))", isInputError: true)
                }
            }
        }
    }

    func thresholdsMet(context: CeremonyContext) -> Bool { drafts?.thresholdsMet ?? false }

    /// The public key (SPKI DER) of the current root's key the plan names `name`, if it is one.
    func currentPublicKey(_ name: String) -> [UInt8]? { existing[name]?.spki }

    /// The key IDs the current roots list `name`'s key under.
    func currentKeyIDs(_ name: String) -> [String] {
        repositories.flatMap { existing[name]?.currentKeyIDs[$0] ?? [] }
    }

    func rootFiles(in directory: URL) -> [String: URL] { Self.rootFilesIn(directory, repositories: repositories) }

    /// Every existing key whose holder brings a token must be on that token, found by its
    /// public key, before anyone makes a key or signs.
    func preflightProblems(desk: TokenDesk) -> [String] {
        existing.sorted(by: { $0.key < $1.key }).filter { !restoredInCeremony.contains($0.key) }.compactMap { name, key in
            desk.missingKey(name, spki: key.spki, keyIDs: repositories.flatMap { key.currentKeyIDs[$0] ?? [] })
        }
    }

    /// Every key of the current root must be named in the plan, kept or leaving, and every
    /// named key must be in the current root of every repository.
    private static func matchKeys(plan: Plan, body: RootUpdatePlan, current: [String: CurrentRoot]) throws -> [String: ExistingKey] {
        func refuse(_ reason: String) -> CeremonyFailure { CeremonyFailure(step: nil, reason: reason, isInputError: true) }
        guard let first = plan.repositories.first, let firstRoot = current[first] else { throw refuse("the plan names no repository") }
        var result: [String: ExistingKey] = [:]
        for key in body.root.keys + body.leaving {
            guard let keyID = key.existingKeyID else { continue }
            guard firstRoot.root.roles["root"]?.keyIDs.contains(keyID) == true,
                  let material = try? firstRoot.root.keys[keyID]?.material(dialect: plan.dialect) else {
                throw refuse("key '\(key.name)' (\(key.holder)) names key ID \(keyID), which is not a root key of the current root of '\(first)' (version \(firstRoot.root.version))")
            }
            var ids: [String: [String]] = [:]
            for repository in plan.repositories {
                guard let root = current[repository]?.root else { continue }
                let matching = (root.roles["root"]?.keyIDs ?? []).filter { (try? root.keys[$0]?.material(dialect: plan.dialect).spki) == material.spki }
                guard !matching.isEmpty else {
                    throw refuse("key '\(key.name)' (\(key.holder)) is not a root key of the current root of '\(repository)'")
                }
                ids[repository] = matching
            }
            result[key.name] = ExistingKey(spki: material.spki, currentKeyIDs: ids)
        }
        for repository in plan.repositories {
            guard let root = current[repository]?.root else { continue }
            let named = Set(result.values.flatMap { $0.currentKeyIDs[repository] ?? [] })
            for keyID in root.roles["root"]?.keyIDs ?? [] where !named.contains(keyID) {
                throw refuse("root key \(keyID) of the current root of '\(repository)' is neither kept nor leaving in the plan; name it under root keys (key_id) or under leaving")
            }
        }
        if plan.ceremony == .rootResign {
            let threshold = firstRoot.root.roles["root"]?.threshold ?? 0
            if Int64(body.root.threshold) != threshold {
                throw refuse("a root-resign keeps the threshold: the current root's is \(threshold), the plan's is \(body.root.threshold); use a root-rotation plan to change it")
            }
        }
        return result
    }

    /// Whether the holders coming with tokens can meet both thresholds.
    private static func checkFeasible(resolved: ResolvedPlan, body: RootUpdatePlan, current: [String: CurrentRoot],
                                      existing: [String: ExistingKey]) throws {
        let coming = Set(resolved.keys.map(\.key.name))
        for (repository, root) in current.sorted(by: { $0.key < $1.key }) {
            let threshold = Int(root.root.roles["root"]?.threshold ?? 0)
            let able = (body.root.keys + body.leaving).filter { existing[$0.name] != nil && coming.contains($0.name) }
            if able.count < threshold {
                throw CeremonyFailure(step: nil, reason: "version \(root.root.version) of '\(repository)' needs \(threshold) of its root keys to sign, but only \(able.count) come with a token (\(EnglishList.join(able.map(\.holder)))); give leaving holders a token in the plan", isInputError: true)
            }
        }
    }

    var summary: [String] {
        var lines: [String] = []
        for repository in repositories {
            guard let root = current[repository]?.root, let role = root.roles["root"] else { continue }
            let currentHolders = (body.root.keys + body.leaving).filter { existing[$0.name] != nil }.map(\.holder)
            let nextHolders = body.root.keys.map(\.holder)
            let both = nextHolders.filter { currentHolders.contains($0) }
            var line = "\(repository): version \(root.version + 1) needs \(role.threshold) of {\(currentHolders.joined(separator: ", "))} from version \(root.version) and \(body.root.threshold) of {\(nextHolders.joined(separator: ", "))} from version \(root.version + 1)"
            if !both.isEmpty { line += "; \(EnglishList.join(both)) count\(both.count == 1 ? "s" : "") for both" }
            lines.append(line)
        }
        return lines
    }

    func perform(_ step: CeremonyStep, context: CeremonyContext) throws {
        if try keyWork.performShared(step, drafts: drafts, context: context) { return }
        switch step.action {
        case .reviewRootChanges:
            try review(context: context)
        case let .findKey(name):
            try find(name, context: context)
        case let .renewCertificate(name, repository):
            try renewCertificate(name, repository: repository, context: context)
        case .buildMetadata:
            try buildMetadata(context: context)
        case let .sign(name):
            _ = try context.desk.open(name, step: step, console: context.console, transcript: context.transcript)
            if keyWork.keys[name] == nil { try find(name, context: context) }
            let drafts = try context.required(drafts, "the root metadata")
            try keyWork.sign(name, drafts: drafts, context: context)
            sayTally(drafts, context: context)
        default:
            throw CeremonyFailure(step: step, reason: "internal error: a \(context.plan.ceremony.rawValue) has no step '\(step.text)'")
        }
    }

    private func review(context: CeremonyContext) throws {
        for repository in repositories {
            guard let root = current[repository] else { continue }
            try context.transcript.append(.currentRoot(.init(repository: repository, version: Int(root.root.version),
                                                             sha256: root.newestDigest, verifiedFrom: Int(root.firstVersion))))
            context.console.say("  \(repository): current root version \(root.root.version) (file SHA-256 \(root.newestDigest)), verified from version \(root.firstVersion); expires \(root.root.expires.text)")
        }
        for key in body.root.keys {
            context.console.say(key.existingKeyID != nil ? "  keeps \(key.holder)'s key '\(key.name)'" : "  adds \(key.holder)'s new key '\(key.name)'")
        }
        for key in body.leaving {
            let signs = context.resolved.key(key.name) != nil
            context.console.say("  \(key.holder)'s key '\(key.name)' leaves the root\(signs ? "; it signs for the current version" : "; it does not come to sign")")
        }
        for (role, _) in body.onlineKeys.all { context.console.say("  replaces the \(role) key") }
        if let targets = body.targets {
            context.console.say("  the targets role becomes offline: \(targets.summary(role: "targets"))")
        }
        for line in summary { context.console.say("  \(line)") }
    }

    private func find(_ name: String, context: CeremonyContext) throws {
        let key = try context.required(existing[name], "the current root's key '\(name)'")
        let ids = repositories.flatMap { key.currentKeyIDs[$0] ?? [] }
        try keyWork.find(name, spki: key.spki, keyIDs: ids, context: context)
    }

    /// Issues a new certificate on the token when the current one ends before the new root.
    private func renewCertificate(_ name: String, repository: String, context: CeremonyContext) throws {
        let isLast = repository == repositories.last
        if let validUntil = currentCertificateEnd(name, repository: repository), validUntil >= context.expiry {
            context.console.say("  '\(name)' for '\(repository)': the current root certificate is valid until \(RFC3339.format(validUntil)), after the new root expires; it is kept")
            if isLast { context.desk.close(name) }
            return
        }
        context.console.say("  '\(name)' for '\(repository)': the current root certificate ends before the new root expires, so the token issues a new one; its key ID changes, so the key signs under both IDs, as in a rotation")
        try keyWork.issueCertificate(name, repository: repository, isLast: isLast, context: context)
    }

    private func currentCertificateEnd(_ name: String, repository: String) -> Date? {
        guard let keyID = existing[name]?.currentKeyIDs[repository]?.first,
              let value = current[repository]?.root.keys[keyID]?.publicValue,
              let pem = Data(base64Encoded: value),
              let certificate = try? NotaryCertificateKey(pemBytes: Array(pem)) else { return nil }
        return certificate.certificate.notValidAfter
    }

    private func buildMetadata(context: CeremonyContext) throws {
        let drafts = RootDrafts(dialect: context.dialect)
        for repository in repositories {
            let currentRoot = try context.required(current[repository], "the current root of '\(repository)'")
            var root = currentRoot.root
            root.version += 1
            root.expires = MetadataTime(context.expiry)
            var ids: [String: [String]] = [:]
            var rootKeyIDs: [String] = []
            for key in body.root.keys + body.leaving {
                let old = existing[key.name]?.currentKeyIDs[repository] ?? []
                guard body.root.keys.contains(where: { $0.name == key.name }) else {
                    ids[key.name] = old
                    continue
                }
                let keyID: String
                if let renewed = keyWork.certificates[key.name]?[repository] {
                    keyID = root.addKey(renewed.key)
                } else if let kept = old.first {
                    keyID = kept
                } else {
                    keyID = root.addKey(try keyWork.metadataKey(key.name, repository: repository, context: context))
                }
                rootKeyIDs.append(keyID)
                ids[key.name] = Array(Set(old + [keyID])).sorted()
            }
            root.roles["root"] = RoleKeys(keyIDs: rootKeyIDs, threshold: Int64(body.root.threshold))
            if let targets = body.targets {
                // Kept targets keys stay under their IDs; new ones are the keys just made on tokens.
                let keyIDs = try targets.keys.map { key in
                    try key.existingKeyID ?? root.addKey(try keyWork.metadataKey(key.name, repository: repository, context: context))
                }
                root.roles["targets"] = RoleKeys(keyIDs: keyIDs, threshold: Int64(targets.threshold))
            }
            for (role, key) in onlineKeys {
                root.roles[role] = RoleKeys(keyIDs: [root.addKey(key)], threshold: 1)
            }
            // A key no role lists any more leaves the file too.
            let inUse = Set(root.roles.values.flatMap(\.keyIDs))
            root.keys = root.keys.filter { inUse.contains($0.key) }
            try drafts.add(root, repository: repository, current: currentRoot, keyIDs: ids, transcript: context.transcript,
                           say: context.console.say,
                           describeKey: context.describeKey)
        }
        self.drafts = drafts
        sayTally(drafts, context: context)
    }

    /// The live tally: for each version, who has signed and who is still needed, with their tokens.
    private func sayTally(_ drafts: RootDrafts, context: CeremonyContext) {
        for repository in repositories {
            let tally = drafts.tally(repository)
            guard let draft = drafts.drafts[repository], let next = tally.new, let now = tally.current,
                  let currentVersion = draft.current?.root.version else { continue }
            let holders = holderNames(draft)
            context.console.say("  \(repository): " + [describe(now, version: currentVersion, holders: holders, context: context),
                                                        describe(next, version: draft.root.version, holders: holders, context: context)].joined(separator: "; "))
        }
    }

    private func holderNames(_ draft: RootDrafts.Draft) -> [String: String] {
        var names: [String: String] = [:]
        for key in body.root.keys + body.leaving {
            for keyID in draft.keyIDs[key.name] ?? [] { names[keyID] = key.holder }
        }
        return names
    }

    private func describe(_ tally: ThresholdTally, version: Int64, holders: [String: String], context: CeremonyContext) -> String {
        let signed = Array(Set(tally.signed.compactMap { holders[$0] })).sorted()
        var text = "version \(version): \(signed.count) of \(tally.threshold) signed" + (signed.isEmpty ? "" : " (\(signed.joined(separator: ", ")))")
        if tally.verified { return text + ", threshold met" }
        let waiting = Array(Set(tally.unsigned.compactMap { holders[$0] }).subtracting(signed)).sorted().map { holder -> String in
            let token = (body.root.keys + body.leaving).first { $0.holder == holder }.flatMap { context.resolved.key($0.name)?.token.spoken }
            return token.map { "\(holder) (\($0))" } ?? "\(holder) (no token planned)"
        }
        text += "; needs \(tally.missing) more " + (tally.missing >= waiting.count ? "from " : "of ") + EnglishList.join(waiting)
        return text
    }
}
