/// A metadata file's name and bytes, as handed to the verifier.
public struct MetadataFile: Hashable, Sendable {
    /// A name to report findings under (usually the path).
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
