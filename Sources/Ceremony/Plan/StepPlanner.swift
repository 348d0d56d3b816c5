/// Numbers the steps a ceremony's procedure lists for a resolved plan.
///
/// A pure function of the plan and profile: `plan check` and the engine call it alike, so the
/// list reviewed weeks ahead is the list that runs.
enum StepPlanner {
    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep] {
        number(CeremonyCatalog.procedure(for: resolved.plan.ceremony).steps(for: resolved))
    }

    static func number(_ drafts: [CeremonyStep.Draft]) -> [CeremonyStep] {
        drafts.enumerated().map { index, draft in
            CeremonyStep(number: index + 1, total: drafts.count, actor: draft.actor,
                         action: draft.action, text: draft.text)
        }
    }

    /// The first step of every ceremony: the digest read aloud and confirmed.
    static func confirmDigest(_ plan: Plan) -> CeremonyStep.Draft {
        let confirmers = plan.witnesses.isEmpty
            ? "the key holders confirm"
            : "\(EnglishList.join(plan.witnesses)) confirm\(plan.witnesses.count == 1 ? "s" : "")"
        return .init(CeremonyStep.officerName, .confirmPlanDigest,
                     "read the plan digest aloud; \(confirmers) it matches the digest of the reviewed plan")
    }

    /// A holder's visit to make a new root key: insert the token, generate the key and, where root
    /// keys are certificates, issue one per repository on the same visit. An offline targets key
    /// (`targets:`) is a bare key in every dialect, so it gets no certificate.
    static func keyGenerationVisit(_ entry: ResolvedPlan.ResolvedKey, plan: Plan) -> [CeremonyStep.Draft] {
        let isTargetsKey = plan.body.offlineTargets?.keys.contains { $0.name == entry.key.name } ?? false
        let key = entry.key
        let algorithm = key.algorithm?.spokenName ?? ""
        var drafts: [CeremonyStep.Draft] = [
            .init(key.holder, .insertToken(key: key.name), "insert \(entry.token.spoken) and enter its PIN"),
            .init(key.holder, .generateKey(key: key.name),
                  "generate \(article(algorithm)) \(algorithm) key '\(key.name)' on the token and read its attributes back"),
        ]
        if plan.dialect.rootKeysAreCertificates && !isTargetsKey {
            for repository in plan.repositories {
                drafts.append(.init(key.holder, .issueCertificate(key: key.name, repository: repository),
                                    "issue the root certificate of key '\(key.name)' for '\(repository)' on the token"))
            }
        }
        return drafts
    }

    /// A backup's steps after the root is signed: the split, one hand-out per custodian, and the
    /// recovery drill on its own token (a ceremony with backup does not close without it).
    static func backupSteps(_ backup: BackupPlan, drill: ResolvedPlan.ResolvedKey) -> [CeremonyStep.Draft] {
        let officer = CeremonyStep.officerName
        var drafts: [CeremonyStep.Draft] = [
            .init(officer, .splitBackupKey, "split the backup key into SLIP-39 shares (\(backup.summary)), write the wrapped keys to backup/ and wipe the backup key"),
        ]
        for custodian in backup.custodians {
            drafts.append(.init(custodian, .handOutShare(custodian: custodian),
                                "receive your share alone at the terminal, write it down, and type back the words asked for"))
        }
        drafts.append(.init(drill.key.holder, .insertToken(key: drill.key.name), "insert \(drill.token.spoken) (the drill token) and enter its PIN"))
        drafts.append(.init(drill.key.holder, .recoveryDrill,
                            "recovery drill: combine a random threshold of the new shares, restore every backed-up key on the drill token, prove each by a signature, and destroy the copies"))
        return drafts
    }

    /// The last steps of every ceremony that writes a bundle.
    static func closing() -> [CeremonyStep.Draft] {
        [.init(CeremonyStep.officerName, .writeBundle, "write the public files to the output directory"),
         .init(CeremonyStep.officerName, .sealTranscript, "seal the transcript with the digests of all public outputs")]
    }

    /// "an ECDSA", "an Ed25519", "an RSA": all current names start with a vowel sound.
    static func article(_ word: String) -> String {
        guard let first = word.first else { return "a" }
        return "AEIORaeio".contains(first) ? "an" : "a"
    }
}
