import Foundation
import PKCS11
import SLIP39
import TrustMetadata

/// `recovery`: custodians type their SLIP-39 shares, the backup key they combine to is checked
/// against the backup files, the backed-up root keys are restored onto their holders' new
/// tokens (non-extractable from then on), and the recovered keys sign root version N+1 exactly
/// as a `root-rotation` (or re-sign) plan says — the signatures are the proof that the recovery
/// worked, and the bundle and transcript are written as for every ceremony.
///
/// The root update itself is ``RootUpdateProcedure``'s: this procedure adds its own steps after
/// the review of the current root and hands every other step to it.
final class RecoveryProcedure: CeremonyProcedure {
    static let bodyKeys = RecoveryPlan.bodyKeys

    static func readBody(_ top: StrictMapping, kind: CeremonyKind, dialect: Dialect?, directory: URL,
                         sink: DiagnosticSink) -> PlanBody? {
        RecoveryPlan.read(top, dialect: dialect, directory: directory, sink: sink).map(PlanBody.recovery)
    }

    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep.Draft] {
        var drafts = RootUpdateProcedure.steps(for: resolved)
        guard case let .recovery(body) = resolved.plan.body else { return drafts }
        let at = (drafts.firstIndex { $0.action == .reviewRootChanges } ?? 0) + 1
        var added: [CeremonyStep.Draft] = [
            .init(CeremonyStep.officerName, .enterShares,
                  "the custodians type their shares in turn (\(EnglishList.join(body.custodians))); they are combined and checked against the backup files"),
        ]
        for name in body.keys {
            guard let entry = resolved.key(name) else { continue }
            added.append(.init(entry.key.holder, .insertToken(key: name), "insert the new token \(entry.token.spoken) and enter its PIN"))
            added.append(.init(entry.key.holder, .restoreKey(key: name),
                               "restore key '\(name)' from the backup onto the token; it is non-extractable from then on"))
        }
        drafts.insert(contentsOf: added, at: at)
        return drafts
    }

    private let body: RecoveryPlan
    private let update: RootUpdateProcedure
    /// Key name → its backup file.
    private let files: [String: BackupFolder.Entry]
    private let shareSet: Int
    private let check: String
    private let needsPassphrase: Bool
    /// The combined backup key, from the shares step until the last restore.
    private var backupKey: SecretBytes?

    init(resolved: ResolvedPlan, context: CeremonyContext) throws {
        guard case let .recovery(body) = resolved.plan.body else {
            throw CeremonyFailure(step: nil, reason: "internal error: a recovery plan without its body", isInputError: true)
        }
        self.body = body
        update = try RootUpdateProcedure(resolved: resolved, context: context)
        func refuse(_ reason: String) -> CeremonyFailure { CeremonyFailure(step: nil, reason: reason, isInputError: true) }
        let entries: [BackupFolder.Entry]
        do { entries = try BackupFolder.read(body.backup) } catch { throw refuse("\(error)") }
        var files: [String: BackupFolder.Entry] = [:]
        for name in body.keys {
            guard let spki = update.currentPublicKey(name) else {
                throw refuse("key '\(name)' is not a key of the current root, so it cannot be restored")
            }
            guard let entry = entries.first(where: { (try? PublicKeyMaterial(pem: $0.file.publicKey).spki) == spki }) else {
                throw refuse("\(body.backup.path) holds no backup of key '\(name)' (\(update.currentKeyIDs(name).joined(separator: ", "))); only keys marked 'backup: true' when they were generated can be restored")
            }
            if entry.file.rehearsal && !context.options.rehearsal {
                throw refuse("the backup of key '\(name)' (\(entry.path)) was made in a rehearsal; a production recovery restores only production backups")
            }
            files[name] = entry
        }
        let sets = Set(files.values.map(\.file.shareSet))
        let checks = Set(files.values.map(\.file.backupKeyCheck))
        guard sets.count == 1, checks.count == 1, let shareSet = sets.first, let check = checks.first else {
            throw refuse("the keys to restore were backed up under different share sets (\(sets.sorted().map(String.init).joined(separator: ", "))); recover them in separate ceremonies")
        }
        self.files = files
        self.shareSet = shareSet
        self.check = check
        needsPassphrase = files.values.contains { $0.file.passphrase }
    }

    deinit { backupKey?.wipe() }

    var summary: [String] {
        ["recovery: \(EnglishList.join(body.keys.map { "'\($0)'" })) restored from share set \(shareSet) (\(body.backup.lastPathComponent)) by \(EnglishList.join(body.custodians))"] + update.summary
    }

    var onlineKeys: [String: MetadataKey] { update.onlineKeys }

    func preflightProblems(desk: TokenDesk) -> [String] { update.preflightProblems(desk: desk) }

    func thresholdsMet(context: CeremonyContext) -> Bool { update.thresholdsMet(context: context) }

    func rootFiles(in directory: URL) -> [String: URL] { update.rootFiles(in: directory) }

    func perform(_ step: CeremonyStep, context: CeremonyContext) throws {
        switch step.action {
        case .enterShares:
            try enterShares(context: context)
        case let .restoreKey(name):
            try restore(name, context: context)
        default:
            try update.perform(step, context: context)
        }
    }

    // MARK: Shares

    /// Reads shares from the custodians in plan order until they are enough, then combines them
    /// and checks the result against the backup files' check value.
    private func enterShares(context: CeremonyContext) throws {
        let step = context.currentStep
        var accepted: [(custodian: String, share: SLIP39Share)] = []
        for custodian in body.custodians {
            if ShareTally.isEnough(accepted.map(\.share)) { break }
            while true {
                let typed: SecretBytes
                do {
                    typed = try context.console.readShare(custodian: custodian)
                } catch {
                    throw CeremonyFailure(step: step, holder: custodian, reason: "\(error)")
                }
                let outcome = ShareTally.judge(typed, accepted: accepted.map(\.share), shareSet: shareSet)
                typed.wipe()
                switch outcome {
                case let .accepted(share):
                    accepted.append((custodian, share))
                    context.console.say("  \(custodian)'s share accepted: set \(share.identifier), group \(share.groupIndex + 1) of \(share.groupCount), member \(share.memberIndex + 1) (\(share.memberThreshold) needed in this group)")
                case let .notNeeded(share):
                    // SLIP-39 combines exactly a threshold: a share beyond it is not used.
                    context.console.say("  \(custodian)'s share is valid, but group \(share.groupIndex + 1) already has the \(share.memberThreshold) shares it needs; it is not used")
                case let .refused(problem):
                    context.console.say("  \(custodian)'s share was not accepted: \(problem)")
                    guard context.console.canAskAgain else {
                        throw CeremonyFailure(step: step, holder: custodian, reason: "\(custodian)'s share was not accepted: \(problem)")
                    }
                    continue
                }
                break
            }
        }
        var passphrase: SecretBytes?
        if needsPassphrase {
            do {
                passphrase = try context.console.passphrase(prompt: "Officer, type the backup's SLIP-39 passphrase", confirm: false)
            } catch {
                throw CeremonyFailure(step: step, reason: "\(error)")
            }
        }
        defer { passphrase?.wipe() }
        let combined: SecretBytes
        do {
            var secret = try SLIP39.combine(ShareTally.selection(accepted.map(\.share)), passphrase: passphrase?.withBytes { Array($0) } ?? [])
            combined = SecretBytes(secret)
            SecretBytes.zero(&secret)
        } catch {
            throw CeremonyFailure(step: step, reason: "the shares of \(EnglishList.join(accepted.map(\.custodian))) cannot be combined: \(error)")
        }
        guard BackupKeyCheck.value(combined) == check else {
            combined.wipe()
            let reason = needsPassphrase
                ? "the shares combine, but not to the key the backup was wrapped with: the passphrase is wrong"
                : "the shares combine, but not to the key the backup was wrapped with: these shares do not belong to this backup"
            throw CeremonyFailure(step: step, reason: reason)
        }
        backupKey = combined
        try context.transcript.append(.sharesCombined(.init(shareSet: shareSet, custodians: accepted.map(\.custodian), backupKeyCheck: check)))
        context.console.say("  the shares of \(EnglishList.join(accepted.map(\.custodian))) combine to the backup key (check value \(check) matches the backup files)")
    }

    // MARK: Restoring

    private func restore(_ name: String, context: CeremonyContext) throws {
        let step = context.currentStep
        let planned = try context.required(context.resolved.key(name), "key '\(name)' in the plan")
        let entry = try context.required(files[name], "the backup of '\(name)'")
        let backupKey = try context.required(backupKey, "the combined backup key")
        let session = try context.desk.session(name, step: step)
        let fail = { (reason: String) in CeremonyFailure(step: step, holder: planned.key.holder, token: session.token.identity, reason: reason) }
        let spki = try context.required(update.currentPublicKey(name), "the public key of '\(name)'")
        guard let blob = entry.file.wrappedBytes else { throw fail("the backup file \(entry.path) is damaged") }
        let key: TokenKey
        do {
            let wrappingKey = try session.importWrappingKey(backupKey, label: "keyceremony-recovery")
            defer { try? session.destroy(wrappingKey) }
            key = try session.unwrap(blob, with: wrappingKey, mechanism: entry.file.mechanism, algorithm: entry.file.algorithm,
                                     subjectPublicKeyInfo: spki, policy: KeyPolicy(label: name))
        } catch {
            throw fail("key '\(name)' could not be restored from \(entry.path): \(error)")
        }
        let pem = try PublicKeyMaterial(spki: spki).pem
        context.desk.recordCreated(name, key: key, spkiPEM: pem)
        guard key.attributes.sensitive == true, key.attributes.extractable == false else {
            throw fail("the restored key '\(name)' is not sensitive and non-extractable on this token; it must never leave the token again")
        }
        try context.transcript.append(.keyRestored(.init(
            holder: planned.key.holder, key: name, label: key.label, ckaID: key.idHex, attributes: key.attributes, spkiPEM: pem,
            keyIDs: update.currentKeyIDs(name), backupFile: entry.path, backupFileSHA256: entry.sha256,
            note: "restored by unwrapping a backup, so the token reports CKA_LOCAL=false and CKA_ALWAYS_SENSITIVE=false: the key was not generated on this token and was once wrapped; it is sensitive and non-extractable from now on")))
        context.console.say("  key '\(name)' restored on token \(session.token.identity): CKA_ID \(key.idHex); sensitive and non-extractable, not local (it came from the backup)")
        context.desk.close(name)
        if body.keys.last == name {
            backupKey.wipe()
            self.backupKey = nil
            context.console.say("  every key is restored; the backup key is wiped from memory")
        }
    }
}

