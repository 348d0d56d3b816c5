import CPKCS11
import Foundation

/// A PKCS#11 module loaded with `dlopen` and initialised once for the life of the process.
///
/// `C_Initialize` may succeed only once per process and `C_Finalize` would pull the module out
/// from under every other user, so modules are shared through ``open(_:)`` and never finalised.
public final class PKCS11Module: @unchecked Sendable {
    /// The resolved file system path the module was loaded from.
    public let path: String
    /// The `LibraryParameters` the module was initialised with, if any.
    public let libraryParameters: LibraryParameters?
    let functions: CK_FUNCTION_LIST_PTR
    let initializationLock = NSLock()

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: PKCS11Module] = [:]

    private init(path: String, libraryParameters: LibraryParameters?, functions: CK_FUNCTION_LIST_PTR) {
        self.path = path
        self.libraryParameters = libraryParameters
        self.functions = functions
    }

    /// Opens a module by path or by a short alias such as `softhsm` (see ``ModuleAlias``).
    ///
    /// Every call with the same module returns the same instance, so concurrent tasks share one
    /// initialisation and the module is never initialised twice. `libraryParameters` go to
    /// `C_Initialize` in `CK_C_INITIALIZE_ARGS.pReserved` (NSS softokn needs them); a module
    /// already loaded in this process with other parameters is refused, since it cannot be
    /// initialised again.
    public static func open(_ pathOrAlias: String, libraryParameters: LibraryParameters? = nil) throws(PKCS11Error) -> PKCS11Module {
        let path = ModuleAlias.resolve(pathOrAlias)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .moduleUnavailable(path: path, reason: "no such file; is the token's PKCS#11 library installed?")
        }
        let key = (try? FileManager.default.destinationOfSymbolicLink(atPath: path))
            .map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent()).standardizedFileURL.path }
            ?? URL(fileURLWithPath: path).standardizedFileURL.path

        registryLock.lock()
        defer { registryLock.unlock() }
        if let module = registry[key] {
            guard module.libraryParameters == libraryParameters else {
                throw .moduleUnavailable(path: path, reason: "it is already loaded in this process with different module parameters, and a module can be initialised only once")
            }
            return module
        }

        var list: CK_FUNCTION_LIST_PTR? = nil
        var message = [CChar](repeating: 0, count: 512)
        guard kc_pkcs11_load(path, &list, &message, UInt(message.count)) == 0, let functions = list else {
            let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .moduleUnavailable(path: path, reason: reason)
        }
        var args = CK_C_INITIALIZE_ARGS()
        args.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        // The module may keep the pointer for its lifetime; the copy is never freed, as the
        // module is never finalised.
        if let libraryParameters {
            args.pReserved = UnsafeMutableRawPointer(strdup(libraryParameters.text))
        }
        let rv = withUnsafeMutablePointer(to: &args) { pointer in PKCS11CallTimes.measure("C_Initialize") { functions.pointee.C_Initialize!(UnsafeMutableRawPointer(pointer)) } }
        if rv == CKR_ARGUMENTS_BAD && libraryParameters == nil {
            throw .moduleUnavailable(path: path, reason: "it refused to start without module parameters (CKR_ARGUMENTS_BAD); "
                + "modules such as NSS softokn need their LibraryParameters, given as 'module_parameters' in the plan or site profile")
        }
        if rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED {
            throw .call(function: "C_Initialize", code: ReturnCode(rv), token: nil)
        }
        let module = PKCS11Module(path: path, libraryParameters: libraryParameters, functions: functions)
        registry[key] = module
        return module
    }

    /// Finalises and initialises the module again, so that it looks for tokens afresh.
    ///
    /// Some modules (SoftHSM2 among them) never notice a token that comes back after it was
    /// removed while they were loaded. This invalidates every session on the module: call it only
    /// when none is open (a ceremony calls it only between token visits, after asking a holder to
    /// insert a token).
    ///
    /// - Throws: ``PKCS11Error/call(function:code:token:)`` when `C_Initialize` fails.
    public func reinitialize() throws(PKCS11Error) {
        initializationLock.lock()
        defer { initializationLock.unlock() }
        _ = PKCS11CallTimes.measure("C_Finalize") { functions.pointee.C_Finalize!(nil) }
        var args = CK_C_INITIALIZE_ARGS()
        args.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        let rv = withUnsafeMutablePointer(to: &args) { pointer in PKCS11CallTimes.measure("C_Initialize") { functions.pointee.C_Initialize!(UnsafeMutableRawPointer(pointer)) } }
        if rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED {
            throw .call(function: "C_Initialize", code: ReturnCode(rv), token: nil)
        }
    }

    /// Library information: who made the module and which version it is.
    public func info() throws(PKCS11Error) -> ModuleInfo {
        var info = CK_INFO()
        try check("C_GetInfo", PKCS11CallTimes.measure("C_GetInfo") { functions.pointee.C_GetInfo!(&info) })
        return ModuleInfo(
            manufacturer: FixedText.string(from: info.manufacturerID),
            description: FixedText.string(from: info.libraryDescription),
            version: "\(info.libraryVersion.major).\(info.libraryVersion.minor)"
        )
    }

    /// The slots that currently hold a token, each with the token's identity and state.
    public func tokens() throws(PKCS11Error) -> [TokenInfo] {
        var count: CK_ULONG = 0
        var slots: [CK_SLOT_ID] = []
        // A token inserted (or initialised) between the sizing call and the listing call makes the
        // list grow; ask again rather than fail.
        for attempt in 1...5 {
            try check("C_GetSlotList", PKCS11CallTimes.measure("C_GetSlotList") { functions.pointee.C_GetSlotList!(CK_BBOOL(CK_TRUE), nil, &count) })
            slots = [CK_SLOT_ID](repeating: 0, count: Int(count) + 1)
            count = CK_ULONG(slots.count)
            let rv = PKCS11CallTimes.measure("C_GetSlotList") { functions.pointee.C_GetSlotList!(CK_BBOOL(CK_TRUE), &slots, &count) }
            if rv == CKR_BUFFER_TOO_SMALL && attempt < 5 { continue }
            try check("C_GetSlotList", rv)
            break
        }
        var result: [TokenInfo] = []
        for slot in slots.prefix(Int(count)) {
            var info = CK_TOKEN_INFO()
            // A token pulled out, or broken, since the slot list was read cannot describe itself;
            // it is left out rather than hiding every other token behind its error.
            guard (PKCS11CallTimes.measure("C_GetTokenInfo") { functions.pointee.C_GetTokenInfo!(slot, &info) }) == CKR_OK else { continue }
            result.append(TokenInfo(slot: slot, info: info))
        }
        return result.sorted { ($0.identity.label, $0.identity.serial) < ($1.identity.label, $1.identity.serial) }
    }

    /// Re-reads one token's state, for instance to report its PIN counters after a failed login.
    func refreshedInfo(slot: CK_SLOT_ID) -> TokenInfo? {
        var info = CK_TOKEN_INFO()
        guard (PKCS11CallTimes.measure("C_GetTokenInfo") { functions.pointee.C_GetTokenInfo!(slot, &info) }) == CKR_OK else { return nil }
        return TokenInfo(slot: slot, info: info)
    }

    /// The token's state as it is now (PIN counters, presence), or nil when its slot no longer
    /// answers (the token was pulled out).
    public func currentInfo(of token: TokenInfo) -> TokenInfo? {
        guard let fresh = refreshedInfo(slot: token.slot), fresh.identity == token.identity else { return nil }
        return fresh
    }

    /// Selects exactly one token. No match, or more than one, is an error listing the tokens present.
    public func token(matching selector: TokenSelector) throws(PKCS11Error) -> TokenInfo {
        let present = try tokens().filter(\.initialized)
        let matches = present.filter { selector.matches($0) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw .tokenNotFound(selector: selector.description, present: present.map(\.identity))
        default: throw .ambiguousToken(selector: selector.description, matches: matches.map(\.identity))
        }
    }

    /// Opens a read-write session on a token chosen by `selector`.
    public func openSession(on selector: TokenSelector) throws(PKCS11Error) -> Session {
        try openSession(on: token(matching: selector))
    }

    /// Opens a read-write session on an already-selected token.
    public func openSession(on token: TokenInfo) throws(PKCS11Error) -> Session {
        var handle: CK_SESSION_HANDLE = 0
        let flags = CK_FLAGS(CKF_SERIAL_SESSION | CKF_RW_SESSION)
        try check("C_OpenSession", PKCS11CallTimes.measure("C_OpenSession") { functions.pointee.C_OpenSession!(token.slot, flags, nil, nil, &handle) }, token: token.identity)
        return Session(module: self, token: token, handle: handle)
    }

    func check(_ function: String, _ rv: CK_RV, token: TokenIdentity? = nil) throws(PKCS11Error) {
        guard rv == CKR_OK else { throw .call(function: function, code: ReturnCode(rv), token: token) }
    }
}

/// What a module says about itself in `C_GetInfo`.
public struct ModuleInfo: Sendable, Equatable, Codable {
    public let manufacturer: String
    public let description: String
    public let version: String
}
