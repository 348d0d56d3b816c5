import PKCS11

/// The token in the slot is not the one the plan (or this ceremony so far) calls for.
package enum TokenMismatch: Error, Equatable, CustomStringConvertible {
    /// A token shares the planned label or serial, but is not the planned token.
    case wrongToken(expected: TokenSelector, present: TokenIdentity)
    /// No token matches, and none resembles the planned one.
    case missing(expected: TokenSelector, present: [TokenIdentity])
    /// The key was generated on one token and a different one came back for signing.
    case changed(key: String, generatedOn: TokenIdentity, inserted: TokenIdentity)
    /// The token already holds another root key of this ceremony.
    case alreadyUsed(token: TokenIdentity, byKey: String, holder: String)

    package var description: String {
        switch self {
        case let .wrongToken(expected, present):
            return "wrong token: the plan expects \(expected.spoken) (\(expected.kind) \(expected.value)), but the token present is \(present) from \(present.manufacturer) \(present.model); remove it and insert the planned token"
        case let .missing(expected, present):
            let list = present.isEmpty ? "none" : present.map(\.description).joined(separator: ", ")
            return "\(expected.spoken) is not present (the plan expects \(expected.kind) \(expected.value)); tokens present: \(list)"
        case let .changed(key, generatedOn, inserted):
            return "wrong token: key '\(key)' belongs on token \(generatedOn) (found there at preflight), but token \(inserted) was inserted"
        case let .alreadyUsed(token, byKey, holder):
            return "token \(token) already holds key '\(byKey)' of \(holder); each root key needs a token of its own"
        }
    }
}
