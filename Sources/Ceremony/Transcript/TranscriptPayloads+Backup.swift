import PKCS11

/// Transcript records of a backup (root generation with `backup:`) and of a `recovery`.
///
/// None of them has a field that could hold a share, a word of one, the backup key or a
/// passphrase: they carry set identifiers, thresholds, people, key IDs and check values only.
extension TranscriptEvent {
    /// A root key wrapped on its token under the ceremony's backup key.
    package struct KeyWrapped: Sendable, Equatable, Codable {
        package var holder: String
        package var key: String
        package var ckaID: String
        /// The key's IDs in the new root (for Notary, of its certificates).
        package var keyIDs: [String]
        /// `CKM_AES_KEY_WRAP_PAD` (RFC 5649).
        package var mechanism: String
        /// What the token reported for the wrapped key: extractable, and whether it insists on a
        /// trusted wrapping key.
        package var extractable: Bool?
        package var wrapWithTrusted: Bool?
        /// Why the key is extractable and what that allows, in words.
        package var note: String

        package init(holder: String, key: String, ckaID: String, keyIDs: [String], mechanism: String,
                     extractable: Bool?, wrapWithTrusted: Bool?, note: String) {
            self.holder = holder
            self.key = key
            self.ckaID = ckaID
            self.keyIDs = keyIDs
            self.mechanism = mechanism
            self.extractable = extractable
            self.wrapWithTrusted = wrapWithTrusted
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case holder, key, mechanism, extractable, note
            case ckaID = "cka_id", keyIDs = "key_ids", wrapWithTrusted = "wrap_with_trusted"
        }
    }

    /// The backup key split into SLIP-39 shares and the wrapped keys written to `backup/`.
    package struct BackupSplit: Sendable, Equatable, Codable {
        package struct Group: Sendable, Equatable, Codable {
            package var threshold: Int
            package var custodians: [String]
        }

        /// The SLIP-39 share set identifier (15 bits), printed on every share.
        package var shareSet: Int
        package var groupThreshold: Int
        package var groups: [Group]
        package var iterationExponent: Int
        package var extendable: Bool
        package var passphrase: Bool
        /// ``BackupKeyCheck`` of the backup key: shows a combination is right, reveals nothing.
        package var backupKeyCheck: String
        /// `backup/<file>` → SHA-256 hex of each wrapped key file.
        package var files: [String: String]

        package init(shareSet: Int, groupThreshold: Int, groups: [Group], iterationExponent: Int, extendable: Bool,
                     passphrase: Bool, backupKeyCheck: String, files: [String: String]) {
            self.shareSet = shareSet
            self.groupThreshold = groupThreshold
            self.groups = groups
            self.iterationExponent = iterationExponent
            self.extendable = extendable
            self.passphrase = passphrase
            self.backupKeyCheck = backupKeyCheck
            self.files = files
        }

        enum CodingKeys: String, CodingKey {
            case groups, extendable, passphrase, files
            case shareSet = "share_set", groupThreshold = "group_threshold", iterationExponent = "iteration_exponent",
                 backupKeyCheck = "backup_key_check"
        }
    }

    /// One custodian received their share.
    package struct ShareHandedOut: Sendable, Equatable, Codable {
        package var custodian: String
        /// 1-based, as on the share card.
        package var group: Int
        package var member: Int
        /// How the custodian proved their copy ("typed back words 4, 17 and 29"), or where a
        /// rehearsal wrote it.
        package var proof: String

        package init(custodian: String, group: Int, member: Int, proof: String) {
            self.custodian = custodian
            self.group = group
            self.member = member
            self.proof = proof
        }
    }

    /// The recovery drill: shares combined, keys restored on the drill token, proved, destroyed.
    package struct RecoveryDrill: Sendable, Equatable, Codable {
        package struct Key: Sendable, Equatable, Codable {
            package var key: String
            package var keyIDs: [String]
            /// The restored key signed the drill payload and the signature verified under the
            /// original public key.
            package var proved: Bool
            /// Both objects were destroyed and are no longer found on the token.
            package var destroyed: Bool

            enum CodingKeys: String, CodingKey {
                case key, proved, destroyed
                case keyIDs = "key_ids"
            }
        }

        package var holder: String
        package var token: String
        /// The custodians whose shares were combined (a random threshold subset).
        package var custodians: [String]
        package var keys: [Key]

        package init(holder: String, token: String, custodians: [String], keys: [Key]) {
            self.holder = holder
            self.token = token
            self.custodians = custodians
            self.keys = keys
        }
    }

    /// Shares typed in at a recovery and combined into the backup key.
    package struct SharesCombined: Sendable, Equatable, Codable {
        package var shareSet: Int
        /// The custodians whose shares were used, in the order typed.
        package var custodians: [String]
        /// The check value of the combined key matched the one in every backup file used.
        package var backupKeyCheck: String

        package init(shareSet: Int, custodians: [String], backupKeyCheck: String) {
            self.shareSet = shareSet
            self.custodians = custodians
            self.backupKeyCheck = backupKeyCheck
        }

        enum CodingKeys: String, CodingKey {
            case custodians
            case shareSet = "share_set", backupKeyCheck = "backup_key_check"
        }
    }

    /// A backed-up root key restored onto a new token.
    package struct KeyRestored: Sendable, Equatable, Codable {
        package var holder: String
        package var key: String
        package var label: String
        package var ckaID: String
        package var attributes: KeyAttributes
        package var spkiPEM: String
        package var keyIDs: [String]
        /// `backup/<file>` and its SHA-256 hex.
        package var backupFile: String
        package var backupFileSHA256: String
        /// Why `CKA_LOCAL` and `CKA_ALWAYS_SENSITIVE` read back false.
        package var note: String

        package init(holder: String, key: String, label: String, ckaID: String, attributes: KeyAttributes, spkiPEM: String,
                     keyIDs: [String], backupFile: String, backupFileSHA256: String, note: String) {
            self.holder = holder
            self.key = key
            self.label = label
            self.ckaID = ckaID
            self.attributes = attributes
            self.spkiPEM = spkiPEM
            self.keyIDs = keyIDs
            self.backupFile = backupFile
            self.backupFileSHA256 = backupFileSHA256
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case holder, key, label, attributes, note
            case ckaID = "cka_id", spkiPEM = "spki_pem", keyIDs = "key_ids", backupFile = "backup_file",
                 backupFileSHA256 = "backup_file_sha256"
        }
    }
}
