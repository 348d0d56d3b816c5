import Crypto

/// One delegation from a targets role to another role.
public struct DelegatedRole: Hashable, Sendable {
    public var name: String
    public var keyIDs: [String]
    public var threshold: Int64
    /// `terminating`; required in TUF, absent in Notary.
    public var terminating: Bool?
    /// Path patterns this role may sign for.
    public var paths: [String]?
    /// Hex prefixes of SHA-256 hashes of the target paths this role may sign for.
    public var pathHashPrefixes: [String]?
    /// Members this tool does not know, kept for round-trip.
    public var unknownFields: JSONObject

    public init(name: String, keyIDs: [String], threshold: Int64, terminating: Bool?,
                paths: [String]?, pathHashPrefixes: [String]? = nil) {
        self.name = name
        self.keyIDs = keyIDs
        self.threshold = threshold
        self.terminating = terminating
        self.paths = paths
        self.pathHashPrefixes = pathHashPrefixes
        self.unknownFields = JSONObject()
    }

    /// - Parameter dialect: Notary's Go code writes a nil slice as `null` (`"keyids": null`
    ///   after a key purge, notary #1500), which notary reads back as empty; python-tuf
    ///   refuses `null`, so TUF does too.
    init(_ reader: FieldReader, dialect: Dialect) throws(MetadataError) {
        name = try reader.string("name")
        keyIDs = dialect == .notary ? try reader.stringArrayOrNull("keyids") : try reader.stringArray("keyids")
        threshold = try reader.integer("threshold")
        terminating = try reader.optionalBool("terminating")
        paths = dialect == .notary && reader.object["paths"]?.isNull == true ? [] : try reader.optionalStringArray("paths")
        pathHashPrefixes = try reader.optionalStringArray("path_hash_prefixes")
        unknownFields = reader.object.removing(["name", "keyids", "threshold", "terminating", "paths", "path_hash_prefixes"])
    }

    var json: JSONObject {
        var object = unknownFields
        object["keyids"] = .array(keyIDs.map(JSONValue.string))
        object["name"] = .string(name)
        if let pathHashPrefixes { object["path_hash_prefixes"] = .array(pathHashPrefixes.map(JSONValue.string)) }
        if let paths { object["paths"] = .array(paths.map(JSONValue.string)) }
        if let terminating { object["terminating"] = .bool(terminating) }
        object["threshold"] = .integer(threshold)
        return object
    }

    /// Why a role named `name` cannot be delegated by `delegator` in `dialect`, as python-tuf and
    /// notary judge names (TUF: not empty, not a top-level role; Notary: `targets/<name>` of
    /// lower-case letters, digits, `-`, `_` and `/`, one level below its delegator, under 256
    /// bytes); nil when it can.
    public static func nameProblem(_ name: String, delegator: String, dialect: Dialect) -> String? {
        DelegationRules.problem(withName: name, delegator: delegator, dialect: dialect)
    }

    /// The role as ``RoleKeys`` for signature counting.
    public var roleKeys: RoleKeys { RoleKeys(keyIDs: keyIDs, threshold: threshold) }

    /// Whether this delegation lets its role sign for `targetPath`, as the dialect's client decides.
    ///
    /// - TUF (python-tuf's `is_delegated_path`): when `path_hash_prefixes` is set, the
    ///   lower-case hex SHA-256 of the path's UTF-8 must start with one of them (case
    ///   matters); otherwise a ``PathPattern`` in `paths` must match. Neither set: nothing.
    /// - Notary (`DelegationRole.CheckPaths`): `paths` are plain string prefixes, so `""`
    ///   delegates every path.
    ///
    /// A client never takes a target from a role outside these paths, so a target listed
    /// there is dead weight at best and an attempted overreach at worst.
    public func delegates(_ targetPath: String, dialect: Dialect) -> Bool {
        switch dialect {
        case .tuf:
            if let pathHashPrefixes {
                let hash = ByteEncoding.hex(SHA256.hash(data: Array(targetPath.utf8)))
                return pathHashPrefixes.contains { hash.utf8.starts(with: $0.utf8) }
            }
            return (paths ?? []).contains { PathPattern.matches(targetPath, pattern: $0) }
        case .notary:
            // Byte prefixes as Go's strings.HasPrefix, not Swift's Unicode-equivalent hasPrefix.
            return (paths ?? []).contains { targetPath.utf8.starts(with: $0.utf8) }
        }
    }
}
