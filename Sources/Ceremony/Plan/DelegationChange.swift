import Foundation

/// One entry of a `targets-delegation` plan's `delegations:` list: a delegated role added,
/// changed or removed in targets.json (TUF specification §2.1.2 `delegations`; Notary
/// `targets/<name>` roles, as `notary delegation add` and `notary delegation remove` change them).
///
/// Plan shape (paths relative to the plan; see ceremonies/README.md):
/// ```yaml
/// - role: targets/releases        # TUF: any name but a top-level role's
///   action: add                   # add | change | remove
///   keys: [keys/releases.crt]     # PEM SPKI, the dialect's key JSON, or (Notary) an x509 certificate
///   paths: [""]                   # TUF: glob patterns; Notary: prefixes, "" = every path
///   path_hash_prefixes: [8f]      # TUF only, instead of paths
///   threshold: 1                  # Notary: 1 only
///   terminating: false            # TUF only
/// ```
/// A `change` names only what changes: `keys` (the whole new key list) or `add_keys` and
/// `remove_keys` (key IDs), `paths` or `path_hash_prefixes`, `threshold`, `terminating`, and
/// `rename_to` (a new role name, keeping keys, paths and threshold).
package struct DelegationChange: Sendable, Equatable {
    package enum Action: String, Sendable, Equatable, CaseIterable {
        case add
        case change
        case remove
    }

    /// A public key file the plan names for a delegated role.
    package struct KeyFile: Sendable, Equatable {
        /// The path as written in the plan.
        package var path: String
        /// Resolved against the plan's folder.
        package var url: URL
        package var location: SourceLocation

        package init(path: String, url: URL, location: SourceLocation) {
            self.path = path
            self.url = url
            self.location = location
        }
    }

    package var action: Action
    /// The delegated role's name as written (`releases`, `targets/releases`).
    package var role: String
    /// `change` only: the role's new name.
    package var renameTo: String?
    /// `add`: every key of the role; `change`: the role's whole new key list, when given.
    package var keys: [KeyFile]?
    /// `change` only: keys added to the role.
    package var addKeys: [KeyFile] = []
    /// `change` only: key IDs removed from the role.
    package var removeKeyIDs: [String] = []
    /// Path patterns (TUF) or prefixes (Notary); nil when not set by this entry.
    package var paths: [String]?
    /// TUF only: hex prefixes of the SHA-256 of target paths.
    package var pathHashPrefixes: [String]?
    package var threshold: Int?
    /// TUF only.
    package var terminating: Bool?
    /// Where the entry starts in the plan.
    package var location: SourceLocation
    /// Where each field of the entry was written.
    package var fieldLocations: [String: SourceLocation] = [:]

    package init(action: Action, role: String, location: SourceLocation) {
        self.action = action
        self.role = role
        self.location = location
    }

    /// Where `field` was written, or where the entry starts.
    package func location(of field: String) -> SourceLocation { fieldLocations[field] ?? location }

    /// Every key file this entry names, in plan order.
    package var keyFiles: [KeyFile] { (keys ?? []) + addKeys }

    /// "add releases", "change targets/qa", "remove targets/old".
    package var summary: String { "\(action.rawValue) \(role)" + (renameTo.map { " (renamed to \($0))" } ?? "") }
}
