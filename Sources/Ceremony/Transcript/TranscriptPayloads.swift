import PKCS11
import TrustMetadata
extension TranscriptEvent {
    /// The first record: what ceremony, from which reviewed plan, by which tool.
    public struct CeremonyStart: Sendable, Equatable, Codable {
        public var ceremony: CeremonyKind
        public var dialect: Dialect
        public var repositories: [String]
        /// SHA-256 hex of the plan's exact bytes.
        public var planDigest: String
        /// SHA-256 hex of the site profile's exact bytes, when one was used.
        public var profileDigest: String?
        public var toolVersion: String
        /// True for a rehearsal, whose outputs must never be used as a real root.
        public var rehearsal: Bool

        public init(ceremony: CeremonyKind, dialect: Dialect, repositories: [String], planDigest: String,
                    profileDigest: String?, toolVersion: String, rehearsal: Bool) {
            self.ceremony = ceremony
            self.dialect = dialect
            self.repositories = repositories
            self.planDigest = planDigest
            self.profileDigest = profileDigest
            self.toolVersion = toolVersion
            self.rehearsal = rehearsal
        }

        enum CodingKeys: String, CodingKey {
            case ceremony, dialect, repositories, rehearsal
            case planDigest = "plan_digest", profileDigest = "profile_digest", toolVersion = "tool_version"
        }
    }

    /// A step was announced.
    public struct StepStart: Sendable, Equatable, Codable {
        public var step: Int
        public var total: Int
        public var actor: String
        /// The sentence shown, as in ``CeremonyStep/text``.
        public var text: String

        public init(step: Int, total: Int, actor: String, text: String) {
            self.step = step
            self.total = total
            self.actor = actor
            self.text = text
        }

        /// The start record for a planned step.
        public init(_ step: CeremonyStep) {
            self.init(step: step.number, total: step.total, actor: step.actor, text: step.text)
        }
    }

    /// A step finished, one way or the other.
    public struct StepEnd: Sendable, Equatable, Codable {
        public enum Outcome: String, Sendable, Equatable, Codable {
            case completed
            case failed
        }

        public var step: Int
        public var outcome: Outcome

        public init(step: Int, outcome: Outcome) {
            self.step = step
            self.outcome = outcome
        }
    }

    /// Someone confirmed something aloud or at the keyboard; the record's
    /// `time` is when.
    public struct Confirmation: Sendable, Equatable, Codable {
        public var step: Int
        /// Who confirmed: an officer, holder or witness name.
        public var by: String
        /// What was confirmed, such as "the plan digest matches the reviewed plan".
        public var statement: String

        public init(step: Int, by: String, statement: String) {
            self.step = step
            self.by = by
            self.statement = statement
        }
    }

    /// A token presented for a key, as the token describes itself.
    public struct TokenIdentity: Sendable, Equatable, Codable {
        public var holder: String
        public var key: String
        public var label: String
        public var serial: String
        public var manufacturer: String
        public var model: String

        public init(holder: String, key: String, label: String, serial: String, manufacturer: String, model: String) {
            self.holder = holder
            self.key = key
            self.label = label
            self.serial = serial
            self.manufacturer = manufacturer
            self.model = model
        }
    }

    /// A key was generated on a token and its attributes read back.
    public struct KeyGenerated: Sendable, Equatable, Codable {
        public var holder: String
        public var key: String
        public var algorithm: KeyAlgorithm
        /// The key's `CKA_LABEL` and `CKA_ID` (hex) on the token, to find it again.
        public var label: String
        public var ckaID: String
        public var attributes: KeyAttributes
        /// The public key as PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
        public var spkiPEM: String
        /// TUF/Notary key IDs for this key (for Notary, one per certificate).
        public var keyIDs: [String]

        public init(holder: String, key: String, algorithm: KeyAlgorithm, label: String, ckaID: String,
                    attributes: KeyAttributes, spkiPEM: String, keyIDs: [String]) {
            self.holder = holder
            self.key = key
            self.algorithm = algorithm
            self.label = label
            self.ckaID = ckaID
            self.attributes = attributes
            self.spkiPEM = spkiPEM
            self.keyIDs = keyIDs
        }

        enum CodingKeys: String, CodingKey {
            case holder, key, algorithm, label, attributes
            case ckaID = "cka_id", spkiPEM = "spki_pem", keyIDs = "key_ids"
        }
    }

    /// An existing root key was found on its token by its public key, and its attributes read back.
    public struct KeyFound: Sendable, Equatable, Codable {
        public var holder: String
        public var key: String
        /// The key's `CKA_LABEL` and `CKA_ID` (hex) on the token.
        public var label: String
        public var ckaID: String
        public var attributes: KeyAttributes
        /// The public key as PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
        public var spkiPEM: String
        /// The key IDs the current root lists this key under.
        public var keyIDs: [String]

        public init(holder: String, key: String, label: String, ckaID: String, attributes: KeyAttributes,
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
    public struct CurrentRootRead: Sendable, Equatable, Codable {
        public var repository: String
        /// The newest version found, which the new root replaces.
        public var version: Int
        /// SHA-256 hex of that version's file.
        public var sha256: String
        /// The version the chain was verified from (1, or the trusted root's).
        public var verifiedFrom: Int

        public init(repository: String, version: Int, sha256: String, verifiedFrom: Int) {
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
    public struct CertificateIssued: Sendable, Equatable, Codable {
        public var key: String
        public var keyID: String
        public var repository: String
        public var pem: String
        public var notBefore: String
        public var notAfter: String

        public init(key: String, keyID: String, repository: String, pem: String, notBefore: String, notAfter: String) {
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
    public struct MetadataDigest: Sendable, Equatable, Codable {
        public var repository: String
        public var role: String
        public var version: Int
        /// SHA-256 hex of the exact bytes.
        public var sha256: String
        public var length: Int

        public init(repository: String, role: String, version: Int, sha256: String, length: Int) {
            self.repository = repository
            self.role = role
            self.version = version
            self.sha256 = sha256
            self.length = length
        }
    }

    /// A signature a token made over metadata.
    public struct SignatureMade: Sendable, Equatable, Codable {
        public var holder: String
        public var key: String
        public var keyID: String
        public var repository: String
        public var role: String
        /// The signature as it appears in the metadata (hex for TUF, base64 for Notary).
        public var signature: String

        public init(holder: String, key: String, keyID: String, repository: String, role: String, signature: String) {
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
    public struct ErrorReport: Sendable, Equatable, Codable {
        /// The step under way, if any.
        public var step: Int?
        /// What went wrong, in plain English; never include a PIN.
        public var message: String

        public init(step: Int?, message: String) {
            self.step = step
            self.message = message
        }
    }

    /// The last record: the SHA-256 of every public output.
    public struct Seal: Sendable, Equatable, Codable {
        /// Paths relative to `public/` mapped to SHA-256 hex.
        public var outputs: [String: String]
        /// SHA-256 of this record's line with `digest` set to 64 zeros; lets
        /// a verifier notice a changed seal even without the output files.
        public var digest: String

        public init(outputs: [String: String], digest: String = TranscriptRecord.genesis) {
            self.outputs = outputs
            self.digest = digest
        }
    }
}
