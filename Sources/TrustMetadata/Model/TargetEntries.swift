import Foundation

/// The `targets` map of a targets role — target path to `{length, hashes, custom?}` — in
/// whichever form it was read.
///
/// Metadata built in code or read by ``TargetsMetadata/init(signed:)`` holds a
/// ``JSONObject``. The verifier reads a file's map into a ``CanonicalMemberTable``
/// instead: its canonical bytes and one span per entry, without a tree (see
/// ``ParsedFile``). Both forms answer the verifier's questions — how many entries, which
/// names, is a path listed, what is wrong with each entry — with the same answers; the
/// table answers them from the bytes, turning an entry into a tree only when it does not
/// have the plain shape every well-formed TUF entry has.
struct TargetEntries: Hashable, Sendable {
    private enum Storage: Sendable {
        case object(JSONObject)
        case table(CanonicalMemberTable)
    }

    private var storage: Storage

    init(_ object: JSONObject) {
        storage = .object(object)
    }

    init(_ table: CanonicalMemberTable) {
        storage = .table(table)
    }

    /// The map as a tree (built from the bytes, for a table).
    var object: JSONObject {
        switch storage {
        case .object(let object): return object
        case .table(let table): return table.object
        }
    }

    /// Hands the map out as a tree for changing, leaving this empty until it is put back.
    mutating func takeObject() -> JSONObject {
        let taken = object
        storage = .object(JSONObject())
        return taken
    }

    /// The number of entries.
    var count: Int {
        switch storage {
        case .object(let object): return object.count
        case .table(let table): return table.members.count
        }
    }

    /// Whether a target path is listed (names compared as UTF-8 bytes).
    func contains(_ path: String) -> Bool {
        var cursor = 0
        return contains(path, cursor: &cursor)
    }

    /// ``contains(_:)`` for paths asked in the map's own order: `cursor` (start at 0) remembers
    /// where the last one was found, so each lookup in order costs one comparison.
    func contains(_ path: String, cursor: inout Int) -> Bool {
        switch storage {
        case .object(let object): return object[path] != nil
        case .table(let table):
            guard let index = table.index(of: path, hint: cursor) else { return false }
            cursor = index + 1
            return true
        }
    }

    /// The target paths in the map's order, and whether that order is strictly ascending by
    /// bytes with every path ASCII — the order `String` sorting gives, with no two paths
    /// canonically equivalent. A table is always so.
    var names: (paths: [String], sortedASCII: Bool) {
        switch storage {
        case .object(let object):
            let members = object.members
            let sortedASCII = CanonicalJSONEncoder.isSorted(members) && members.allSatisfy { Self.isASCII($0.name) }
            return (members.map(\.name), sortedASCII)
        case .table(let table):
            return (table.members.map(table.name(of:)), true)
        }
    }

    /// Every entry's problem, in map order, as `judge` finds it on the entry's tree. An entry
    /// of a TUF table with the plain shape (see ``isPlainTUFEntry(_:)``) is known to have none
    /// and is not made into a tree.
    func problems(dialect: Dialect, judge: (JSONValue) -> String?) -> [(path: String, problem: String)] {
        var problems: [(path: String, problem: String)] = []
        switch storage {
        case .object(let object):
            for member in object.members {
                if let problem = judge(member.value) { problems.append((member.name, problem)) }
            }
        case .table(let table):
            for member in table.members {
                if dialect == .tuf, table.withValue(of: member, Self.isPlainTUFEntry) { continue }
                if let problem = judge(table.value(of: member)) { problems.append((table.name(of: member), problem)) }
            }
        }
        return problems
    }

    static func == (lhs: TargetEntries, rhs: TargetEntries) -> Bool {
        lhs.object == rhs.object
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(object)
    }

    private static func isASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.allSatisfy { $0 < 0x80 } }
    }

    /// Whether a TUF target entry, as canonical bytes from a ``CanonicalMemberTable`` (no
    /// whitespace, no escapes, ASCII), certainly passes the verifier's entry check: an object
    /// with `length` a non-negative integer of at most 18 digits, `hashes` a non-empty object
    /// of non-empty hex strings, and `custom`, if present, an object or null. `false` means
    /// only "not certainly": the caller then checks the entry's tree.
    static func isPlainTUFEntry(_ entry: UnsafeBufferPointer<UInt8>) -> Bool {
        var reader = EntryReader(bytes: entry)
        guard reader.take(UInt8(ascii: "{")) else { return false }
        if reader.take(UInt8(ascii: "}")) { return false }
        var length = false, hashes = false
        repeat {
            guard let name = reader.string() else { return false }
            guard reader.take(UInt8(ascii: ":")), reader.position < entry.count else { return false }
            let valueStart = reader.position
            guard reader.skipValue() else { return false }
            let value = UnsafeBufferPointer(rebasing: entry[valueStart..<reader.position])
            switch name.count {
            case 6 where equals(name, "length"):
                guard value.count <= 18, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
                length = true
            case 6 where equals(name, "hashes"):
                guard isHexStringObject(value) else { return false }
                hashes = true
            case 6 where equals(name, "custom"):
                guard value.first == UInt8(ascii: "{") || equals(value, "null") else { return false }
            default:
                break
            }
        } while reader.take(UInt8(ascii: ","))
        return reader.take(UInt8(ascii: "}")) && reader.position == entry.count && length && hashes
    }

    /// A non-empty object whose every value is a non-empty hex string.
    private static func isHexStringObject(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var reader = EntryReader(bytes: value)
        guard reader.take(UInt8(ascii: "{")), !reader.take(UInt8(ascii: "}")) else { return false }
        repeat {
            guard reader.string() != nil, reader.take(UInt8(ascii: ":")), let hex = reader.string(),
                  ByteEncoding.isHex(hex) else { return false }
        } while reader.take(UInt8(ascii: ","))
        return reader.take(UInt8(ascii: "}")) && reader.position == value.count
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && text.withUTF8Buffer { bytes.elementsEqual($0) }
    }

    /// Steps through canonical bytes that are known to be valid JSON.
    private struct EntryReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// A string's contents (there are no escapes in the table's bytes).
        mutating func string() -> UnsafeBufferPointer<UInt8>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            guard start < bytes.count,
                  let quote = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: "\"")), bytes.count - start) else { return nil }
            position = start + (UnsafeRawPointer(quote) - UnsafeRawPointer(bytes.baseAddress! + start)) + 1
            return UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
        }

        /// Moves past one value: brackets are counted, strings skipped whole.
        mutating func skipValue() -> Bool {
            var nesting = 0
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    if nesting == 0 { return true }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    nesting += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if nesting == 0 { return true }
                    nesting -= 1
                    if nesting == 0 { position += 1; return true }
                case UInt8(ascii: ","):
                    if nesting == 0 { return true }
                default:
                    break
                }
                position += 1
            }
            return nesting == 0
        }
    }
}
