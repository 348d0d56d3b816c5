import PKCS11

/// A ceremony failure, in words that name the step, the holder and the token.
package struct CeremonyFailure: Error, CustomStringConvertible {
    package let step: CeremonyStep?
    package let holder: String?
    package let token: TokenIdentity?
    package let reason: String
    /// Whether the cause was the input (plan, files) rather than a token or a check.
    package let isInputError: Bool
    /// Whether Ctrl-C or SIGTERM stopped the ceremony (exit status 130, as for any interrupted command).
    package let interrupted: Bool

    package init(step: CeremonyStep?, holder: String? = nil, token: TokenIdentity? = nil, reason: String,
                isInputError: Bool = false, interrupted: Bool = false) {
        self.step = step
        self.holder = holder
        self.token = token
        self.reason = reason
        self.isInputError = isInputError
        self.interrupted = interrupted
    }

    package var description: String {
        var where_: [String] = []
        if let step { where_.append("step \(step.number)/\(step.total)") }
        if let holder { where_.append("holder \(holder)") }
        if let token { where_.append("token \(token)") }
        return where_.isEmpty ? reason : "\(where_.joined(separator: ", ")): \(reason)"
    }
}
