import Foundation

/// A JSON object read straight from a file's bytes into its canonical form, with each
/// member's name and value kept as a span of those canonical bytes instead of a tree.
///
/// This is how the verifier reads a `targets` map that may list a million entries: one
/// pass over the bytes validates the object, drops the whitespace and leaves
/// `canonical` — exactly what ``CanonicalJSONEncoder`` would write for the parsed object
/// — plus one ``Member`` of four offsets per entry, with no heap allocation per entry.
///
/// The scan accepts only a strict subset of what ``JSONParser`` accepts, chosen so that
/// minifying *is* canonicalising: strings of printable ASCII without escapes, integers
/// other than `-0`, no fractions or exponents, and every object's names in strictly
/// ascending byte order (so none is duplicated). Anything else — an escape, non-ASCII
/// text, a name out of order, a syntax error, nesting past ``JSONParser/maximumDepth`` —
/// makes ``scan(_:at:depth:)`` return `nil`, and the caller parses the object the
/// ordinary way, which gives the same value and the same error. Files written by
/// python-tuf (sorted keys), notary and this tool are in the subset.
struct CanonicalMemberTable: Sendable {
    /// One member: offsets into ``canonical`` of its name (without quotes) and its value.
    struct Member: Sendable {
        var nameStart: Int
        var nameEnd: Int
        var valueStart: Int
        var valueEnd: Int
    }

    /// The canonical bytes of the whole object, `{` to `}`.
    let canonical: [UInt8]
    /// The members in file order, which is ascending byte order of their names.
    let members: [Member]

