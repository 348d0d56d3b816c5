import Foundation

/// A string that compares and hashes by its UTF-8 bytes.
///
/// Swift's `String` equality treats canonically equivalent Unicode as equal (NFC `é`
/// and NFD `e` + U+0301, or U+212A KELVIN SIGN and `K`), but every protocol this tool
/// speaks compares bytes: JSON member names (Python's `dict`, Go's `map[string]`),
/// key IDs, role names, GUNs and certificate CNs. Identity strings are compared
/// through this type, or ``isSameText(_:_:)``, never with `String ==`.
public struct ExactText: Hashable, Sendable {
    /// The string; its UTF-8 bytes are its identity.
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public static func == (lhs: ExactText, rhs: ExactText) -> Bool {
        isSameText(lhs.string, rhs.string)
    }

    public func hash(into hasher: inout Hasher) {
        // The bytes in one call: as fast as hashing a String, without its Unicode equivalence.
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Whether two strings have the same UTF-8 bytes (not merely canonically equivalent).
///
/// Compares the two contiguous UTF-8 buffers (lengths first), which native Swift strings
/// already are; a bridged string is made contiguous first.
@inlinable
public func isSameText(_ lhs: String, _ rhs: String) -> Bool {
    let count = lhs.utf8.count
    guard count == rhs.utf8.count else { return false }
    var lhs = lhs, rhs = rhs
    return lhs.withUTF8 { a in
        rhs.withUTF8 { b in count == 0 || memcmp(a.baseAddress!, b.baseAddress!, count) == 0 }
    }
}

/// The byte order of two UTF-8 buffers (Python's and Go's string order): negative if `a` sorts
/// first, zero if they are the same bytes, positive if `b` sorts first.
func utf8Order(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
        let order = memcmp(a.baseAddress!, b.baseAddress!, common)
        if order != 0 { return Int(order) }
    }
    return a.count - b.count
}