/// Whether shares typed so far are enough, and what is wrong with one more, in words.
enum ShareTally {
    enum Outcome {
        case accepted(SLIP39Share)
        /// Valid and of this set, but its group is already complete.
        case notNeeded(SLIP39Share)
        case refused(String)
    }

    /// Reads a typed share (words or 4-letter prefixes) and judges it against those accepted.
    static func judge(_ typed: SecretBytes, accepted: [SLIP39Share], shareSet: Int) -> Outcome {
        let share: SLIP39Share
        do {
            share = try typed.withBytes { bytes throws(SLIP39Error) in try SLIP39Share(mnemonic: String(decoding: bytes, as: UTF8.self)) }
        } catch {
            return .refused("\(error)")
        }
        if let problem = problem(with: share, accepted: accepted, shareSet: shareSet) { return .refused(problem) }
        return groupIsComplete(share.groupIndex, accepted) ? .notNeeded(share) : .accepted(share)
    }

    /// True once a group threshold of groups each have their member threshold of shares.
    static func isEnough(_ shares: [SLIP39Share]) -> Bool {
        guard let first = shares.first else { return false }
        let complete = Dictionary(grouping: shares, by: \.groupIndex).values.filter { $0.count >= ($0.first?.memberThreshold ?? .max) }
        return complete.count >= first.groupThreshold
    }

