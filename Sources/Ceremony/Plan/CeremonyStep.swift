/// One numbered step of a ceremony: who does what.
///
/// The engine announces each step as ``description`` and switches on
/// ``action`` to do it, so that what reviewers read in `plan check` is
/// exactly what runs.
package struct CeremonyStep: Sendable, Equatable, CustomStringConvertible {
    /// The step's number, from 1.
    package var number: Int
    /// How many steps the ceremony has.
    package var total: Int
    /// Who acts: a key holder's name, or ``officerName``.
    package var actor: String
    package var action: Action
    /// The sentence said to the actor, starting in lower case.
    package var text: String
    /// What the confirmation prompt asks, set by the engine when the step runs ("Alice, type
    /// 'yes' once token 'root-a' (serial …) is inserted"); nil in plans as printed.
    package var prompt: String? = nil

    /// The actor for steps no key holder performs.
    package static let officerName = "Officer"
    /// What each witness confirms at the first step, as the transcript records it.
    package static let witnessDigestStatement = "these words match the digest of the reviewed plan"

    /// What a step does, with what the engine needs to do it.
    package enum Action: Sendable, Equatable {
        /// Read the plan digest aloud; witnesses confirm it matches the reviewed plan.
        case confirmPlanDigest
        /// The holder inserts the key's token and enters its PIN.
        case insertToken(key: String)
        /// Generate the key on the token and read its attributes back.
        case generateKey(key: String)
        /// The token issues the key's self-signed root certificate for one GUN (Notary).
        case issueCertificate(key: String, repository: String)
        /// Show what changes from the current root and which thresholds must be met (rotation, re-sign).
        case reviewRootChanges
        /// Find an existing root key on the token by its public key, and check it.
        case findKey(key: String)
        /// Issue a new root certificate on the token when the current one expires before the new root (Notary).
        case renewCertificate(key: String, repository: String)
        /// Build the root metadata for every repository.
        case buildMetadata
        /// The holder inserts the token, enters its PIN and signs every repository's root metadata.
        case sign(key: String)
        /// Verify every signature and the whole result in software.
        case verify
        /// Wrap the key, generated on this visit, under the backup key (`backup: true`).
        case wrapKey(key: String)
        /// Split the backup key into SLIP-39 shares and write the wrapped key files.
        case splitBackupKey
        /// Give one custodian their share, privately; they prove their copy.
        case handOutShare(custodian: String)
        /// Combine a random threshold of the new shares and restore, prove and destroy every
        /// backed-up key on the drill token.
        case recoveryDrill
        /// Custodians type their shares; they are combined and checked against the backup files.
        case enterShares
        /// Restore a backed-up key onto the holder's new token from the combined backup key.
        case restoreKey(key: String)
        /// Write the public files and assemble the output directory.
        case writeBundle
        /// Append the seal with the digests of all public outputs.
        case sealTranscript
    }

    /// A step before numbering: who does what.
    package struct Draft: Sendable, Equatable {
        package var actor: String
        package var action: Action
        package var text: String

        package init(_ actor: String, _ action: Action, _ text: String) {
            self.actor = actor
            self.action = action
            self.text = text
        }
    }

    package init(number: Int, total: Int, actor: String, action: Action, text: String) {
        self.number = number
        self.total = total
        self.actor = actor
        self.action = action
        self.text = text
    }

    /// "Step 4/12 — Bob: insert token 'root-b' and enter its PIN".
    package var description: String {
        "Step \(number)/\(total) — \(actor): \(text)"
    }
}

extension CeremonyStep.Action {
    /// The plan key whose holder and token this step involves, if any.
    package var keyName: String? {
        switch self {
        case let .insertToken(name), let .generateKey(name), let .sign(name), let .findKey(name),
             let .issueCertificate(name, _), let .renewCertificate(name, _), let .wrapKey(name), let .restoreKey(name):
            return name
        case .recoveryDrill:
            return BackupPlan.drillName
        case .confirmPlanDigest, .reviewRootChanges, .buildMetadata, .verify, .writeBundle, .sealTranscript,
             .splitBackupKey, .handOutShare, .enterShares:
            return nil
        }
    }
}
