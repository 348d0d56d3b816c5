/// The `signed` part of targets metadata (top-level or delegated) in either dialect.
///
/// The `targets` map is kept as JSON: it may hold 100,000 entries and the
/// verifier only needs to check each entry's shape once, in one pass. The verifier
/// reads it without building a tree at all (``TargetEntries``).
public struct TargetsMetadata: Hashable, Sendable {
    public var dialect: Dialect
    public var version: Int64
    public var expires: MetadataTime
    public var specVersion: String?
    /// Target path to `{length, hashes, custom?}`.
    public var targets: JSONObject {
        get { entries.object }
        set { entries = TargetEntries(newValue) }
        _modify {
            var object = entries.takeObject()
            defer { entries = TargetEntries(object) }
            yield &object
        }
    }
    /// The `targets` map in the form it was read in.
    var entries: TargetEntries
    public var delegations: Delegations?
    public var unknownFields: JSONObject

    /// A new targets role. Notary always writes `delegations` (empty `keys` and `roles`
    /// when there are none): notary-server hashes its own re-encoding of the file for
    /// the snapshot, so a file without them would not match the hash clients expect.
    public init(dialect: Dialect, version: Int64, expires: MetadataTime,
                targets: JSONObject = JSONObject(), delegations: Delegations? = nil) {
        self.dialect = dialect
        self.version = version
        self.expires = expires
        self.specVersion = dialect == .tuf ? RootMetadata.tufSpecVersion : nil
        self.entries = TargetEntries(targets)
        self.delegations = delegations ?? (dialect == .notary ? Delegations(keys: [:], roles: []) : nil)
        self.unknownFields = JSONObject()
    }

    public init(signed: JSONObject) throws(MetadataError) {
        let reader = FieldReader(signed, path: "signed")
        let type = try reader.string("_type")
        guard let dialect = Dialect.detect(typeName: type), type == dialect.typeName(forRole: "targets") else {
            throw .invalidField(path: "signed._type", reason: "expected targets or Targets, found \(type)")
        }
        self.dialect = dialect
        version = try reader.integer("version")
        expires = try reader.time("expires", dialect: dialect)
        specVersion = try reader.optionalString("spec_version")
        if dialect == .tuf, specVersion == nil { throw .invalidField(path: "signed.spec_version", reason: "missing") }
        entries = TargetEntries(try reader.object("targets").object)
        delegations = signed["delegations"] == nil ? nil : try Delegations(reader.object("delegations"), dialect: dialect)
        unknownFields = signed.removing(["_type", "version", "expires", "spec_version", "targets", "delegations"])
    }

    /// Reads `signed` whose `targets` map was read into a table (``ParsedFile``).
    init(signed: JSONObject, targets table: CanonicalMemberTable?) throws(MetadataError) {
        try self.init(signed: signed)
        if let table { entries = TargetEntries(table) }
    }

    public var signed: JSONObject {
        var object = JSONObject()
        object["_type"] = .string(dialect.typeName(forRole: "targets"))
        if let delegations { object["delegations"] = .object(delegations.json) }
        object["expires"] = .string(expires.text)
        if let specVersion { object["spec_version"] = .string(specVersion) }
        object["targets"] = .object(targets)
        object["version"] = .integer(version)
        for member in unknownFields.members { object[member.name] = member.value }
        return object
    }

    public func signedMetadata() -> SignedMetadata {
        SignedMetadata(signed: signed)
    }
}
