extension TranscriptEvent {
    /// The targets.json a delegation ceremony starts from, as read and verified (`current-targets`).
    package struct CurrentTargetsRead: Sendable, Equatable, Codable {
        package var repository: String
        package var version: Int
        /// SHA-256 hex of the file's exact bytes.
        package var sha256: String

        package init(repository: String, version: Int, sha256: String) {
            self.repository = repository
            self.version = version
            self.sha256 = sha256
        }
    }

    /// The delegations of the new targets.json as shown before anyone signs (`delegations`): every
    /// role with its keys, paths, threshold and terminating, what the plan changed, and each key
    /// file the plan named, with its digest and key ID.
    package struct DelegationsShown: Sendable, Equatable, Codable {
        /// One delegated role as the new targets.json lists it.
        package struct Role: Sendable, Equatable, Codable {
            package var name: String
            package var keyIDs: [String]
            package var threshold: Int
            package var paths: [String]?
            package var pathHashPrefixes: [String]?
            /// TUF only.
            package var terminating: Bool?

            package init(name: String, keyIDs: [String], threshold: Int, paths: [String]?, pathHashPrefixes: [String]?, terminating: Bool?) {
                self.name = name
                self.keyIDs = keyIDs
                self.threshold = threshold
                self.paths = paths
                self.pathHashPrefixes = pathHashPrefixes
                self.terminating = terminating
            }

            enum CodingKeys: String, CodingKey {
                case name, threshold, paths, terminating
                case keyIDs = "key_ids", pathHashPrefixes = "path_hash_prefixes"
            }
        }

        /// A key file the plan named, as read.
        package struct KeyInput: Sendable, Equatable, Codable {
            package var role: String
            package var keyID: String
            /// SHA-256 hex of the file's exact bytes.
            package var fileSHA256: String

            package init(role: String, keyID: String, fileSHA256: String) {
                self.role = role
                self.keyID = keyID
                self.fileSHA256 = fileSHA256
            }

            enum CodingKeys: String, CodingKey {
                case role
                case keyID = "key_id", fileSHA256 = "file_sha256"
            }
        }

        package var repository: String
        /// The version of targets.json being signed.
        package var version: Int
        package var roles: [Role]
        /// The plan's changes in words, in plan order ("add releases", "remove targets/old").
        package var changes: [String]
        package var keyFiles: [KeyInput]

        package init(repository: String, version: Int, roles: [Role], changes: [String], keyFiles: [KeyInput]) {
            self.repository = repository
            self.version = version
            self.roles = roles
            self.changes = changes
            self.keyFiles = keyFiles
        }

        enum CodingKeys: String, CodingKey {
            case repository, version, roles, changes
            case keyFiles = "key_files"
        }
    }
}
