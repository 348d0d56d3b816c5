/// The `signed` part of root metadata in either dialect.
///
/// Root lists every top-level key and which keys may sign for each top-level role.
/// Build one for a ceremony with ``init(dialect:version:expires:keys:roles:)``,
/// wrap it with ``signedMetadata()`` and sign the canonical bytes.
public struct RootMetadata: Hashable, Sendable {
    /// The top-level roles every root must define.
    public static let topLevelRoles = ["root"] + onlineRoles
    /// The top-level roles whose keys are usually online: every root lists a key for each.
    public static let onlineRoles = ["targets", "snapshot", "timestamp"]

    /// The spec version python-tuf 7.0.1 writes.
    public static let tufSpecVersion = "1.0.31"

    public var dialect: Dialect
    public var version: Int64
    public var expires: MetadataTime
    /// `spec_version`; TUF only.
    public var specVersion: String?
    /// `consistent_snapshot`: true in TUF as python-tuf writes it, false in Notary.
    public var consistentSnapshot: Bool?
    /// Keys by key ID.
    public var keys: [String: MetadataKey]
    /// Top-level roles by name.
    public var roles: [String: RoleKeys]
    /// Members of `signed` this tool does not know, kept for round-trip.
    public var unknownFields: JSONObject

    /// A new root with the dialect's defaults (TUF: spec 1.0.31, consistent snapshots;
    /// Notary: no spec version, consistent snapshot false).
    public init(dialect: Dialect, version: Int64, expires: MetadataTime,
                keys: [String: MetadataKey], roles: [String: RoleKeys]) {
        self.dialect = dialect
        self.version = version
        self.expires = expires
        self.keys = keys
        self.roles = roles
        self.unknownFields = JSONObject()
        switch dialect {
        case .tuf:
            specVersion = Self.tufSpecVersion
            consistentSnapshot = true
        case .notary:
            specVersion = nil
            consistentSnapshot = false
        }
    }

    /// Reads root metadata from a file's `signed` object.
    public init(signed: JSONObject) throws(MetadataError) {
        let reader = FieldReader(signed, path: "signed")
        let type = try reader.string("_type")
        guard let dialect = Dialect.detect(typeName: type), type == dialect.typeName(forRole: "root") else {
            throw .invalidField(path: "signed._type", reason: "expected root or Root, found \(type)")
        }
        self.dialect = dialect
        version = try reader.integer("version")
        expires = try reader.time("expires", dialect: dialect)
        specVersion = try reader.optionalString("spec_version")
        consistentSnapshot = try reader.optionalBool("consistent_snapshot")
        if dialect == .tuf, specVersion == nil {
            throw .invalidField(path: "signed.spec_version", reason: "missing")
        }
        let keysReader = try reader.object("keys")
        self.keys = try keysReader.map { value, path throws(MetadataError) in MetadataKey(json: try FieldReader(value, path: path).object) }
        let rolesReader = try reader.object("roles")
        self.roles = try rolesReader.map { value, path throws(MetadataError) in try RoleKeys(FieldReader(value, path: path)) }
        unknownFields = signed.removing(["_type", "version", "expires", "spec_version", "consistent_snapshot", "keys", "roles"])
    }

    /// The `signed` object.
    public var signed: JSONObject {
        var object = JSONObject()
        object["_type"] = .string(dialect.typeName(forRole: "root"))
        if let consistentSnapshot { object["consistent_snapshot"] = .bool(consistentSnapshot) }
        object["expires"] = .string(expires.text)
        object["keys"] = .object(JSONObject(keys.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.object($0.value.json)) }))
        object["roles"] = .object(JSONObject(roles.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.object($0.value.json)) }))
        if let specVersion { object["spec_version"] = .string(specVersion) }
        object["version"] = .integer(version)
        for member in unknownFields.members { object[member.name] = member.value }
        return object
    }

    /// An unsigned file holding this root, ready for ``SignatureMaker``.
    public func signedMetadata() -> SignedMetadata {
        SignedMetadata(signed: signed)
    }

    /// Adds a key under its computed key ID and returns that ID.
    @discardableResult
    public mutating func addKey(_ key: MetadataKey) -> String {
        let id = key.keyID
        keys[id] = key
        return id
    }
}
