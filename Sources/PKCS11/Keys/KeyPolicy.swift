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
    /// Read-back differences a site profile names, each with its reason. Empty by default: the
    /// read-back is then exactly as strict as the policy.
    public var exceptions: [KeyPolicyException]

    public init(label: String, extractable: Bool = false, preferUnmodifiable: Bool = true,
                exceptions: [KeyPolicyException] = []) {
        self.label = label
        self.extractable = extractable
        self.preferUnmodifiable = preferUnmodifiable
        self.exceptions = exceptions
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

    /// The matching public-key template: a public object on the token, found by its `CKA_ID`.
    ///
    /// It asks for nothing the policy does not need. `CKA_VERIFY` in particular is left out:
    /// signatures are verified in software, never on the token, and tpm2-pkcs11 maps the public
    /// key's `CKA_VERIFY` and the private key's `CKA_DECRYPT` onto one TPM attribute, so asking
    /// for `CKA_VERIFY=true` beside `CKA_DECRYPT=false` makes it fail with `CKR_GENERAL_ERROR`.
    func publicKeyTemplate(_ algorithm: KeyAlgorithm, id: [UInt8]) -> AttributeTemplate {
        AttributeTemplate()
            .add(UInt(CKA_CLASS), ulong: UInt(CKO_PUBLIC_KEY))
            .add(UInt(CKA_KEY_TYPE), ulong: algorithm.keyType)
            .add(UInt(CKA_TOKEN), bool: true)
            .add(UInt(CKA_PRIVATE), bool: false)
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

/// A read-back difference that a site profile names explicitly, with its reason.
///
/// Only `CKA_LOCAL` may be excepted, and only to read back `false`: NSS softokn never sets it,
/// even on keys it generated. Sensitivity, extractability and usage are never relaxed. A key
/// generated under an exception that was actually used records it in ``TokenKey/exceptionsApplied``.
public struct KeyPolicyException: Sendable, Equatable, Hashable, Codable {
    public enum Attribute: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        case local = "CKA_LOCAL"

        var flag: KeyAttributes.Flag {
            switch self {
            case .local: return .local
            }
        }
    }

    public var attribute: Attribute
    /// Why the site accepts it, as the profile says; recorded in the transcript.
    public var reason: String

    public init(attribute: Attribute, reason: String) {
        self.attribute = attribute
        self.reason = reason
    }

    /// The value this exception accepts instead of the policy's.
    var acceptedValue: Bool {
        switch attribute {
        case .local: return false
        }
    }
}
