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
        hasher.combine(string.utf8.count)
        for byte in string.utf8 { hasher.combine(byte) }
    }
}

/// Whether two strings have the same UTF-8 bytes (not merely canonically equivalent).
@inlinable
public func isSameText(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.elementsEqual(rhs.utf8)
}
