/// JSON that could not be read, with the byte offset where reading stopped.
///
/// The offset lets an operator find the broken byte in a file that may be large
/// and machine-written; it counts from 0 at the first byte of the input. Input that
/// is valid JSON but goes past a limit of this tool (``JSONParser/maximumDepth``)
/// is said to be over that limit, with its value, not to be malformed.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The byte offset of the problem.
    public var offset: Int
    /// What was wrong there.
    public var reason: String
    /// Whether the input is well-formed but over one of this tool's limits.
    public var isLimit: Bool

    public init(offset: Int, reason: String, isLimit: Bool = false) {
        self.offset = offset
        self.reason = reason
        self.isLimit = isLimit
    }

    public var description: String {
        isLimit ? "JSON at byte \(offset) is over this tool's limit: \(reason)"
                : "malformed JSON at byte \(offset): \(reason)"
    }
}
