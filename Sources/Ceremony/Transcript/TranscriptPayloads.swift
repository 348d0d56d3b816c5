import PKCS11
import TrustMetadata
extension TranscriptEvent {
    /// The first record: what ceremony, from which reviewed plan, by which tool.
    package struct CeremonyStart: Sendable, Equatable, Codable {
        package var ceremony: CeremonyKind
        package var dialect: Dialect
        package var repositories: [String]
        /// SHA-256 hex of the plan's exact bytes.
        package var planDigest: String
        /// SHA-256 hex of the site profile's exact bytes, when one was used.
        package var profileDigest: String?
        package var toolVersion: String
        /// True for a rehearsal, whose outputs must never be used as a real root.
        package var rehearsal: Bool
        /// SHA-256 hex of the running `keyceremony` executable (``ToolIdentity``); absent in
        /// transcripts written before it was recorded.
        package var toolSHA256: String?
        /// The commit the executable was built from (``KeyCeremonyVersion/commit``), when it knows it.
        package var toolCommit: String?
        /// `release` or `development` (``KeyCeremonyVersion/Build``); absent in transcripts
        /// written before it was recorded.
        package var toolBuild: String?
        /// The host's `PRETTY_NAME` from `/etc/os-release`.
        package var osRelease: String?
        /// Role → the online key file the plan named, as read at the start (absent when the plan names none).
        package var onlineKeys: [String: OnlineKeyInput]?

        /// The module's `LibraryParameters` (`module_parameters`), when the plan or profile gave
        /// them; they are checked to hold no secret before they get here. Absent otherwise.
        package var moduleParameters: String?

        package init(ceremony: CeremonyKind, dialect: Dialect, repositories: [String], planDigest: String,
                    profileDigest: String?, toolVersion: String, rehearsal: Bool, toolSHA256: String? = nil,
                    toolCommit: String? = nil, toolBuild: String? = nil, osRelease: String? = nil, onlineKeys: [String: OnlineKeyInput]? = nil, moduleParameters: String? = nil) {
            self.ceremony = ceremony
            self.dialect = dialect
            self.repositories = repositories
            self.planDigest = planDigest
            self.profileDigest = profileDigest
            self.toolVersion = toolVersion
            self.rehearsal = rehearsal
            self.toolSHA256 = toolSHA256
            self.toolCommit = toolCommit
            self.toolBuild = toolBuild
            self.osRelease = osRelease
            self.onlineKeys = onlineKeys
            self.moduleParameters = moduleParameters
        }

        enum CodingKeys: String, CodingKey {
            case ceremony, dialect, repositories, rehearsal
            case planDigest = "plan_digest", profileDigest = "profile_digest", toolVersion = "tool_version"
            case toolSHA256 = "tool_sha256", toolCommit = "tool_commit", toolBuild = "tool_build", osRelease = "os_release", onlineKeys = "online_keys"
            case moduleParameters = "module_parameters"
        }
    }

    /// An online key input as the ceremony read it: `{"file_sha256": …, "key_id": …}`.
    package struct OnlineKeyInput: Sendable, Equatable, Codable {
        /// SHA-256 hex of the key file's exact bytes.
        package var fileSHA256: String
        /// The key ID the key has in the plan's dialect.
        package var keyID: String

        package init(fileSHA256: String, keyID: String) {
            self.fileSHA256 = fileSHA256
            self.keyID = keyID
        }

        enum CodingKeys: String, CodingKey {
            case fileSHA256 = "file_sha256", keyID = "key_id"
        }
    }

    /// A step was announced.
    package struct StepStart: Sendable, Equatable, Codable {
        package var step: Int
        package var total: Int
        package var actor: String
        /// The sentence shown, as in ``CeremonyStep/text``.
        package var text: String

        package init(step: Int, total: Int, actor: String, text: String) {
            self.step = step
            self.total = total
            self.actor = actor
            self.text = text
        }

        /// The start record for a planned step.
        package init(_ step: CeremonyStep) {
            self.init(step: step.number, total: step.total, actor: step.actor, text: step.text)
        }
    }

