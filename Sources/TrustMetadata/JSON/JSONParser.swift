/// A strict, bounded JSON reader over bytes (RFC 8259).
///
/// It never traps on input: every problem becomes a ``JSONParseError`` with an
/// offset. Nesting is capped at ``maximumDepth`` so hostile input cannot exhaust
/// the stack, duplicate member names are refused so that every reader agrees on
/// what was signed, and strings must be valid UTF-8.
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 128

    /// The input, read in place: the parser lives only inside `parse`, while the array
    /// it came from is pinned, and copies nothing but the strings it returns.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    /// Whether `signed.targets` is read into a ``CanonicalMemberTable`` where it can be.
    private let defersTargets: Bool
    /// Whether the object being read is the document's `signed`.
    private var inSigned = false
    /// `signed.targets`, when it was read into a table; the tree then holds `{}` in its place.
    private var deferredTargets: CanonicalMemberTable?
    /// Canonical bytes of the members of `signed` found in ``memo``.
    private var knownCanonical: [KnownCanonical] = []
    /// Where `signed.keys` and `signed.roles` already read in this verification are found again.
    private let memo: ParsedValueMemo?

    private init(_ bytes: UnsafeBufferPointer<UInt8>, defersTargets: Bool = false, memo: ParsedValueMemo? = nil) {
        self.bytes = bytes
        self.defersTargets = defersTargets
        self.memo = memo
    }

    /// Parses a whole document; anything but whitespace after the value is an error.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parseDocument(buffer) }
        }
        return try result.get()
    }

    /// Parses a metadata file, reading `signed.targets` (an object at that exact place) into a
    /// ``CanonicalMemberTable`` instead of a tree when it is in the table's subset. The tree
    /// then has an empty object in its place. Values and errors are otherwise exactly those
    /// of ``parse(_:)-(([UInt8]))``.
    ///
    /// - Parameter memo: where `signed.keys` and `signed.roles` are looked up by their bytes
    ///   before they are parsed, and kept after (``ParsedValueMemo``).
    static func parseDeferringTargets(_ bytes: [UInt8], memo: ParsedValueMemo? = nil) throws(JSONParseError) -> DeferredDocument {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in
                var parser = JSONParser(buffer, defersTargets: true, memo: memo)
                let value = try parser.parseDocument()
                return DeferredDocument(value: value, targets: parser.deferredTargets, knownCanonical: parser.knownCanonical)
            }
        }
        return try result.get()
    }

    /// What ``parseDeferringTargets(_:memo:)`` read.
    struct DeferredDocument {
        /// The document; `signed.targets` is `{}` when it was read into ``targets``.
        var value: JSONValue
        /// `signed.targets`, read into a table.
        var targets: CanonicalMemberTable?
        /// The canonical bytes of members of `signed` whose values were found in the memo
        /// (so `signed` can be encoded without walking them again), and of `targets` when it
        /// was read into a table.
        var knownCanonical: [KnownCanonical]
    }

    private static func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.parseDocument()
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position != bytes.count {
            throw error("unexpected data after the JSON value")
        }
        return value
    }

    /// Parses a document given as a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func error(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? position, reason: reason)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected byte 0x\(String(bytes[position], radix: 16))")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("invalid literal", at: start) }
        let matches = literal.withUTF8Buffer { expected in
            for i in 0..<count where bytes[position + i] != expected[i] { return false }
            return true
        }
        guard matches else { throw error("invalid literal", at: start) }
        position += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw JSONParseError(offset: position, reason: "nesting deeper than \(JSONParser.maximumDepth) levels",
                                 isLimit: true)
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONObject {
        try enter()
        defer { depth -= 1 }
        position += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return object
        }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input in object") }
            guard bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let nameOffset = position
            let name = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after member name")
            }
            position += 1
            skipWhitespace()
            let value = defersTargets ? try parseMemberValue(named: name) : try parseValue()
            guard object.appendUnique(name, value) else {
                throw error("duplicate member name \"\(name)\"", at: nameOffset)
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input in object") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return object
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    /// A member's value, noting the document's `signed` and reading `signed.targets` into a table.
    private mutating func parseMemberValue(named name: String) throws(JSONParseError) -> JSONValue {
        if depth == 1, isSameText(name, "signed") {
            inSigned = true
            defer { inSigned = false }
            return try parseValue()
        }
        if depth == 2, inSigned, deferredTargets == nil, isSameText(name, "targets"),
           let table = CanonicalMemberTable.scan(bytes, at: &position, depth: depth) {
            deferredTargets = table
            knownCanonical.append(KnownCanonical(name: name, canonical: table.canonical))
            return .object(JSONObject())
        }
        if depth == 2, inSigned, let memo, ParsedValueMemo.members.contains(where: { isSameText($0, name) }) {
            let start = position
            if let known = memo.value(atStartOf: UnsafeBufferPointer(rebasing: bytes[start...])) {
                position = start + known.length
                if let canonical = known.canonical { knownCanonical.append(KnownCanonical(name: name, canonical: canonical)) }
                return known.value
            }
            let value = try parseValue()
            memo.keep(value, parsedFrom: UnsafeBufferPointer(rebasing: bytes[start..<position]))
            return value
        }
        return try parseValue()
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        try enter()
        defer { depth -= 1 }
        position += 1  // [
        var array: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return array
        }
        while true {
            skipWhitespace()
            array.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input in array") }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return array
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number", at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw error("leading zero in number", at: start)
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid fraction") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        guard isInteger else { return .decimal(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)) }
        // The digits, accumulated as a negative number so that Int64.min fits.
        let negative = bytes[start] == UInt8(ascii: "-")
        var value: Int64 = 0
        var index = negative ? start + 1 : start
        while index < position {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.subtractingReportingOverflow(Int64(bytes[index] &- UInt8(ascii: "0")))
            if overflowA || overflowB {
                // Beyond Int64 the digits are kept as written (JSON integers have no leading zeros).
                return .bigInteger(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
            }
            value = next
            index += 1
        }
        if negative { return .integer(value) }
        guard value != Int64.min else {
            return .bigInteger(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        }
        return .integer(-value)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes, so the bytes are the string; all-ASCII bytes (most names,
        // paths and hex in metadata) are valid UTF-8 as they are and need no validation pass.
        var union: UInt8 = 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let span = UnsafeBufferPointer(rebasing: bytes[start..<position])
                let string: String
                if union < 0x80 {
                    string = String(decoding: span, as: UTF8.self)
                } else {
                    guard let valid = String(validating: span, as: UTF8.self) else {
                        throw error("invalid UTF-8 in string", at: start)
                    }
                    string = valid
                }
                position += 1
                return string
            }
            union |= byte
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            position += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: buffer, as: UTF8.self) else {
                    throw error("invalid UTF-8 in string", at: start)
                }
                position += 1
                return string
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case ..<0x20:
                throw error("control character in string")
            default:
                buffer.append(byte)
                position += 1
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeOffset = position
        position += 1
        guard position < bytes.count else { throw error("unterminated escape", at: escapeOffset) }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(escapeOffset)
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate", at: escapeOffset)
                }
                position += 2
                let low = try parseHex4(escapeOffset)
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate", at: escapeOffset) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("unpaired surrogate", at: escapeOffset)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid escape", at: escapeOffset) }
            UTF8.encode(unicode) { buffer.append($0) }
        default:
            throw error("invalid escape", at: escapeOffset)
        }
    }

    private mutating func parseHex4(_ escapeOffset: Int) throws(JSONParseError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("truncated \\u escape", at: escapeOffset) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape", at: escapeOffset)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
