import CPKCS11

/// The AES key-wrap mechanisms a backup may use.
public enum WrapMechanism: String, Sendable, Codable, CaseIterable {
    /// RFC 5649, AES key wrap with padding (`CKM_AES_KEY_WRAP_PAD`).
    case aesKeyWrapPad = "aes-key-wrap-pad"
    /// RFC 3394, AES key wrap (`CKM_AES_KEY_WRAP`); the key encoding must be a multiple of 8 bytes.
    case aesKeyWrap = "aes-key-wrap"

    var mechanism: UInt {
        switch self {
        case .aesKeyWrapPad: return UInt(CKM_AES_KEY_WRAP_PAD)
        case .aesKeyWrap: return UInt(CKM_AES_KEY_WRAP)
        }
    }
}

/// An AES key on the token that may only wrap and unwrap.
public struct WrappingKey: Sendable, Equatable {
    public let label: String
    let handle: CK_OBJECT_HANDLE
}
