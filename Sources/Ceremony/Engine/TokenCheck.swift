import PKCS11

/// Finds the token a plan names and refuses any other, showing both identities.
enum TokenCheck {
    static func find(_ selector: TokenSelector, in module: PKCS11Module) throws -> TokenInfo {
        let present = try module.tokens().filter(\.initialized)
        let matches = present.filter { selector.matches($0) }
        if matches.count > 1 {
            throw PKCS11Error.ambiguousToken(selector: selector.spoken, matches: matches.map(\.identity))
        }
        if let token = matches.first { return token }
        // A token sharing the label or the serial, but not both, is the wrong token rather than a missing one.
        let lookalike = present.map(\.identity).first { identity in
            switch selector {
            case let .label(label): return identity.label == label
            case let .serial(serial): return identity.serial == serial
            case let .uri(uri): return uri.token == identity.label || uri.serial == identity.serial
            }
        }
        if let lookalike {
            throw PKCS11Error.invalidArgument("wrong token: the plan expects \(selector.spoken) (\(selector.kind) \(selector.value)), but the token present is \(lookalike) from \(lookalike.manufacturer) \(lookalike.model); remove it and insert the planned token")
        }
        let list = present.isEmpty ? "none" : present.map(\.identity.description).joined(separator: ", ")
        throw PKCS11Error.invalidArgument("\(selector.spoken) is not present (the plan expects \(selector.kind) \(selector.value)); tokens present: \(list)")
    }
}
