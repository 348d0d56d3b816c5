import Foundation
import PKCS11
import SLIP39
import TrustMetadata

/// The backup a root generation makes of the keys marked `backup: true`, step by step.
///
/// 1. At each such key's visit, the key (generated sensitive and extractable only for this) is
///    wrapped on its token with `CKM_AES_KEY_WRAP_PAD` (RFC 5649) under the backup key: 256 bits
///    from the first backed-up key's token RNG, on a token only as a session object for the wrap.
/// 2. The backup key is split into SLIP-39 shares as the plan says; the wrapped key files are
///    written to `backup/`, and the backup key is wiped from memory.
/// 3. Each custodian gets their share: in production privately at the terminal, proved by
///    typing back words the tool picks; in a rehearsal as `shares/<custodian>.txt`.
/// 4. The recovery drill combines a random threshold subset of the new shares, restores every
///    backed-up key onto the drill token, proves each against its public key with a signature
///    over a typed payload, and destroys the restored copies. A failed drill fails the ceremony.
///
/// Shares and the backup key reach no transcript record, message or public file.
final class BackupWork {
    private let plan: BackupPlan
    /// The backup key, from the first wrap until the split.
    private var backupKey: SecretBytes?
    private var passphrase: SecretBytes?
    /// Key name → what was wrapped, until written at the split.
    private var wrapped: [String: (file: WrappedKeyFile, spki: [UInt8])] = [:]
    /// The shares, per group, from the split until the drill is done.
    private var shares: [[SLIP39Share]]?
    private var shareSet: Int?
    private var check: String?

    /// The payload a restored key signs in a drill: typed and domain-separated, so it can never
    /// be mistaken for metadata.
    static func drillPayload(planSHA256: String, keyID: String) -> [UInt8] {
        Array("keyceremony:recovery-drill:v1:\(planSHA256):\(keyID)".utf8)
    }

    init(plan: BackupPlan) {
        self.plan = plan
    }

    /// What the ceremony says before the first step.
    var summary: [String] {
        let keys = "backed up under SLIP-39 shares: \(plan.summary)"
        return ["backup: every key marked 'backup: true' is wrapped on its token and \(keys); the drill restores onto \(plan.drill.holder)'s drill token"]
    }

    deinit { wipe() }

    /// Zeroes every secret this object holds.
    func wipe() {
        backupKey?.wipe()
        backupKey = nil
        passphrase?.wipe()
        passphrase = nil
        shares = nil
    }

    // MARK: Steps