    /// A step finished, one way or the other.
    package struct StepEnd: Sendable, Equatable, Codable {
        package enum Outcome: String, Sendable, Equatable, Codable {
            case completed
            case failed
            /// A signing holder was skipped once every threshold was met (see `holder-skipped`).
            case skipped
        }

        package var step: Int
        package var outcome: Outcome

        package init(step: Int, outcome: Outcome) {
            self.step = step
            self.outcome = outcome
        }
    }

    /// Someone confirmed something aloud or at the keyboard; the record's
    /// `time` is when.
    package struct Confirmation: Sendable, Equatable, Codable {
        package var step: Int
        /// Who confirmed: an officer, holder or witness name.
        package var by: String
        /// What was confirmed, such as "the plan digest matches the reviewed plan".
        package var statement: String

        package init(step: Int, by: String, statement: String) {
            self.step = step
            self.by = by
            self.statement = statement
        }
    }

    /// A token presented for a key, as the token describes itself.
    package struct TokenIdentity: Sendable, Equatable, Codable {
        package var holder: String
        package var key: String
        package var label: String
        package var serial: String
        package var manufacturer: String
        package var model: String

        package init(holder: String, key: String, label: String, serial: String, manufacturer: String, model: String) {
            self.holder = holder
            self.key = key
            self.label = label
            self.serial = serial
            self.manufacturer = manufacturer
            self.model = model
        }
    }

    /// A key was generated on a token and its attributes read back.
    package struct KeyGenerated: Sendable, Equatable, Codable {
        package var holder: String
        package var key: String
        package var algorithm: KeyAlgorithm
        /// The key's `CKA_LABEL` and `CKA_ID` (hex) on the token, to find it again.
        package var label: String
        package var ckaID: String
        package var attributes: KeyAttributes
        /// The public key as PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
        package var spkiPEM: String
        /// TUF/Notary key IDs for this key (for Notary, one per certificate).
        package var keyIDs: [String]
        /// The site profile's read-back exceptions this key needed (such as NSS softokn's
        /// `CKA_LOCAL`), each with the profile's reason; absent when the key met the policy exactly.
        package var policyExceptions: [PolicyExceptionUsed]?

        package init(holder: String, key: String, algorithm: KeyAlgorithm, label: String, ckaID: String,
                    attributes: KeyAttributes, spkiPEM: String, keyIDs: [String],
                    policyExceptions: [PolicyExceptionUsed]? = nil) {
            self.holder = holder
            self.key = key
            self.algorithm = algorithm
            self.label = label
            self.ckaID = ckaID
            self.attributes = attributes
            self.spkiPEM = spkiPEM
            self.keyIDs = keyIDs
            self.policyExceptions = policyExceptions
        }

        enum CodingKeys: String, CodingKey {
            case holder, key, algorithm, label, attributes
            case ckaID = "cka_id", spkiPEM = "spki_pem", keyIDs = "key_ids", policyExceptions = "policy_exceptions"
        }
    }

    /// A read-back difference a site profile accepted for one key: the attribute, the value the
    /// policy asks for, the value read back, and the profile's reason.
    package struct PolicyExceptionUsed: Sendable, Equatable, Codable {
        package var attribute: String
        package var required: Bool
        package var readBack: Bool
        package var reason: String

        package init(attribute: String, required: Bool, readBack: Bool, reason: String) {
            self.attribute = attribute
            self.required = required
            self.readBack = readBack
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case attribute, required, reason
            case readBack = "read_back"
        }
    }

