/// Derives the numbered steps of a ceremony from a resolved plan.
///
/// A pure function of the plan and profile: `plan check` and the engine call
/// it alike, so the list reviewed weeks ahead is the list that runs.
enum StepPlanner {
    static func steps(for resolved: ResolvedPlan) -> [CeremonyStep] {
        switch resolved.plan.ceremony {
        case .rootGeneration:
            return number(rootGeneration(resolved))
        }
    }

    private typealias Draft = (actor: String, action: CeremonyStep.Action, text: String)

    private static func number(_ drafts: [Draft]) -> [CeremonyStep] {
        drafts.enumerated().map { index, draft in
            CeremonyStep(number: index + 1, total: drafts.count, actor: draft.actor,
                         action: draft.action, text: draft.text)
        }
    }

    private static func rootGeneration(_ resolved: ResolvedPlan) -> [Draft] {
        let plan = resolved.plan
        let officer = CeremonyStep.officerName
        let repositories = plan.repositories.map { "'\($0)'" }.joined(separator: ", ")
        var drafts: [Draft] = []

        let confirmers = plan.witnesses.isEmpty
            ? "the key holders confirm"
            : "\(EnglishList.join(plan.witnesses)) confirm\(plan.witnesses.count == 1 ? "s" : "")"
        drafts.append((officer, .confirmPlanDigest,
                       "read the plan digest aloud; \(confirmers) it matches the digest of the reviewed plan"))

        for entry in resolved.keys {
            let key = entry.key
            drafts.append((key.holder, .insertToken(key: key.name),
                           "insert \(entry.token.spoken) and enter its PIN"))
            drafts.append((key.holder, .generateKey(key: key.name),
                           "generate \(article(key.algorithm.spokenName)) \(key.algorithm.spokenName) key '\(key.name)' on the token and read its attributes back"))
            if plan.dialect == .notary {
                for repository in plan.repositories {
                    drafts.append((key.holder, .issueCertificate(key: key.name, repository: repository),
                                   "issue the root certificate of key '\(key.name)' for '\(repository)' on the token"))
                }
            }
        }

        let files = plan.dialect == .notary ? "root.json for each of" : "root.json for"
        drafts.append((officer, .buildMetadata,
                       "build \(files) \(repositories) (\(resolved.thresholdSummary); expires \(plan.expires))"))
        for entry in resolved.keys {
            drafts.append((entry.key.holder, .sign(key: entry.key.name),
                           "insert \(entry.token.spoken), enter its PIN and sign the root metadata with key '\(entry.key.name)'"))
        }
        drafts.append((officer, .verify,
                       "verify every signature and the root metadata in software, as 'keyceremony verify' does"))
        drafts.append((officer, .writeBundle, "write the public files and the backup folder to the output directory"))
        drafts.append((officer, .sealTranscript, "seal the transcript with the digests of all public outputs"))
        return drafts
    }

    private static func article(_ word: String) -> String {
        // "an ECDSA", "an Ed25519", "an RSA": all current names start with a vowel sound.
        guard let first = word.first else { return "a" }
        return "AEIORaeio".contains(first) ? "an" : "a"
    }
}