    /// Wraps `key` (just generated on the open session) under the backup key.
    func wrap(_ name: String, key: TokenKey, keyIDs: [String], session: Session, context: CeremonyContext) throws {
        let planned = try context.required(context.resolved.key(name), "key '\(name)' in the plan")
        let step = context.currentStep
        let fail = { (reason: String) in CeremonyFailure(step: step, holder: planned.key.holder, token: session.token.identity, reason: reason) }
        if backupKey == nil {
            do {
                var random = try session.randomBytes(32)
                backupKey = SecretBytes(random)
                SecretBytes.zero(&random)
            } catch {
                throw fail("the token could not make the backup key from its random number generator: \(error)")
            }
            context.console.say("  the backup key (256 bits) was made from token \(session.token.identity)'s random number generator; it exists only in this computer's memory until it is split into shares")
        }
        let backupKey = try context.required(backupKey, "the backup key")
        let blob: [UInt8]
        do {
            let wrappingKey = try session.importWrappingKey(backupKey, label: "keyceremony-backup")
            defer { try? session.destroy(wrappingKey) }
            blob = try session.wrap(key, with: wrappingKey, mechanism: .aesKeyWrapPad)
        } catch {
            throw fail("key '\(name)' could not be wrapped for backup: \(error)")
        }
        // The one wrap is done: from now on the key can never leave the token again.
        let locked: TokenKey
        do {
            locked = try session.forbidExtraction(key)
        } catch {
            throw fail("key '\(name)' could not be made non-extractable after its backup wrap: \(error)")
        }
        let material = try PublicKeyMaterial(spki: key.subjectPublicKeyInfo)
        let keyID = MetadataKey.make(material, dialect: context.dialect).keyID
        let identity = session.token.identity
        let file = WrappedKeyFile(
            rehearsal: context.options.rehearsal, key: name, holder: planned.key.holder, keyID: keyID, algorithm: key.algorithm,
            publicKey: material.pem, ckaID: key.idHex,
            sourceToken: .init(label: identity.label, serial: identity.serial, manufacturer: identity.manufacturer, model: identity.model),
            mechanism: .aesKeyWrapPad, wrappedKey: Data(blob).base64EncodedString(), shareSet: 0, backupKeyCheck: "",
            passphrase: plan.passphrase, ceremonyPlanSHA256: context.plan.source.digest.hex)
        wrapped[name] = (file, key.subjectPublicKeyInfo)
        let note = "generated sensitive and extractable (CKA_WRAP_WITH_TRUSTED \(key.attributes.wrapWithTrusted.map(String.init) ?? "not reported"): a trusted wrapping key needs the security officer's PIN, which a ceremony never asks for), wrapped once in this visit, then made non-extractable for good; the extractable field is as read back after that"
        try context.transcript.append(.keyWrapped(.init(
            holder: planned.key.holder, key: name, ckaID: key.idHex, keyIDs: keyIDs.isEmpty ? [keyID] : keyIDs,
            mechanism: "CKM_AES_KEY_WRAP_PAD", extractable: locked.attributes.extractable,
            wrapWithTrusted: key.attributes.wrapWithTrusted, note: note)))
        context.console.say("  key '\(name)' wrapped on the token for backup (CKM_AES_KEY_WRAP_PAD, \(blob.count) bytes), then made non-extractable for good (read back); the wrapped key goes to backup/\(file.fileName)")
    }

    /// Splits the backup key into SLIP-39 shares, writes the wrapped key files and wipes the key.
    func split(context: CeremonyContext) throws {
        let step = context.currentStep
        let backupKey = try context.required(backupKey, "the backup key")
        if plan.passphrase {
            passphrase = try readPassphrase(context: context, twice: true)
        }
        let groups = plan.groups.map { SLIP39Group(memberThreshold: $0.threshold, memberCount: $0.custodians.count) }
        let made: [[SLIP39Share]]
        do {
            made = try backupKey.withBytes { secret throws(SLIP39Error) in
                try SLIP39.split(masterSecret: Array(secret), passphrase: passphraseBytes(), groupThreshold: plan.groupThreshold,
                                 groups: groups, iterationExponent: plan.iterationExponent, extendable: true,
                                 randomBytes: Self.randomBytes)
            }
        } catch {
            throw CeremonyFailure(step: step, reason: "the backup key could not be split into SLIP-39 shares: \(error)")
        }
        guard let first = made.first?.first else {
            throw CeremonyFailure(step: step, reason: "internal error: the split made no shares; nothing is published")
        }
        let check = BackupKeyCheck.value(backupKey)
        var files: [String: String] = [:]
        for (_, entry) in wrapped.sorted(by: { $0.key < $1.key }) {
            var file = entry.file
            file.shareSet = Int(first.identifier)
            file.backupKeyCheck = check
            let data = try Self.encode(file)
            try context.output.writeBackupFile(data, at: file.fileName)
            files["\(BundlePath.backupFolder)/\(file.fileName)"] = ByteEncoding.sha256Hex(data)
            wrapped[file.key] = (file, entry.spki)
        }
        shares = made
        shareSet = Int(first.identifier)
        self.check = check
        backupKey.wipe()
        self.backupKey = nil
        try context.transcript.append(.backupSplit(.init(
            shareSet: Int(first.identifier), groupThreshold: plan.groupThreshold,
            groups: plan.groups.map { .init(threshold: $0.threshold, custodians: $0.custodians) },
            iterationExponent: plan.iterationExponent, extendable: first.extendable, passphrase: plan.passphrase,
            backupKeyCheck: check, files: files)))
        context.console.say("  the backup key is split into SLIP-39 share set \(first.identifier): \(plan.summary); backup key check \(check)")
        context.console.say("  the backup key is wiped from memory; from now on it exists only as the custodians' shares")
    }

