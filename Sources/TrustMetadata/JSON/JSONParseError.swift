/// Malformed JSON, with the byte offset where reading stopped.
///
/// The offset lets an operator find the broken byte in a file that may be large
/// and machine-written; it counts from 0 at the first byte of the input.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The byte offset of the problem.
    public var offset: Int
    /// What was wrong there.
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "malformed JSON at byte \(offset): \(reason)" }
}
