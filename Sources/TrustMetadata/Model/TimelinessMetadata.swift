/// The `signed` part of snapshot or timestamp metadata, read for verification only.
///
/// Ceremonies never write these (online keys do), but a directory being verified
/// may contain them, and their signatures and expiry are checked against root.
public struct TimelinessMetadata: Hashable, Sendable {
    /// `snapshot` or `timestamp`.
    public var role: String
    public var dialect: Dialect
    public var version: Int64
    public var expires: MetadataTime
    /// `meta`: file name to `{version?, length?, hashes?}`.
    public var meta: JSONObject

    public init(signed: JSONObject) throws(MetadataError) {
        let reader = FieldReader(signed, path: "signed")
        let type = try reader.string("_type")
        guard let dialect = Dialect.detect(typeName: type), type.lowercased() == "snapshot" || type.lowercased() == "timestamp" else {
            throw .invalidField(path: "signed._type", reason: "expected snapshot or timestamp, found \(type)")
        }
        self.role = type.lowercased()
        self.dialect = dialect
        version = try reader.integer("version")
        expires = try reader.time("expires", dialect: dialect)
        meta = try reader.object("meta").object
    }
}