    /// Gives `custodian` their share, and proves they hold a good copy.
    func handOut(_ custodian: String, context: CeremonyContext) throws {
        let step = context.currentStep
        guard let shares, let shareSet,
              let (groupIndex, group) = plan.groups.enumerated().first(where: { $0.element.custodians.contains(custodian) }).map({ ($0.offset, $0.element) }),
              let memberIndex = group.custodians.firstIndex(of: custodian) else {
            throw CeremonyFailure(step: step, reason: "internal error: no share for custodian \(custodian); nothing is published")
        }
        let share = shares[groupIndex][memberIndex]
        let handout = ShareHandout(custodian: custodian, shareSet: shareSet, groupIndex: groupIndex + 1, groupCount: plan.groups.count,
                                   groupThreshold: plan.groupThreshold, memberIndex: memberIndex + 1,
                                   memberCount: group.custodians.count, memberThreshold: group.threshold, words: share.words,
                                   ceremonyDigestWords: context.ceremonyDigest?.digest.words ?? [])
        if plan.shareCards {
            try context.output.writeShareFile(Data(ShareCard.document(handout).html.utf8), named: "\(handout.fileStem).html")
        }
        let proof: String
        if context.options.rehearsal {
            try context.output.writeShareFile(Data((share.mnemonic + "\n").utf8), named: "\(handout.fileStem).txt")
            proof = "rehearsal: written to \(BundlePath.sharesFolder)/\(handout.fileStem).txt"
        } else {
            do {
                proof = try context.console.handOutShare(handout)
            } catch {
                throw CeremonyFailure(step: step, holder: custodian, reason: "\(error)")
            }
        }
        try context.transcript.append(.shareHandedOut(.init(custodian: custodian, group: groupIndex + 1, member: memberIndex + 1, proof: proof)))
        context.console.say("  \(custodian) holds share \(memberIndex + 1) of group \(groupIndex + 1) (\(proof))" + (plan.shareCards ? "; card \(BundlePath.sharesFolder)/\(handout.fileStem).html" : ""))
    }

