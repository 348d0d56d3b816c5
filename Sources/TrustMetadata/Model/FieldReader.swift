/// Typed access to the members of a JSON object, with errors that name the field path.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    init(_ value: JSONValue, path: String) throws(MetadataError) {
        guard case .object(let object) = value else {
            throw .invalidField(path: path, reason: "expected an object, found \(value.kindName)")
        }
        self.init(object, path: path)
    }

    func fieldPath(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func value(_ name: String) throws(MetadataError) -> JSONValue {
        guard let value = object[name] else { throw .invalidField(path: fieldPath(name), reason: "missing") }
        return value
    }

    func string(_ name: String) throws(MetadataError) -> String {
        let value = try value(name)
        guard case .string(let s) = value else {
            throw .invalidField(path: fieldPath(name), reason: "expected a string, found \(value.kindName)")
        }
        return s
    }

    func optionalString(_ name: String) throws(MetadataError) -> String? {
        guard object[name] != nil else { return nil }
        return try string(name)
    }

    func integer(_ name: String) throws(MetadataError) -> Int64 {
        let value = try value(name)
        if case .bigInteger(let digits) = value {
            throw .invalidField(path: fieldPath(name),
                                reason: "the integer \(digits) is over this tool's limit for \(name) (\(Int64.min) to \(Int64.max))")
        }
        guard case .integer(let i) = value else {
            throw .invalidField(path: fieldPath(name), reason: "expected an integer, found \(value.kindName)")
        }
        return i
    }

    func bool(_ name: String) throws(MetadataError) -> Bool {
        let value = try value(name)
        guard case .bool(let b) = value else {
            throw .invalidField(path: fieldPath(name), reason: "expected a boolean, found \(value.kindName)")
        }
        return b
    }

    func optionalBool(_ name: String) throws(MetadataError) -> Bool? {
        guard object[name] != nil else { return nil }
        return try bool(name)
    }

    func object(_ name: String) throws(MetadataError) -> FieldReader {
        try FieldReader(value(name), path: fieldPath(name))
    }

    /// The members of this object as a map from name to the value `transform` reads.
    ///
    /// A Swift `[String: …]` key merges names that are only canonically equivalent
    /// (NFC and NFD), which the JSON reader keeps apart as the peers do; such a pair of
    /// names (key IDs, role names) is refused here rather than silently merged.
    /// - Throws: `MetadataError.invalidField` naming both spellings, or what `transform` throws.
    func map<Value>(_ transform: (JSONValue, String) throws(MetadataError) -> Value) throws(MetadataError) -> [String: Value] {
        var result: [String: Value] = [:]
        result.reserveCapacity(object.count)
        for member in object.members {
            // The names are distinct as bytes, so a key already there was spelled otherwise
            // (the dictionary keeps the first spelling).
            if let earlier = result.index(forKey: member.name) {
                throw .invalidField(path: fieldPath(member.name),
                                    reason: "the names \(Self.codePoints(result.keys[earlier])) and \(Self.codePoints(member.name)) differ only in Unicode normalization; this tool cannot hold both and refuses the file")
            }
            result[member.name] = try transform(member.value, fieldPath(member.name))
        }
        return result
    }

    /// A name written as its Unicode scalars (`U+0065 U+0301`), for messages about look-alike names.
    static func codePoints(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16, uppercase: true))}" }.joined() + "\""
    }

    func array(_ name: String) throws(MetadataError) -> [JSONValue] {
        let value = try value(name)
        guard case .array(let a) = value else {
            throw .invalidField(path: fieldPath(name), reason: "expected an array, found \(value.kindName)")
        }
        return a
    }

    func stringArray(_ name: String) throws(MetadataError) -> [String] {
        var result: [String] = []
        for (i, element) in try array(name).enumerated() {
            guard case .string(let s) = element else {
                throw .invalidField(path: "\(fieldPath(name))[\(i)]", reason: "expected a string")
            }
            result.append(s)
        }
        return result
    }

    /// A string array that may be written as `null`, as Go encodes a nil slice (notary).
    func stringArrayOrNull(_ name: String) throws(MetadataError) -> [String] {
        if object[name]?.isNull == true { return [] }
        return try stringArray(name)
    }

    func optionalStringArray(_ name: String) throws(MetadataError) -> [String]? {
        guard object[name] != nil else { return nil }
        return try stringArray(name)
    }

    func time(_ name: String, dialect: Dialect) throws(MetadataError) -> MetadataTime {
        let text = try string(name)
        guard let time = MetadataTime(text) else {
            throw .invalidField(path: fieldPath(name), reason: "not an RFC 3339 time: \(text)")
        }
        if dialect == .tuf, !time.isTUFForm {
            throw .invalidField(path: fieldPath(name), reason: "TUF times are written YYYY-MM-DDTHH:MM:SSZ, found \(text)")
        }
        return time
    }
}