    /// An existing root key was found on its token by its public key, and its attributes read back.
    package struct KeyFound: Sendable, Equatable, Codable {
        package var holder: String
        package var key: String
        /// The key's `CKA_LABEL` and `CKA_ID` (hex) on the token.
        package var label: String
        package var ckaID: String
        package var attributes: KeyAttributes
        /// The public key as PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
        package var spkiPEM: String
        /// The key IDs the current root lists this key under.
        package var keyIDs: [String]

        package init(holder: String, key: String, label: String, ckaID: String, attributes: KeyAttributes,
                    spkiPEM: String, keyIDs: [String]) {
            self.holder = holder
            self.key = key
            self.label = label
            self.ckaID = ckaID
            self.attributes = attributes
            self.spkiPEM = spkiPEM
            self.keyIDs = keyIDs
        }

        enum CodingKeys: String, CodingKey {
            case holder, key, label, attributes
            case ckaID = "cka_id", spkiPEM = "spki_pem", keyIDs = "key_ids"
        }
    }

    /// The current root a rotation or re-sign starts from, as read and verified.
    package struct CurrentRootRead: Sendable, Equatable, Codable {
        package var repository: String
        /// The newest version found, which the new root replaces.
        package var version: Int
        /// SHA-256 hex of that version's file.
        package var sha256: String
        /// The version the chain was verified from (1, or the trusted root's).
        package var verifiedFrom: Int

        package init(repository: String, version: Int, sha256: String, verifiedFrom: Int) {
            self.repository = repository
            self.version = version
            self.sha256 = sha256
            self.verifiedFrom = verifiedFrom
        }

        enum CodingKeys: String, CodingKey {
            case repository, version, sha256
            case verifiedFrom = "verified_from"
        }
    }

    /// A root certificate issued by a token for one GUN (Notary).
    package struct CertificateIssued: Sendable, Equatable, Codable {
        package var key: String
        package var keyID: String
        package var repository: String
        package var pem: String
        package var notBefore: String
        package var notAfter: String

        package init(key: String, keyID: String, repository: String, pem: String, notBefore: String, notAfter: String) {
            self.key = key
            self.keyID = keyID
            self.repository = repository
            self.pem = pem
            self.notBefore = notBefore
            self.notAfter = notAfter
        }

        enum CodingKeys: String, CodingKey {
            case key, repository, pem
            case keyID = "key_id", notBefore = "not_before", notAfter = "not_after"
        }
    }

    /// The digest of a metadata file as built (and again as signed).
    package struct MetadataDigest: Sendable, Equatable, Codable {
        package var repository: String
        package var role: String
        package var version: Int
        /// SHA-256 hex of the exact bytes.
        package var sha256: String
        package var length: Int

        package init(repository: String, role: String, version: Int, sha256: String, length: Int) {
            self.repository = repository
            self.role = role
            self.version = version
            self.sha256 = sha256
            self.length = length
        }
    }

    /// A signature a token made over metadata.
    package struct SignatureMade: Sendable, Equatable, Codable {
        package var holder: String
        package var key: String
        package var keyID: String
        package var repository: String
        package var role: String
        /// The signature as it appears in the metadata (hex for TUF, base64 for Notary).
        package var signature: String

        package init(holder: String, key: String, keyID: String, repository: String, role: String, signature: String) {
            self.holder = holder
            self.key = key
            self.keyID = keyID
            self.repository = repository
            self.role = role
            self.signature = signature
        }

        enum CodingKeys: String, CodingKey {
            case holder, key, repository, role, signature
            case keyID = "key_id"
        }
    }

    /// The ceremony failed or something was refused.
    package struct ErrorReport: Sendable, Equatable, Codable {
        /// The step under way, if any.
        package var step: Int?
        /// What went wrong, in plain English; never include a PIN.
        package var message: String

        package init(step: Int?, message: String) {
            self.step = step
            self.message = message
        }
    }

    /// The last record: the SHA-256 of every public output.
    package struct Seal: Sendable, Equatable, Codable {
        /// Paths relative to `public/` mapped to SHA-256 hex.
        package var outputs: [String: String]
        /// SHA-256 of this record's line with `digest` set to 64 zeros; lets
        /// a verifier notice a changed seal even without the output files.
        package var digest: String

        package init(outputs: [String: String], digest: String = TranscriptRecord.genesis) {
            self.outputs = outputs
            self.digest = digest
        }
    }
}