    /// Combines a random threshold subset of the shares, restores every backed-up key onto the
    /// drill token, proves and destroys each. The drill token is open (the engine's visit).
    func drill(context: CeremonyContext) throws {
        let step = context.currentStep
        let name = BackupPlan.drillName
        let holder = plan.drill.holder
        let session = try context.desk.session(name, step: step)
        let token = session.token.identity
        let fail = { (reason: String) in CeremonyFailure(step: step, holder: holder, token: token, reason: reason) }
        guard let shares else { throw fail("internal error: the shares are gone before the drill; nothing is published") }
        let chosenGroups = Array(shares.indices.shuffled().prefix(plan.groupThreshold)).sorted()
        var chosen: [SLIP39Share] = []
        var custodians: [String] = []
        for group in chosenGroups {
            let members = Array(shares[group].indices.shuffled().prefix(plan.groups[group].threshold)).sorted()
            for member in members {
                chosen.append(shares[group][member])
                custodians.append(plan.groups[group].custodians[member])
            }
        }
        context.console.say("  combining the shares of \(EnglishList.join(custodians)), chosen at random")
        let combined: SecretBytes
        do {
            var secret = try SLIP39.combine(chosen, passphrase: passphraseBytes())
            combined = SecretBytes(secret)
            SecretBytes.zero(&secret)
        } catch {
            throw fail("the drill could not combine the new shares: \(error)")
        }
        defer { combined.wipe() }
        guard BackupKeyCheck.value(combined) == check else {
            throw fail("the drill's shares combine to a key whose check value differs from the backup key's; the shares are not usable")
        }
        var results: [TranscriptEvent.RecoveryDrill.Key] = []
        do {
            let wrappingKey = try session.importWrappingKey(combined, label: "keyceremony-drill")
            defer { try? session.destroy(wrappingKey) }
            for (keyName, entry) in wrapped.sorted(by: { $0.key < $1.key }) {
                guard let blob = entry.file.wrappedBytes else { throw fail("the wrapped key of '\(keyName)' is damaged") }
                let restored = try session.unwrap(blob, with: wrappingKey, mechanism: entry.file.mechanism, algorithm: entry.file.algorithm,
                                                  subjectPublicKeyInfo: entry.spki, policy: KeyPolicy(label: "drill-\(keyName)"))
                let payload = Self.drillPayload(planSHA256: context.plan.source.digest.hex, keyID: entry.file.keyID)
                let signature = try session.sign(payload, with: restored)
                let proved = SignatureCheck.verify(signature.raw, over: payload, algorithm: entry.file.algorithm,
                                                   subjectPublicKeyInfo: entry.spki) != nil
                try session.destroy(restored)
                let destroyed = try !session.hasObject(id: restored.id)
                results.append(.init(key: keyName, keyIDs: [entry.file.keyID], proved: proved, destroyed: destroyed))
                guard proved else { throw fail("the key restored from backup for '\(keyName)' does not sign for its public key; the backup is not usable") }
                guard destroyed else { throw fail("the drill copy of '\(keyName)' could not be destroyed on the drill token; destroy it before the token leaves the room") }
                context.console.say("  '\(keyName)' restored on the drill token, proved by a signature under its public key, and destroyed")
            }
        } catch let failure as CeremonyFailure {
            throw failure
        } catch {
            throw fail("the drill failed: \(error)")
        }
        try context.transcript.append(.recoveryDrill(.init(holder: holder, token: token.description, custodians: custodians, keys: results)))
        context.desk.close(name)
        wipe()
        context.console.say("  the drill succeeded: the shares of \(EnglishList.join(custodians)) recover every backed-up key. The shares are wiped from this computer's memory")
        if plan.shareCards && !context.options.rehearsal {
            context.console.say("  print each custodian's share card from \(BundlePath.sharesFolder)/ in the output directory, hand it over, then destroy that folder before the bundle leaves the room (an audit reports it otherwise)")
        }
    }

    // MARK: Helpers

    private func passphraseBytes() -> [UInt8] {
        passphrase?.withBytes { Array($0) } ?? []
    }

    private func readPassphrase(context: CeremonyContext, twice: Bool) throws -> SecretBytes {
        do {
            return try context.console.passphrase(prompt: "Officer, type the SLIP-39 passphrase for the backup shares", confirm: twice)
        } catch {
            throw CeremonyFailure(step: context.currentStep, reason: "\(error)")
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func encode(_ file: WrappedKeyFile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file) + Data("\n".utf8)
    }
}

/// What a custodian is shown when they receive their share.
package struct ShareHandout: Sendable {
    package var custodian: String
    package var shareSet: Int
    /// 1-based.
    package var groupIndex: Int
    package var groupCount: Int
    package var groupThreshold: Int
    package var memberIndex: Int
    package var memberCount: Int
    package var memberThreshold: Int
    /// The share's words: secret. Shown only at the terminal or on the custodian's card.
    package var words: [String]
    /// The ceremony digest in PGP words, so the card names the ceremony it came from.
    package var ceremonyDigestWords: [String]

    /// The custodian's share files' name without extension.
    package var fileStem: String { Self.fileStem(custodian) }

    /// "Erin" → "Erin"; anything but ASCII letters, digits, '_' and '-' becomes '-'.
    package static func fileStem(_ custodian: String) -> String {
        String(custodian.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSetLite.isAlphanumeric(scalar) || "_-".unicodeScalars.contains(scalar)) ? Character(scalar) : "-"
        })
    }

    /// "share set 12345 — group 1 of 1 (1 group needed) — member 2 of 3 (2 needed)".
    package var header: String {
        "share set \(shareSet) — group \(groupIndex) of \(groupCount) (\(groupThreshold) group\(groupThreshold == 1 ? "" : "s") needed) — member \(memberIndex) of \(memberCount) (\(memberThreshold) needed)"
    }
}
