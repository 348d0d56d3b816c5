import CPKCS11

/// A `CKR_*` value with its name and a sentence a security officer can act on.
public struct ReturnCode: Sendable, Equatable, CustomStringConvertible {
    public let rawValue: UInt

    init(_ rawValue: CK_RV) { self.rawValue = UInt(rawValue) }

    /// The constant's name, e.g. `CKR_PIN_INCORRECT`, or a hex value for vendor codes.
    public var name: String {
        Self.table[rawValue]?.name ?? (rawValue >= 0x8000_0000 ? "vendor-defined error" : "unknown error")
    }

    /// What the code means, in words.
    public var meaning: String {
        Self.table[rawValue]?.meaning ?? "the token returned an error this tool does not know"
    }

    public var description: String { "\(meaning) (\(name))" }

    public static let pinIncorrect = ReturnCode(CK_RV(CKR_PIN_INCORRECT))
    public static let pinLocked = ReturnCode(CK_RV(CKR_PIN_LOCKED))
    public static let tokenNotPresent = ReturnCode(CK_RV(CKR_TOKEN_NOT_PRESENT))
    public static let deviceRemoved = ReturnCode(CK_RV(CKR_DEVICE_REMOVED))
    public static let sessionHandleInvalid = ReturnCode(CK_RV(CKR_SESSION_HANDLE_INVALID))
    public static let keyNotWrappable = ReturnCode(CK_RV(CKR_KEY_NOT_WRAPPABLE))
    public static let keyUnextractable = ReturnCode(CK_RV(CKR_KEY_UNEXTRACTABLE))

    /// Whether the code means the token went away mid-operation.
    public var meansTokenRemoved: Bool {
        self == .tokenNotPresent || self == .deviceRemoved || self == .sessionHandleInvalid
            || rawValue == UInt(CKR_SESSION_CLOSED)
    }

