import PKCS11

/// What `keyceremony tokens --json` prints: a stable, documented schema (see README).
struct TokenInventory: Codable, Sendable {
    public struct Module: Codable, Sendable {
        public let path: String
        public let manufacturer: String
        public let description: String
        public let version: String
    }

    public struct Flags: Codable, Sendable {
        public let initialized: Bool
        public let loginRequired: Bool
        public let userPINInitialized: Bool
        public let userPINCountLow: Bool
        public let userPINFinalTry: Bool
        public let userPINLocked: Bool
        public let soPINCountLow: Bool
        public let soPINFinalTry: Bool
        public let soPINLocked: Bool

        enum CodingKeys: String, CodingKey {
            case initialized, loginRequired = "login_required", userPINInitialized = "user_pin_initialized"
            case userPINCountLow = "user_pin_count_low", userPINFinalTry = "user_pin_final_try", userPINLocked = "user_pin_locked"
            case soPINCountLow = "so_pin_count_low", soPINFinalTry = "so_pin_final_try", soPINLocked = "so_pin_locked"
        }

        init(_ token: TokenInfo) {
            initialized = token.initialized; loginRequired = token.loginRequired
            userPINInitialized = token.userPINInitialized
            userPINCountLow = token.userPIN.countLow; userPINFinalTry = token.userPIN.finalTry; userPINLocked = token.userPIN.locked
            soPINCountLow = token.soPIN.countLow; soPINFinalTry = token.soPIN.finalTry; soPINLocked = token.soPIN.locked
        }
    }

    public struct Key: Codable, Sendable {
        public let label: String
        public let id: String
        public let objectClass: String
        public let keyType: String
        public let curve: String?
        public let bits: Int?
        public let sign: Bool?
        public let verify: Bool?
        public let wrap: Bool?
        public let unwrap: Bool?
        public let sensitive: Bool?
        public let extractable: Bool?
        public let alwaysSensitive: Bool?
        public let neverExtractable: Bool?
        public let local: Bool?
        public let modifiable: Bool?

        enum CodingKeys: String, CodingKey {
            case label, id, objectClass = "class", keyType = "key_type", curve, bits, sign, verify, wrap, unwrap, sensitive, extractable
            case alwaysSensitive = "always_sensitive", neverExtractable = "never_extractable", local, modifiable
        }

        /// Every field is always present; `null` means the token did not report the attribute
        /// (for private objects: not logged in; for public keys: secrecy does not apply).
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(label, forKey: .label); try c.encode(id, forKey: .id)
            try c.encode(objectClass, forKey: .objectClass); try c.encode(keyType, forKey: .keyType)
            try c.encode(curve, forKey: .curve); try c.encode(bits, forKey: .bits)
            try c.encode(sign, forKey: .sign); try c.encode(verify, forKey: .verify)
            try c.encode(wrap, forKey: .wrap); try c.encode(unwrap, forKey: .unwrap)
            try c.encode(sensitive, forKey: .sensitive); try c.encode(extractable, forKey: .extractable)
            try c.encode(alwaysSensitive, forKey: .alwaysSensitive); try c.encode(neverExtractable, forKey: .neverExtractable)
            try c.encode(local, forKey: .local); try c.encode(modifiable, forKey: .modifiable)
        }

        init(_ key: KeyObjectInfo) {
            label = key.label; id = key.id; objectClass = key.objectClass.rawValue; keyType = key.keyType
            curve = key.curve; bits = key.bits
            let a = key.attributes
            sign = a.sign; verify = a.verify; wrap = a.wrap; unwrap = a.unwrap
            sensitive = a.sensitive; extractable = a.extractable; alwaysSensitive = a.alwaysSensitive
            neverExtractable = a.neverExtractable; local = a.local; modifiable = a.modifiable
        }
    }

    public struct Token: Codable, Sendable {
        public let label: String
        public let serial: String
        public let manufacturer: String
        public let model: String
        public let firmware: String
        public let hardware: String
        public let flags: Flags
        public let loggedIn: Bool
        public let keys: [Key]

        enum CodingKeys: String, CodingKey {
            case label, serial, manufacturer, model, firmware, hardware, flags, loggedIn = "logged_in", keys
        }

        public init(_ token: TokenInfo, loggedIn: Bool, keys: [KeyObjectInfo]) {
            label = token.identity.label; serial = token.identity.serial
            manufacturer = token.identity.manufacturer; model = token.identity.model
            firmware = token.firmware; hardware = token.hardware
            flags = Flags(token); self.loggedIn = loggedIn
            self.keys = keys.map(Key.init)
        }
    }

    public let schema: Int
    public let module: Module
    public let tokens: [Token]

    public init(module: PKCS11Module, tokens: [Token]) throws(PKCS11Error) {
        let info = try module.info()
        schema = 1
        self.module = Module(path: module.path, manufacturer: info.manufacturer, description: info.description, version: info.version)
        self.tokens = tokens
    }
}
