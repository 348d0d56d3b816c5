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

    init(_ reader: FieldReader) throws(MetadataError) {
        let keysReader = try reader.object("keys")
        self.keys = try keysReader.map { value, path throws(MetadataError) in MetadataKey(json: try FieldReader(value, path: path).object) }
        if reader.object["roles"] != nil {
            var roles: [DelegatedRole] = []
            for (i, entry) in try reader.array("roles").enumerated() {
                roles.append(try DelegatedRole(FieldReader(entry, path: "\(reader.fieldPath("roles"))[\(i)]")))
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
