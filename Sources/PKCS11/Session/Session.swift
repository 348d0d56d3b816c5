import CPKCS11
import Foundation

/// A read-write session on one token.
///
/// A PKCS#11 session must never be used from two threads at once, so every call into the
/// module goes through one lock; the type is therefore safe to share between tasks.
public final class Session: @unchecked Sendable {
    public let module: PKCS11Module
    public let token: TokenInfo
    let handle: CK_SESSION_HANDLE
    private let lock = NSLock()
    private var closed = false

    init(module: PKCS11Module, token: TokenInfo, handle: CK_SESSION_HANDLE) {
        self.module = module
        self.token = token
        self.handle = handle
    }

    var identity: TokenIdentity { token.identity }
    var functions: CK_FUNCTION_LIST { module.functions.pointee }

    /// Runs `body` while holding the session lock.
    func serialized<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Turns a return code into a named error, recognising a pulled-out token.
    func check(_ function: String, _ rv: CK_RV, during: String? = nil) throws(PKCS11Error) {
        guard rv != CKR_OK else { return }
        let code = ReturnCode(rv)
        if code.meansTokenRemoved { throw .tokenRemoved(token: identity, during: during ?? function) }
        throw .call(function: function, code: code, token: identity)
    }

    /// Logs the normal user in. The PIN bytes are passed straight to the module and never copied.
    public func login(pin: SecretBytes) throws(PKCS11Error) {
        try login(userType: CK_USER_TYPE(CKU_USER), pin: pin)
    }

    /// Logs the security officer in, for initialising the user PIN.
    public func loginSecurityOfficer(pin: SecretBytes) throws(PKCS11Error) {
        try login(userType: CK_USER_TYPE(CKU_SO), pin: pin)
    }

    private func login(userType: CK_USER_TYPE, pin: SecretBytes) throws(PKCS11Error) {
        let attempt = { () -> CK_RV in
            self.serialized {
                pin.withBytes { bytes in
                    PKCS11CallTimes.measure("C_Login") { self.functions.C_Login!(self.handle, userType, UnsafeMutablePointer(mutating: bytes.baseAddress), CK_ULONG(bytes.count)) }
                }
            }
        }
        var rv = attempt()
        if rv == CKR_USER_ALREADY_LOGGED_IN {
            // Login state is shared by every session on the token; an earlier login must not let
            // this PIN through unchecked, so log out and check it.
            _ = serialized { PKCS11CallTimes.measure("C_Logout") { functions.C_Logout!(handle) } }
            rv = attempt()
        }
        let so = userType == CK_USER_TYPE(CKU_SO)
        if rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_INVALID {
            let fresh = module.refreshedInfo(slot: token.slot)
            let state = fresh.map { so ? $0.soPIN : $0.userPIN } ?? PINState()
            if state.locked { throw .pinLocked(token: identity) }
            throw .wrongPIN(token: identity, state: state)
        }
        if rv == CKR_PIN_LOCKED { throw .pinLocked(token: identity) }
        try check("C_Login", rv, during: "login")
    }

    public func logout() throws(PKCS11Error) {
        let rv = serialized { PKCS11CallTimes.measure("C_Logout") { functions.C_Logout!(handle) } }
        if rv == CKR_USER_NOT_LOGGED_IN { return }
        try check("C_Logout", rv, during: "logout")
    }

    /// Closes the session. Safe to call more than once; a token already gone is not an error here.
    public func close() {
        serialized {
            guard !closed else { return }
            closed = true
            _ = PKCS11CallTimes.measure("C_CloseSession") { functions.C_CloseSession!(handle) }
        }
    }

    /// Random bytes from the token's generator.
    public func randomBytes(_ count: Int) throws(PKCS11Error) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let rv = serialized { PKCS11CallTimes.measure("C_GenerateRandom") { functions.C_GenerateRandom!(handle, &bytes, CK_ULONG(count)) } }
        try check("C_GenerateRandom", rv)
        return bytes
    }

    deinit { if !closed { _ = PKCS11CallTimes.measure("C_CloseSession") { functions.C_CloseSession!(handle) } } }
}
