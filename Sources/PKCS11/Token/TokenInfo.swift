import CPKCS11

/// A token present in a slot, with the state a ceremony checks before using it.
///
/// The slot number is kept only for the life of the process: SoftHSM2, for one, renumbers
/// slots between processes, so plans select tokens by label, serial or URI, never by slot.
public struct TokenInfo: Sendable, Equatable {
    public let identity: TokenIdentity
    public let firmware: String
    public let hardware: String
    public let initialized: Bool
    public let loginRequired: Bool
    public let userPINInitialized: Bool
    public let userPIN: PINState
    public let soPIN: PINState
    let slot: CK_SLOT_ID

    init(slot: CK_SLOT_ID, info: CK_TOKEN_INFO) {
        self.slot = slot
        identity = TokenIdentity(
            label: FixedText.string(from: info.label),
            serial: FixedText.string(from: info.serialNumber),
            manufacturer: FixedText.string(from: info.manufacturerID),
            model: FixedText.string(from: info.model)
        )
        firmware = "\(info.firmwareVersion.major).\(info.firmwareVersion.minor)"
        hardware = "\(info.hardwareVersion.major).\(info.hardwareVersion.minor)"
        let flags = UInt(info.flags)
        initialized = flags & UInt(CKF_TOKEN_INITIALIZED) != 0
        loginRequired = flags & UInt(CKF_LOGIN_REQUIRED) != 0
        userPINInitialized = flags & UInt(CKF_USER_PIN_INITIALIZED) != 0
        userPIN = PINState(flags: info.flags, so: false)
        soPIN = PINState(flags: info.flags, so: true)
    }
}
