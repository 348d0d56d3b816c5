/// The `LibraryParameters` string some modules need at `C_Initialize` (passed in
/// `CK_C_INITIALIZE_ARGS.pReserved`), such as NSS softokn's
/// `configdir='sql:/path' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`.
///
/// The string is recorded in the transcript, so it must never hold a secret: one that names a
/// PIN, password, passphrase, secret, credential or authentication value anywhere (NSS nests
/// `name=value` pairs inside `tokens=<…[…]>`) is refused, as is one with control characters.
public struct LibraryParameters: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// Longer strings are refused: nothing a module needs comes near it, and a transcript
    /// record should stay readable.
    public static let maximumLength = 4096

    /// Parts of a parameter name that mark it as a secret.
    static let secretMarkers = ["pin", "pass", "pwd", "secret", "credential", "auth", "token-password", "privkey", "private"]

    public init(_ text: String) throws(PKCS11Error) {
        if let problem = Self.problem(text) { throw .invalidArgument(problem) }
        self.text = text
    }

    public var description: String { text }

    /// Why `text` cannot be used as module parameters, or nil when it can. Never repeats a value.
    public static func problem(_ text: String) -> String? {
        if text.isEmpty { return "the module parameters are empty; leave them out instead" }
        if text.utf8.count > maximumLength {
            return "the module parameters are \(text.utf8.count) bytes; at most \(maximumLength) are accepted"
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{7F}" }) {
            return "the module parameters contain a control character (a line break or tab, say); write them on one line"
        }
        for name in parameterNames(text) {
            let lowered = name.lowercased()
            if let marker = secretMarkers.first(where: { lowered.contains($0) }) {
                return "the module parameters set '\(name)', which looks like a secret (it contains '\(marker)'); "
                    + "PINs and passwords are typed at the terminal and never written in a plan, profile or transcript"
            }
        }
        if text.range(of: "://[^/@\\s]*:[^/@\\s]*@", options: .regularExpression) != nil {
            return "the module parameters contain a URL with a user name and password; credentials are never written in a plan, profile or transcript"
        }
        return nil
    }

    /// Every `name` that is followed by `=`, at any nesting depth.
    static func parameterNames(_ text: String) -> [String] {
        var names: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || "_-.".contains(character) {
                current.append(character)
                continue
            }
            if character == "=", !current.isEmpty { names.append(current) }
            current = ""
        }
        return names
    }
}
