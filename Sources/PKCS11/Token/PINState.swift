import CPKCS11

/// The PIN counters a token exposes in its flags, read before and after each login.
public struct PINState: Sendable, Equatable, Codable {
    public let countLow: Bool
    public let finalTry: Bool
    public let locked: Bool
    public let toBeChanged: Bool

    init(flags: CK_FLAGS, so: Bool) {
        let f = UInt(flags)
        countLow = f & UInt(so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW) != 0
        finalTry = f & UInt(so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY) != 0
        locked = f & UInt(so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED) != 0
        toBeChanged = f & UInt(so ? CKF_SO_PIN_TO_BE_CHANGED : CKF_USER_PIN_TO_BE_CHANGED) != 0
    }

    public init(countLow: Bool = false, finalTry: Bool = false, locked: Bool = false, toBeChanged: Bool = false) {
        self.countLow = countLow
        self.finalTry = finalTry
        self.locked = locked
        self.toBeChanged = toBeChanged
    }
}