    private static let table: [UInt: (name: String, meaning: String)] = {
        let entries: [(CK_RV, String, String)] = [
            (CK_RV(CKR_CANCEL), "CKR_CANCEL", "the operation was cancelled"),
            (CK_RV(CKR_HOST_MEMORY), "CKR_HOST_MEMORY", "the host ran out of memory"),
            (CK_RV(CKR_SLOT_ID_INVALID), "CKR_SLOT_ID_INVALID", "the slot no longer exists"),
            (CK_RV(CKR_GENERAL_ERROR), "CKR_GENERAL_ERROR", "the token reported a general failure"),
            (CK_RV(CKR_FUNCTION_FAILED), "CKR_FUNCTION_FAILED", "the token could not complete the operation"),
            (CK_RV(CKR_ARGUMENTS_BAD), "CKR_ARGUMENTS_BAD", "the token rejected the arguments"),
            (CK_RV(CKR_ATTRIBUTE_READ_ONLY), "CKR_ATTRIBUTE_READ_ONLY", "an attribute cannot be set on this token"),
            (CK_RV(CKR_ATTRIBUTE_SENSITIVE), "CKR_ATTRIBUTE_SENSITIVE", "the attribute is sensitive and cannot be read"),
            (CK_RV(CKR_ATTRIBUTE_TYPE_INVALID), "CKR_ATTRIBUTE_TYPE_INVALID", "the object has no such attribute"),
            (CK_RV(CKR_ATTRIBUTE_VALUE_INVALID), "CKR_ATTRIBUTE_VALUE_INVALID", "the token rejected an attribute value"),
            (CK_RV(CKR_DATA_INVALID), "CKR_DATA_INVALID", "the token rejected the data to process"),
            (CK_RV(CKR_DATA_LEN_RANGE), "CKR_DATA_LEN_RANGE", "the data has the wrong length for this mechanism"),
            (CK_RV(CKR_DEVICE_ERROR), "CKR_DEVICE_ERROR", "the token hardware reported an error"),
            (CK_RV(CKR_DEVICE_MEMORY), "CKR_DEVICE_MEMORY", "the token is out of memory"),
            (CK_RV(CKR_DEVICE_REMOVED), "CKR_DEVICE_REMOVED", "the token was removed during the operation"),
            (CK_RV(CKR_FUNCTION_NOT_SUPPORTED), "CKR_FUNCTION_NOT_SUPPORTED", "the module does not support this function"),
            (CK_RV(CKR_KEY_HANDLE_INVALID), "CKR_KEY_HANDLE_INVALID", "the key no longer exists on the token"),
            (CK_RV(CKR_KEY_SIZE_RANGE), "CKR_KEY_SIZE_RANGE", "the token does not support this key size"),
            (CK_RV(CKR_KEY_TYPE_INCONSISTENT), "CKR_KEY_TYPE_INCONSISTENT", "the key type does not fit the mechanism"),
            (CK_RV(CKR_KEY_FUNCTION_NOT_PERMITTED), "CKR_KEY_FUNCTION_NOT_PERMITTED", "the key's attributes forbid this use"),
            (CK_RV(CKR_KEY_NOT_WRAPPABLE), "CKR_KEY_NOT_WRAPPABLE", "the token cannot wrap this kind of key"),
            (CK_RV(CKR_KEY_UNEXTRACTABLE), "CKR_KEY_UNEXTRACTABLE", "the key is marked non-extractable and cannot be wrapped"),
            (CK_RV(CKR_MECHANISM_INVALID), "CKR_MECHANISM_INVALID", "the token does not support this mechanism"),
            (CK_RV(CKR_MECHANISM_PARAM_INVALID), "CKR_MECHANISM_PARAM_INVALID", "the token rejected the mechanism parameters"),
            (CK_RV(CKR_OBJECT_HANDLE_INVALID), "CKR_OBJECT_HANDLE_INVALID", "the object no longer exists on the token"),
            (CK_RV(CKR_OPERATION_ACTIVE), "CKR_OPERATION_ACTIVE", "another operation is already active on this session"),
            (CK_RV(CKR_OPERATION_NOT_INITIALIZED), "CKR_OPERATION_NOT_INITIALIZED", "the operation was not started"),
            (CK_RV(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT", "the PIN is wrong"),
            (CK_RV(CKR_PIN_INVALID), "CKR_PIN_INVALID", "the PIN contains characters the token does not accept"),
            (CK_RV(CKR_PIN_LEN_RANGE), "CKR_PIN_LEN_RANGE", "the PIN is too short or too long for this token"),
            (CK_RV(CKR_PIN_EXPIRED), "CKR_PIN_EXPIRED", "the PIN has expired and must be changed"),
            (CK_RV(CKR_PIN_LOCKED), "CKR_PIN_LOCKED", "the PIN is locked after too many wrong tries"),
            (CK_RV(CKR_SESSION_CLOSED), "CKR_SESSION_CLOSED", "the session was closed"),
            (CK_RV(CKR_SESSION_COUNT), "CKR_SESSION_COUNT", "the token has too many open sessions"),
            (CK_RV(CKR_SESSION_HANDLE_INVALID), "CKR_SESSION_HANDLE_INVALID", "the session is gone; was the token removed?"),
            (CK_RV(CKR_SESSION_READ_ONLY), "CKR_SESSION_READ_ONLY", "the session is read-only"),
            (CK_RV(CKR_SESSION_READ_ONLY_EXISTS), "CKR_SESSION_READ_ONLY_EXISTS", "a read-only session is open on the token"),
            (CK_RV(CKR_SESSION_READ_WRITE_SO_EXISTS), "CKR_SESSION_READ_WRITE_SO_EXISTS", "a security-officer session is open on the token"),
            (CK_RV(CKR_SESSION_EXISTS), "CKR_SESSION_EXISTS", "a session is already open on the token"),
            (CK_RV(CKR_SIGNATURE_INVALID), "CKR_SIGNATURE_INVALID", "the signature is invalid"),
            (CK_RV(CKR_SIGNATURE_LEN_RANGE), "CKR_SIGNATURE_LEN_RANGE", "the signature has the wrong length"),
            (CK_RV(CKR_TEMPLATE_INCOMPLETE), "CKR_TEMPLATE_INCOMPLETE", "the key template is missing a required attribute"),
            (CK_RV(CKR_TEMPLATE_INCONSISTENT), "CKR_TEMPLATE_INCONSISTENT", "the key template contradicts itself or the token's rules"),
            (CK_RV(CKR_TOKEN_NOT_PRESENT), "CKR_TOKEN_NOT_PRESENT", "no token is in the slot"),
            (CK_RV(CKR_TOKEN_NOT_RECOGNIZED), "CKR_TOKEN_NOT_RECOGNIZED", "the token is not recognised"),
            (CK_RV(CKR_TOKEN_WRITE_PROTECTED), "CKR_TOKEN_WRITE_PROTECTED", "the token is write-protected"),
            (CK_RV(CKR_UNWRAPPING_KEY_HANDLE_INVALID), "CKR_UNWRAPPING_KEY_HANDLE_INVALID", "the unwrapping key no longer exists"),
            (CK_RV(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT), "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT", "the unwrapping key does not fit the mechanism"),
            (CK_RV(CKR_USER_ALREADY_LOGGED_IN), "CKR_USER_ALREADY_LOGGED_IN", "a user is already logged in to the token"),
            (CK_RV(CKR_USER_NOT_LOGGED_IN), "CKR_USER_NOT_LOGGED_IN", "nobody is logged in to the token"),
            (CK_RV(CKR_USER_PIN_NOT_INITIALIZED), "CKR_USER_PIN_NOT_INITIALIZED", "the token's user PIN was never set"),
            (CK_RV(CKR_USER_TYPE_INVALID), "CKR_USER_TYPE_INVALID", "the token does not know that kind of user"),
            (CK_RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN), "CKR_USER_ANOTHER_ALREADY_LOGGED_IN", "another user is logged in to the token"),
            (CK_RV(CKR_WRAPPED_KEY_INVALID), "CKR_WRAPPED_KEY_INVALID", "the wrapped key is corrupt or was wrapped under another key"),
            (CK_RV(CKR_WRAPPED_KEY_LEN_RANGE), "CKR_WRAPPED_KEY_LEN_RANGE", "the wrapped key has the wrong length"),
            (CK_RV(CKR_WRAPPING_KEY_HANDLE_INVALID), "CKR_WRAPPING_KEY_HANDLE_INVALID", "the wrapping key no longer exists"),
            (CK_RV(CKR_WRAPPING_KEY_TYPE_INCONSISTENT), "CKR_WRAPPING_KEY_TYPE_INCONSISTENT", "the wrapping key does not fit the mechanism"),
            (CK_RV(CKR_RANDOM_NO_RNG), "CKR_RANDOM_NO_RNG", "the token has no random number generator"),
            (CK_RV(CKR_BUFFER_TOO_SMALL), "CKR_BUFFER_TOO_SMALL", "the output buffer was too small"),
            (CK_RV(CKR_CRYPTOKI_NOT_INITIALIZED), "CKR_CRYPTOKI_NOT_INITIALIZED", "the module was not initialised"),
            (CK_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED), "CKR_CRYPTOKI_ALREADY_INITIALIZED", "the module was already initialised"),
            (CK_RV(CKR_CANT_LOCK), "CKR_CANT_LOCK", "the module cannot lock for multithreaded use"),
            (CK_RV(CKR_DOMAIN_PARAMS_INVALID), "CKR_DOMAIN_PARAMS_INVALID", "the token does not support this curve"),
            (CK_RV(CKR_CURVE_NOT_SUPPORTED), "CKR_CURVE_NOT_SUPPORTED", "the token does not support this curve"),
        ]
        var table: [UInt: (name: String, meaning: String)] = [:]
        for (code, name, meaning) in entries { table[UInt(code)] = (name, meaning) }
        return table
    }()
}
