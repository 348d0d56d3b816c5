import CPKCS11

/// The attributes a generated key must have, set explicitly and then read back and checked.
///
/// The defaults are those of a root key: it lives on the token, needs a login, can only sign,
/// and can never leave the token. A backup ceremony relaxes `extractable` so that the key can
/// be wrapped — and only wrapped — under a backup key.
public struct KeyPolicy: Sendable, Equatable, Codable {
    public var label: String
    public var extractable: Bool
    /// Ask for `CKA_MODIFIABLE=false`; dropped silently only if the token refuses the attribute.
    public var preferUnmodifiable: Bool

    public init(label: String, extractable: Bool = false, preferUnmodifiable: Bool = true) {
        self.label = label
        self.extractable = extractable
        self.preferUnmodifiable = preferUnmodifiable
    }

    /// The private-key template: a signing key that can do nothing else, under this policy.
    /// Used for generation and for restoring a wrapped key, so both obey the same rules.
    func privateKeyTemplate(_ algorithm: KeyAlgorithm, id: [UInt8]) -> AttributeTemplate {
        AttributeTemplate()
            .add(UInt(CKA_CLASS), ulong: UInt(CKO_PRIVATE_KEY))
            .add(UInt(CKA_KEY_TYPE), ulong: algorithm.keyType)
            .add(UInt(CKA_TOKEN), bool: true)
            .add(UInt(CKA_PRIVATE), bool: true)
            .add(UInt(CKA_SIGN), bool: true)
            .add(UInt(CKA_DECRYPT), bool: false)
            .add(UInt(CKA_UNWRAP), bool: false)
            .add(UInt(CKA_DERIVE), bool: false)
            .add(UInt(CKA_SENSITIVE), bool: true)
            .add(UInt(CKA_EXTRACTABLE), bool: extractable)
            .add(UInt(CKA_LABEL), string: label)
            .add(UInt(CKA_ID), bytes: id)
    }

    /// The matching public-key template: public, verify only.
    func publicKeyTemplate(_ algorithm: KeyAlgorithm, id: [UInt8]) -> AttributeTemplate {
        AttributeTemplate()
            .add(UInt(CKA_CLASS), ulong: UInt(CKO_PUBLIC_KEY))
            .add(UInt(CKA_KEY_TYPE), ulong: algorithm.keyType)
            .add(UInt(CKA_TOKEN), bool: true)
            .add(UInt(CKA_PRIVATE), bool: false)
            .add(UInt(CKA_VERIFY), bool: true)
            .add(UInt(CKA_LABEL), string: label)
            .add(UInt(CKA_ID), bytes: id)
    }

    /// The attribute values the read-back must show on the private key.
    var expectations: [(name: String, attribute: KeyAttributes.Flag, value: Bool)] {
        [
            ("CKA_SENSITIVE", .sensitive, true),
            ("CKA_ALWAYS_SENSITIVE", .alwaysSensitive, true),
            ("CKA_EXTRACTABLE", .extractable, extractable),
            ("CKA_NEVER_EXTRACTABLE", .neverExtractable, !extractable),
            ("CKA_LOCAL", .local, true),
            ("CKA_SIGN", .sign, true),
            ("CKA_DECRYPT", .decrypt, false),
            ("CKA_UNWRAP", .unwrap, false),
            ("CKA_DERIVE", .derive, false),
            ("CKA_PRIVATE", .private, true),
            ("CKA_TOKEN", .token, true),
        ]
    }
}
