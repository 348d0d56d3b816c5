import Foundation

/// The public keys of the online roles, as files next to the plan.
///
/// The plan only names the files; reading their formats (PEM SPKI, or
/// Notary/TUF key JSON) belongs to the metadata layer.
public struct OnlineKeyFiles: Sendable, Equatable {
    /// The file for the targets role key, resolved against the plan's folder.
    public var targets: URL
    /// The snapshot role key (for Notary, usually the key notary-server holds).
    public var snapshot: URL
    /// The timestamp role key (for Notary, usually the key notary-server holds).
    public var timestamp: URL
    /// Where each role's path was written in the plan, by role name.
    public var locations: [String: SourceLocation]

    public init(targets: URL, snapshot: URL, timestamp: URL, locations: [String: SourceLocation] = [:]) {
        self.targets = targets
        self.snapshot = snapshot
        self.timestamp = timestamp
        self.locations = locations
    }

    /// The named files in role order, for checks and listings.
    public var all: [(role: String, url: URL)] {
        [("targets", targets), ("snapshot", snapshot), ("timestamp", timestamp)]
    }
}

/// The plan's `backup:` section, kept opaque until the backup ceremony defines it.
///
/// It is checked to be a mapping with no secret-looking keys and is otherwise
/// carried unchanged; the plan's digest already covers its contents.
public struct BackupSection: Sendable, Equatable {
    /// The top-level keys of the section, in document order.
    public var keys: [String]

    public init(keys: [String]) {
        self.keys = keys
    }
}
