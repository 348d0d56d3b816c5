/// The `delegations` of targets metadata: keys and the roles they sign for.
///
/// TUF also allows `succinct_roles` (hash-binned roles) instead of `roles`; it is
/// read so it can be checked, and kept as written.
public struct Delegations: Hashable, Sendable {
    public var keys: [String: MetadataKey]
    public var roles: [DelegatedRole]?
    /// `succinct_roles` as written (TUF 1.0.31 hash-bin delegations).
    public var succinctRoles: JSONObject?
    public var unknownFields: JSONObject

    public init(keys: [String: MetadataKey], roles: [DelegatedRole]) {
        self.keys = keys
        self.roles = roles
        self.succinctRoles = nil
        self.unknownFields = JSONObject()
    }

    /// - Parameter dialect: Notary (Go) writes empty maps and lists as `null`; they are read as empty.
    init(_ reader: FieldReader, dialect: Dialect) throws(MetadataError) {
        let goNull = dialect == .notary
        let keysReader = goNull && reader.object["keys"]?.isNull == true
            ? FieldReader(JSONObject(), path: reader.fieldPath("keys")) : try reader.object("keys")
        // Names that differ only in Unicode normalization are refused, not merged (see FieldReader.map).
        self.keys = try keysReader.map { value, path throws(MetadataError) in MetadataKey(json: try FieldReader(value, path: path).object) }
        if goNull, reader.object["roles"]?.isNull == true {
            roles = []
        } else if reader.object["roles"] != nil {
            var roles: [DelegatedRole] = []
            for (i, entry) in try reader.array("roles").enumerated() {
                roles.append(try DelegatedRole(FieldReader(entry, path: "\(reader.fieldPath("roles"))[\(i)]"), dialect: dialect))
            }
            self.roles = roles
        } else {
            roles = nil
        }
        succinctRoles = reader.object["succinct_roles"] == nil ? nil : try reader.object("succinct_roles").object
        unknownFields = reader.object.removing(["keys", "roles", "succinct_roles"])
    }

    var json: JSONObject {
        var object = unknownFields
        object["keys"] = .object(JSONObject(keys.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.object($0.value.json)) }))
        if let roles { object["roles"] = .array(roles.map { .object($0.json) }) }
        if let succinctRoles { object["succinct_roles"] = .object(succinctRoles) }
        return object
    }
}
