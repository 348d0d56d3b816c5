import CPKCS11

/// The security-relevant attributes of a key object as the token reports them.
///
/// `nil` means the token did not say: either the object has no such attribute, or the session
/// is not logged in and the object is private.
public struct KeyAttributes: Sendable, Equatable, Codable {
    public var token: Bool?
    public var `private`: Bool?
    public var sign: Bool?
    public var verify: Bool?
    public var wrap: Bool?
    public var unwrap: Bool?
    public var decrypt: Bool?
    public var derive: Bool?
    public var sensitive: Bool?
    public var alwaysSensitive: Bool?
    public var extractable: Bool?
    public var neverExtractable: Bool?
    public var local: Bool?
    public var modifiable: Bool?
    /// `CKA_WRAP_WITH_TRUSTED`: the key may be wrapped only under a wrapping key marked trusted.
    public var wrapWithTrusted: Bool?

    enum CodingKeys: String, CodingKey {
        case token, `private`, sign, verify, wrap, unwrap, decrypt, derive, sensitive, extractable, local, modifiable
        case alwaysSensitive = "always_sensitive", neverExtractable = "never_extractable", wrapWithTrusted = "wrap_with_trusted"
    }

    public init() {}

    enum Flag: CaseIterable {
        case token, `private`, sign, verify, wrap, unwrap, decrypt, derive, sensitive, alwaysSensitive, extractable, neverExtractable, local, modifiable, wrapWithTrusted

        var attribute: UInt {
            switch self {
            case .token: return UInt(CKA_TOKEN)
            case .private: return UInt(CKA_PRIVATE)
            case .sign: return UInt(CKA_SIGN)
            case .verify: return UInt(CKA_VERIFY)
            case .wrap: return UInt(CKA_WRAP)
            case .unwrap: return UInt(CKA_UNWRAP)
            case .decrypt: return UInt(CKA_DECRYPT)
            case .derive: return UInt(CKA_DERIVE)
            case .sensitive: return UInt(CKA_SENSITIVE)
            case .alwaysSensitive: return UInt(CKA_ALWAYS_SENSITIVE)
            case .extractable: return UInt(CKA_EXTRACTABLE)
            case .neverExtractable: return UInt(CKA_NEVER_EXTRACTABLE)
            case .local: return UInt(CKA_LOCAL)
            case .modifiable: return UInt(CKA_MODIFIABLE)
            case .wrapWithTrusted: return UInt(CKA_WRAP_WITH_TRUSTED)
            }
        }

        var keyPath: WritableKeyPath<KeyAttributes, Bool?> {
            switch self {
            case .token: return \.token
            case .private: return \.private
            case .sign: return \.sign
            case .verify: return \.verify
            case .wrap: return \.wrap
            case .unwrap: return \.unwrap
            case .decrypt: return \.decrypt
            case .derive: return \.derive
            case .sensitive: return \.sensitive
            case .alwaysSensitive: return \.alwaysSensitive
            case .extractable: return \.extractable
            case .neverExtractable: return \.neverExtractable
            case .local: return \.local
            case .modifiable: return \.modifiable
            case .wrapWithTrusted: return \.wrapWithTrusted
            }
        }
    }

    subscript(flag: Flag) -> Bool? {
        get { self[keyPath: flag.keyPath] }
        set { self[keyPath: flag.keyPath] = newValue }
    }
}

extension Session {
    func readAttributes(of object: CK_OBJECT_HANDLE) throws(PKCS11Error) -> KeyAttributes {
        var attributes = KeyAttributes()
        for flag in KeyAttributes.Flag.allCases {
            attributes[flag] = try boolAttribute(flag.attribute, of: object)
        }
        return attributes
    }
}