    /// Scans the object starting at `bytes[position]` (a `{`) inside `depth` levels of
    /// nesting; on success moves `position` past its `}`.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, depth: Int) -> CanonicalMemberTable? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { return nil }
        var members: [Member] = []
        var end = position
        var succeeded = false
        // Minifying never lengthens, so the rest of the input bounds the output.
        let canonical = [UInt8](unsafeUninitializedCapacity: bytes.count - position) { output, written in
            var scanner = Scanner(input: bytes, position: position, output: output.baseAddress!, depth: depth)
            do {
                try scanner.object(members: &members, record: true)
                succeeded = true
                end = scanner.position
            } catch {}
            written = succeeded ? scanner.written : 0
        }
        guard succeeded else { return nil }
        position = end
        return CanonicalMemberTable(canonical: canonical, members: members)
    }

    /// The bytes of a member's name.
    func withName<R>(of member: Member, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        canonical.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[member.nameStart..<member.nameEnd])) }
    }

    /// The canonical bytes of a member's value.
    func withValue<R>(of member: Member, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        canonical.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[member.valueStart..<member.valueEnd])) }
    }

    /// A member's name as a string (ASCII, so no validation is needed).
    func name(of member: Member) -> String {
        withName(of: member) { String(decoding: $0, as: UTF8.self) }
    }

    /// A member's value parsed into a tree.
    func value(of member: Member) -> JSONValue {
        // The span was validated by the scan, which accepts less than the parser does.
        (try? JSONParser.parse(Array(canonical[member.valueStart..<member.valueEnd]))) ?? .null
    }

    /// The whole object parsed into a tree.
    var object: JSONObject {
        (try? JSONParser.parse(canonical))?.objectValue ?? JSONObject()
    }

    /// The position of the member with this name (compared as UTF-8 bytes): the member at
    /// `hint` if it is that one (lookups in the table's own order cost one comparison each),
    /// else by binary search.
    func index(of name: String, hint: Int = 0) -> Int? {
        var name = name
        return name.withUTF8 { key -> Int? in
            canonical.withUnsafeBufferPointer { all -> Int? in
                if hint >= 0, hint < members.count {
                    let member = members[hint]
                    if utf8Order(UnsafeBufferPointer(rebasing: all[member.nameStart..<member.nameEnd]), key) == 0 { return hint }
                }
                var low = 0, high = members.count
                while low < high {
                    let middle = (low + high) / 2
                    let member = members[middle]
                    let order = utf8Order(UnsafeBufferPointer(rebasing: all[member.nameStart..<member.nameEnd]), key)
                    if order == 0 { return middle }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    /// The single pass: validates and writes the canonical bytes of one value at a time.
    private struct Scanner {
        struct Refused: Error {}

        let input: UnsafeBufferPointer<UInt8>
        var position: Int
        let output: UnsafeMutablePointer<UInt8>
        var written = 0
        var depth: Int

        init(input: UnsafeBufferPointer<UInt8>, position: Int, output: UnsafeMutablePointer<UInt8>, depth: Int) {
            self.input = input
            self.position = position
            self.output = output
            self.depth = depth
        }

        mutating func skipWhitespace() {
            while position < input.count {
                switch input[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func emit(_ byte: UInt8) {
            output[written] = byte
            written += 1
        }

        mutating func copy(from start: Int, to end: Int) {
            (output + written).update(from: input.baseAddress! + start, count: end - start)
            written += end - start
        }

        mutating func value() throws(Refused) {
            guard position < input.count else { throw Refused() }
            switch input[position] {
            case UInt8(ascii: "{"):
                var ignored: [Member] = []
                try object(members: &ignored, record: false)
            case UInt8(ascii: "["): try array()
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try integer()
            default: throw Refused()
            }
        }

        mutating func enter() throws(Refused) {
            depth += 1
            if depth > JSONParser.maximumDepth { throw Refused() }
        }

        mutating func object(members: inout [Member], record: Bool) throws(Refused) {
            try enter()
            defer { depth -= 1 }
            position += 1  // {
            emit(UInt8(ascii: "{"))
            skipWhitespace()
            if position < input.count, input[position] == UInt8(ascii: "}") {
                position += 1
                emit(UInt8(ascii: "}"))
                return
            }
            var previous: (start: Int, end: Int)?
            while true {
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: "\"") else { throw Refused() }
                let name = try string()
                if let previous {
                    let order = utf8Order(UnsafeBufferPointer(start: output + previous.start, count: previous.end - previous.start),
                                                             UnsafeBufferPointer(start: output + name.start, count: name.end - name.start))
                    guard order < 0 else { throw Refused() }
                }
                previous = name
                skipWhitespace()
                guard position < input.count, input[position] == UInt8(ascii: ":") else { throw Refused() }
                position += 1
                emit(UInt8(ascii: ":"))
                skipWhitespace()
                let valueStart = written
                try value()
                if record {
                    members.append(Member(nameStart: name.start, nameEnd: name.end, valueStart: valueStart, valueEnd: written))
                }
                skipWhitespace()
                guard position < input.count else { throw Refused() }
                switch input[position] {
                case UInt8(ascii: ","): position += 1; emit(UInt8(ascii: ","))
                case UInt8(ascii: "}"): position += 1; emit(UInt8(ascii: "}")); return
                default: throw Refused()
                }
            }
        }

        mutating func array() throws(Refused) {
            try enter()
            defer { depth -= 1 }
            position += 1  // [
            emit(UInt8(ascii: "["))
            skipWhitespace()
            if position < input.count, input[position] == UInt8(ascii: "]") {
                position += 1
                emit(UInt8(ascii: "]"))
                return
            }
            while true {
                skipWhitespace()
                try value()
                skipWhitespace()
                guard position < input.count else { throw Refused() }
                switch input[position] {
                case UInt8(ascii: ","): position += 1; emit(UInt8(ascii: ","))
                case UInt8(ascii: "]"): position += 1; emit(UInt8(ascii: "]")); return
                default: throw Refused()
                }
            }
        }

        /// A string of printable ASCII without escapes; returns its contents' output span.
        mutating func string() throws(Refused) -> (start: Int, end: Int) {
            let start = position + 1
            guard start < input.count,
                  let quote = memchr(input.baseAddress! + start, Int32(UInt8(ascii: "\"")), input.count - start) else { throw Refused() }
            let end = start + (UnsafeRawPointer(quote) - UnsafeRawPointer(input.baseAddress! + start))
            // Escapes and anything outside 0x20…0x7F take the parser's path.
            var outside: UInt8 = 0
            for byte in UnsafeBufferPointer(rebasing: input[start..<end]) {
                outside |= (byte &- 0x20 >= 0x60 ? 1 : 0) | (byte == UInt8(ascii: "\\") ? 1 : 0)
            }
            guard outside == 0 else { throw Refused() }
            emit(UInt8(ascii: "\""))
            let contents = written
            copy(from: start, to: end)
            let contentsEnd = written
            emit(UInt8(ascii: "\""))
            position = end + 1
            return (contents, contentsEnd)
        }

        /// An integer as JSON writes it, which canonical JSON writes the same (not `-0`).
        mutating func integer() throws(Refused) {
            let start = position
            if input[position] == UInt8(ascii: "-") { position += 1 }
            guard position < input.count, isDigit(input[position]) else { throw Refused() }
            if input[position] == UInt8(ascii: "0") {
                // `0` alone; `-0` is written `0` canonically, and `01` is an error.
                guard position == start else { throw Refused() }
                position += 1
            } else {
                while position < input.count, isDigit(input[position]) { position += 1 }
            }
            if position < input.count {
                switch input[position] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    throw Refused()
                default: break
                }
            }
            copy(from: start, to: position)
        }

        mutating func literal(_ text: StaticString) throws(Refused) {
            let count = text.utf8CodeUnitCount
            guard input.count - position >= count else { throw Refused() }
            let matches = text.withUTF8Buffer { expected in
                for i in 0..<count where input[position + i] != expected[i] { return false }
                return true
            }
            guard matches else { throw Refused() }
            copy(from: position, to: position + count)
            position += count
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
    }
}
