/// A JSON object that remembers the order its members were read in.
///
/// Order matters for the Notary file form (`signed` before `signatures`) and for
/// writing files that look like the peers' own; canonical encoding sorts anyway.
/// Member names are unique: the parser rejects duplicates, because two readers
/// that pick different duplicates would disagree about what was signed. Names are
/// compared by their UTF-8 bytes, as Python and Go compare them: NFC `é` and NFD
/// `e` + U+0301 are two different members (see ``ExactText``).
///
/// Most metadata objects have a handful of members (a target entry has two or
/// three), so lookups scan the members; only objects larger than
/// ``indexThreshold`` (a `targets` map, a `keys` map) build a hash index. That keeps
/// parsing 100,000 targets to one allocation per object instead of two.
public struct JSONObject: Hashable, Sendable {
    /// Member count above which a name index is kept.
    static let indexThreshold = 12

    /// The members in order.
    public private(set) var members: [(name: String, value: JSONValue)]
    private var index: [ExactText: Int]?

    /// An empty object.
    public init() {
        members = []
        index = nil
    }

    /// An object with the given members; a later duplicate name replaces the earlier value.
    public init(_ members: [(String, JSONValue)]) {
        self.init()
        self.members.reserveCapacity(members.count)
        for (name, value) in members { self[name] = value }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// The member names in order.
    public var names: [String] { members.map(\.name) }

    private func position(of name: String) -> Int? {
        if let index { return index[ExactText(name)] }
        return members.firstIndex { isSameText($0.name, name) }
    }

    private mutating func rebuildIndexIfLarge() {
        guard members.count > Self.indexThreshold else {
            index = nil
            return
        }
        var built: [ExactText: Int] = [:]
        built.reserveCapacity(members.count)
        for (i, member) in members.enumerated() { built[ExactText(member.name)] = i }
        index = built
    }

    /// The value of a member, or `nil`. Setting `nil` removes the member.
    public subscript(name: String) -> JSONValue? {
        get { position(of: name).map { members[$0].value } }
        set {
            if let position = position(of: name) {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    rebuildIndexIfLarge()
                }
            } else if let newValue {
                append(name, newValue)
            }
        }
    }

    private mutating func append(_ name: String, _ value: JSONValue) {
        members.append((name, value))
        if index != nil {
            index![ExactText(name)] = members.count - 1
        } else if members.count > Self.indexThreshold {
            rebuildIndexIfLarge()
        }
    }

    /// Appends a member known to be new; returns `false` if the name already exists.
    @discardableResult
    mutating func appendUnique(_ name: String, _ value: JSONValue) -> Bool {
        if index != nil {
            // One hash of the name: insert, and put back the earlier position of a duplicate.
            let key = ExactText(name)
            if let earlier = index!.updateValue(members.count, forKey: key) {
                index![key] = earlier
                return false
            }
            members.append((name, value))
            return true
        }
        if position(of: name) != nil { return false }
        append(name, value)
        return true
    }

    /// The members except those named (compared as bytes), keeping order: the fields a model does not know.
    ///
    /// - Parameter names: a few names (a model's fields), scanned for each member: no hashing.
    public func removing(_ names: [String]) -> JSONObject {
        var rest = JSONObject()
        for member in members where !names.contains(where: { isSameText($0, member.name) }) {
            rest.append(member.name, member.value)
        }
        return rest
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        // One stored object (a value shared through ``ParsedValueMemo``) is equal to itself.
        if lhs.members.withUnsafeBufferPointer({ $0.baseAddress }) == rhs.members.withUnsafeBufferPointer({ $0.baseAddress }) {
            return true
        }
        for member in lhs.members where rhs[member.name] != member.value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        // Order-independent: equal objects may list members in different orders.
        var combined = 0
        for member in members {
            var h = Hasher()
            h.combine(ExactText(member.name))
            h.combine(member.value)
            combined ^= h.finalize()
        }
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
