import PKCS11
import TrustMetadata

/// Finds the token a plan names and refuses any other, showing both identities.
enum TokenCheck {
    static func find(_ selector: TokenSelector, in module: PKCS11Module) throws -> TokenInfo {
        do {
            return try module.token(matching: selector)
        } catch {
            guard case let .tokenNotFound(_, present) = error else { throw error }
            // A token sharing the label or the serial, but not both, is the wrong token rather than a missing one.
            let lookalike = present.first { identity in
                switch selector {
                case let .label(label): return isSameText(identity.label, label)
                case let .serial(serial): return isSameText(identity.serial, serial)
                case let .uri(uri): return uri.token.map { isSameText($0, identity.label) } == true
                    || uri.serial.map { isSameText($0, identity.serial) } == true
                }
            }
            if let lookalike { throw TokenMismatch.wrongToken(expected: selector, present: lookalike) }
            throw TokenMismatch.missing(expected: selector, present: present)
        }
    }
}
