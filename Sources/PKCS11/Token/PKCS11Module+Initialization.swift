import CPKCS11

extension PKCS11Module {
    /// Initialises the first uninitialised token (SoftHSM2 always offers one) with `label`, and
    /// sets its user PIN. Returns the token as it is after initialisation.
    ///
    /// This is for rehearsals and for preparing fresh tokens; it refuses to touch a token that
    /// is already initialised, because re-initialising destroys every key on it.
    public func initializeToken(label: String, soPIN: SecretBytes, userPIN: SecretBytes) throws(PKCS11Error) -> TokenInfo {
        guard !label.isEmpty, label.utf8.count <= 32 else {
            throw .invalidArgument("a token label must have 1 to 32 bytes; '\(label)' does not")
        }
        // Two callers must never pick the same blank slot.
        initializationLock.lock()
        defer { initializationLock.unlock() }
        let present = try tokens()
        if present.contains(where: { $0.initialized && $0.identity.label == label }) {
            throw .invalidArgument("a token labelled '\(label)' already exists; refusing to create a second")
        }
        guard let blank = present.first(where: { !$0.initialized }) else {
            throw .invalidArgument("no uninitialised token is available in module '\(path)'")
        }
        var paddedLabel = FixedText.paddedLabel(label)
        let rv = soPIN.withBytes { pin in
            PKCS11CallTimes.measure("C_InitToken") { functions.pointee.C_InitToken!(blank.slot, UnsafeMutablePointer(mutating: pin.baseAddress), CK_ULONG(pin.count), &paddedLabel) }
        }
        try check("C_InitToken", rv, token: blank.identity)

        // SoftHSM2 moves an initialised token to a new slot, so find it again by label.
        let token = try self.token(matching: .label(label))
        let session = try openSession(on: token)
        defer { session.close() }
        try session.loginSecurityOfficer(pin: soPIN)
        let initRV: CK_RV = session.serialized {
            userPIN.withBytes { pin in
                PKCS11CallTimes.measure("C_InitPIN") { functions.pointee.C_InitPIN!(session.handle, UnsafeMutablePointer(mutating: pin.baseAddress), CK_ULONG(pin.count)) }
            }
        }
        try session.check("C_InitPIN", initRV, during: "setting the user PIN")
        try session.logout()
        return try self.token(matching: .label(label))
    }
}
