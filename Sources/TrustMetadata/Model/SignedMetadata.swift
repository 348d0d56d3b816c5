/// A metadata file: the `signed` object and its `signatures`.
///
/// `signed` is kept as parsed JSON, so fields the models do not know survive and
/// the canonical bytes that were signed can be recomputed exactly.
public struct SignedMetadata: Hashable, Sendable {
    /// The signed portion.
    public var signed: JSONObject
    /// The signatures in file order.
    public var signatures: [MetadataSignature]
    /// Top-level members other than `signed` and `signatures`, kept for round-trip.
    public var unknownFields: JSONObject

    public init(signed: JSONObject, signatures: [MetadataSignature] = [], unknownFields: JSONObject = JSONObject()) {
        self.signed = signed
        self.signatures = signatures
        self.unknownFields = unknownFields
    }

    /// Reads a metadata file.
    public init(bytes: [UInt8]) throws(MetadataError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .malformedJSON(error)
        }
        try self.init(json: value)
    }

    /// Reads a metadata file as the verifier does: `signed.targets` is read into a
    /// ``CanonicalMemberTable`` where it can be (the envelope then holds `{}` in its place).
    static func readDeferringTargets(_ bytes: [UInt8], memo: ParsedValueMemo? = nil) throws(MetadataError) -> (SignedMetadata, JSONParser.DeferredDocument) {
        let parsed: JSONParser.DeferredDocument
        do {
            parsed = try JSONParser.parseDeferringTargets(bytes, memo: memo)
        } catch {
            throw .malformedJSON(error)
        }
        return (try SignedMetadata(json: parsed.value), parsed)
    }

    /// Reads metadata from a parsed document.
    public init(json: JSONValue) throws(MetadataError) {
        let reader = try FieldReader(json, path: "")
        signed = try reader.object("signed").object
        var signatures: [MetadataSignature] = []
        for (i, entry) in try reader.array("signatures").enumerated() {
            signatures.append(try MetadataSignature(json: entry, path: "signatures[\(i)]"))
        }
        self.signatures = signatures
        unknownFields = reader.object.removing(["signed", "signatures"])
    }

    /// `signed._type`, if present.
    public var typeName: String? { signed["_type"]?.stringValue }

    /// The dialect suggested by `_type`, if recognisable.
    public var dialect: Dialect? { typeName.flatMap(Dialect.detect(typeName:)) }

    /// The bytes that signatures cover: canonical JSON of `signed`.
    public func canonicalSignedBytes() throws(MetadataError) -> [UInt8] {
        try canonicalSignedBytes(reservingCapacity: 256)
    }

    /// The canonical bytes of `signed`, with room for `capacity` bytes reserved up front
    /// (a file's size bounds its canonical `signed`).
    func canonicalSignedBytes(reservingCapacity capacity: Int) throws(MetadataError) -> [UInt8] {
        do {
            return try CanonicalJSONEncoder.encode(.object(signed), reservingCapacity: capacity)
        } catch {
            throw .notCanonical(error.description)
        }
    }

    /// The canonical bytes of `signed` with some members' values given as their canonical bytes.
    func canonicalSignedBytes(substituting known: [KnownCanonical], reservingCapacity capacity: Int) throws(MetadataError) -> [UInt8] {
        do {
            return try CanonicalJSONEncoder.encode(signed, substituting: known, reservingCapacity: capacity)
        } catch {
            throw .notCanonical(error.description)
        }
    }

    /// The file bytes in the dialect's form.
    ///
    /// Notary: compact `{"signed":…,"signatures":[…]}` in that order, because
    /// notary-server hashes the exact bytes and clients compare those hashes.
    /// TUF: indented with sorted keys, as python-tuf writes it.
    public func fileBytes(dialect: Dialect) throws(MetadataError) -> [UInt8] {
        switch dialect {
        case .notary:
            var output: [UInt8] = Array(#"{"signed":"#.utf8)
            output.append(contentsOf: try canonicalSignedBytes())
            output.append(contentsOf: #","signatures":"#.utf8)
            do {
                try CanonicalJSONEncoder.write(.array(signatures.map(\.json)), into: &output)
                for member in unknownFields.members {
                    output.append(UInt8(ascii: ","))
                    CanonicalJSONEncoder.writeString(member.name, into: &output)
                    output.append(UInt8(ascii: ":"))
                    try CanonicalJSONEncoder.write(member.value, into: &output)
                }
            } catch {
                throw .notCanonical(error.description)
            }
            output.append(UInt8(ascii: "}"))
            return output
        case .tuf:
            var top = JSONObject()
            top["signatures"] = .array(signatures.map(\.json))
            top["signed"] = .object(signed)
            for member in unknownFields.members { top[member.name] = member.value }
            var output = PrettyJSONEncoder.encode(.object(top))
            output.append(0x0A)
            return output
        }
    }
}