    /// Whether group `index` already has its member threshold of shares.
    static func groupIsComplete(_ index: Int, _ shares: [SLIP39Share]) -> Bool {
        let group = shares.filter { $0.groupIndex == index }
        return group.count >= (group.first?.memberThreshold ?? .max)
    }

    /// What SLIP-39 combines: once enough groups are complete, exactly those groups (the first
    /// group threshold of them); until then every share, so that the error says what is missing.
    static func selection(_ shares: [SLIP39Share]) -> [SLIP39Share] {
        guard isEnough(shares), let first = shares.first else { return shares }
        let complete = Dictionary(grouping: shares, by: \.groupIndex).filter { $0.value.count >= ($0.value.first?.memberThreshold ?? .max) }
        return complete.keys.sorted().prefix(first.groupThreshold).flatMap { complete[$0] ?? [] }
    }

    /// Why `share` cannot join `accepted`: another set, or a duplicate; nil when it can.
    static func problem(with share: SLIP39Share, accepted: [SLIP39Share], shareSet: Int) -> String? {
        if Int(share.identifier) != shareSet {
            return "it belongs to share set \(share.identifier), not to this backup's set \(shareSet)"
        }
        if accepted.contains(where: { $0.groupIndex == share.groupIndex && $0.memberIndex == share.memberIndex }) {
            return "it is the same share as one already typed (group \(share.groupIndex + 1), member \(share.memberIndex + 1))"
        }
        if let first = accepted.first, first.groupThreshold != share.groupThreshold || first.groupCount != share.groupCount
            || first.iterationExponent != share.iterationExponent || first.extendable != share.extendable {
            return "its set parameters differ from the shares already typed"
        }
        return nil
    }
}
