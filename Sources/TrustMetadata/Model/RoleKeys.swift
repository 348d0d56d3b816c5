/// A role's key IDs and signature threshold, as listed in root (`roles`) metadata.
public struct RoleKeys: Hashable, Sendable {
    /// The key IDs allowed to sign for the role, in file order.
    public var keyIDs: [String]
    /// How many distinct keys must sign.
    public var threshold: Int64
    /// Members this tool does not know, kept for round-trip.
    public var unknownFields: JSONObject

    public init(keyIDs: [String], threshold: Int64, unknownFields: JSONObject = JSONObject()) {
        self.keyIDs = keyIDs
        self.threshold = threshold
        self.unknownFields = unknownFields
    }

    init(_ reader: FieldReader) throws(MetadataError) {
        keyIDs = try reader.stringArray("keyids")
        threshold = try reader.integer("threshold")
        unknownFields = reader.object.removing(["keyids", "threshold"])
    }

    var json: JSONObject {
        var object = unknownFields
        object["keyids"] = .array(keyIDs.map(JSONValue.string))
        object["threshold"] = .integer(threshold)
        return object
    }
}
