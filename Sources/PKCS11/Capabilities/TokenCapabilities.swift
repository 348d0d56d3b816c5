import CPKCS11

/// What one token says it can do: its mechanisms (`C_GetMechanismList`) and, for each, the key
/// sizes and operations (`C_GetMechanismInfo`).
///
/// A ceremony asks this before any key exists, so that a plan asking a token for an algorithm it
/// lacks is refused in words at `plan check` (and in the engine's preflight), rather than
/// failing half-way with keys already made on other tokens.
public struct TokenCapabilities: Sendable, Equatable {
    public struct Mechanism: Sendable, Equatable {
        public let type: UInt
        public let minimumKeySize: UInt
        public let maximumKeySize: UInt
        public let flags: UInt

        public var canGenerateKeyPair: Bool { flags & UInt(CKF_GENERATE_KEY_PAIR) != 0 }
        public var canSign: Bool { flags & UInt(CKF_SIGN) != 0 }
        public var canWrap: Bool { flags & UInt(CKF_WRAP) != 0 }
        public var canUnwrap: Bool { flags & UInt(CKF_UNWRAP) != 0 }
    }

    public let token: TokenIdentity
    public let mechanisms: [UInt: Mechanism]

    public init(token: TokenIdentity, mechanisms: [UInt: Mechanism]) {
        self.token = token
        self.mechanisms = mechanisms
    }

    /// Why this token cannot wrap (`wrap`) or unwrap keys with `CKM_AES_KEY_WRAP_PAD` (RFC 5649),
    /// as a backup (or a restore) needs, in words; nil when it can.
    public func wrapProblem(wrap: Bool) -> String? {
        let padded = UInt(CKM_AES_KEY_WRAP_PAD)
        let what = wrap ? "wrap keys for backup" : "restore keys from a backup"
        guard let mechanism = mechanisms[padded] else {
            return "token \(token) cannot \(what): it does not offer CKM_AES_KEY_WRAP_PAD (RFC 5649)"
        }
        guard wrap ? mechanism.canWrap : mechanism.canUnwrap else {
            return "token \(token) cannot \(what): it offers CKM_AES_KEY_WRAP_PAD but not to \(wrap ? "wrap" : "unwrap")"
        }
        return nil
    }

    /// Why this token cannot generate or sign with `algorithm`, in words, or nil when it can.
    public func problem(with algorithm: KeyAlgorithm) -> String? {
        let generation = algorithm.generationMechanism
        let signing = algorithm.signingMechanism
        guard let generator = mechanisms[generation] else {
            return "token \(token) cannot generate \(algorithm.displayName) keys: it does not offer \(Self.name(generation))"
        }
        guard generator.canGenerateKeyPair else {
            return "token \(token) cannot generate \(algorithm.displayName) keys: it offers \(Self.name(generation)) but not for key-pair generation"
        }
        if let bits = algorithm.keySizeBits, let range = Self.sizeRange(generator, for: algorithm), !range.contains(bits) {
            return "token \(token) cannot generate \(algorithm.displayName) keys: it makes \(Self.name(generation)) keys of \(range.lowerBound) to \(range.upperBound) bits only"
        }
        guard let signer = mechanisms[signing] else {
            return "token \(token) cannot sign with \(algorithm.displayName) keys: it does not offer \(Self.name(signing))"
        }
        guard signer.canSign else {
            return "token \(token) cannot sign with \(algorithm.displayName) keys: it offers \(Self.name(signing)) but not for signing"
        }
        if let bits = algorithm.keySizeBits, let range = Self.sizeRange(signer, for: algorithm), !range.contains(bits) {
            return "token \(token) cannot sign with \(algorithm.displayName) keys: \(Self.name(signing)) takes keys of \(range.lowerBound) to \(range.upperBound) bits only"
        }
        return nil
    }

    /// The key sizes in bits a mechanism reports, or nil when it reports none worth checking.
    ///
    /// PKCS#11 gives RSA and EC sizes in bits, but some modules give EC sizes in bytes; a range
    /// that would exclude the curve in bits but include it in bytes is taken as bytes rather than
    /// refusing a token that can do the job. Zero or `CK_UNAVAILABLE_INFORMATION` means "no limit".
    static func sizeRange(_ mechanism: Mechanism, for algorithm: KeyAlgorithm) -> ClosedRange<UInt>? {
        let unavailable = UInt(KC_CK_UNAVAILABLE_INFORMATION)
        let low = mechanism.minimumKeySize
        let high = (mechanism.maximumKeySize == 0 || mechanism.maximumKeySize == unavailable || mechanism.maximumKeySize == UInt(UInt32.max))
            ? UInt.max : mechanism.maximumKeySize
        guard low <= high else { return nil }
        if algorithm.modulusBits == nil, let bits = algorithm.keySizeBits, !(low...high).contains(bits),
           high != UInt.max, (low...high).contains((bits + 7) / 8) {
            return nil
        }
        return low...high
    }

    static func name(_ mechanism: UInt) -> String {
        switch mechanism {
        case UInt(CKM_EC_KEY_PAIR_GEN): return "CKM_EC_KEY_PAIR_GEN"
        case UInt(CKM_EC_EDWARDS_KEY_PAIR_GEN): return "CKM_EC_EDWARDS_KEY_PAIR_GEN"
        case UInt(CKM_RSA_PKCS_KEY_PAIR_GEN): return "CKM_RSA_PKCS_KEY_PAIR_GEN"
        case UInt(CKM_ECDSA): return "CKM_ECDSA"
        case UInt(CKM_EDDSA): return "CKM_EDDSA"
        case UInt(CKM_SHA256_RSA_PKCS_PSS): return "CKM_SHA256_RSA_PKCS_PSS"
        default: return "mechanism 0x" + String(mechanism, radix: 16)
        }
    }
}

extension KeyAlgorithm {
    /// The mechanism ``Session/sign(_:with:)`` uses for this algorithm.
    var signingMechanism: UInt {
        switch self {
        case .ecdsaP256, .ecdsaP384: return UInt(CKM_ECDSA)
        case .ed25519: return UInt(CKM_EDDSA)
        case .rsa3072, .rsa4096: return UInt(CKM_SHA256_RSA_PKCS_PSS)
        }
    }

    /// The key size a token's mechanism info is compared with (Ed25519 is not checked by size:
    /// modules report 255, 256 or 32).
    var keySizeBits: UInt? {
        switch self {
        case .ecdsaP256: return 256
        case .ecdsaP384: return 384
        case .ed25519: return nil
        case .rsa3072: return 3072
        case .rsa4096: return 4096
        }
    }

    /// How messages name the algorithm: "ECDSA P-256", "Ed25519", "RSA-3072".
    public var displayName: String {
        switch self {
        case .ecdsaP256: return "ECDSA P-256"
        case .ecdsaP384: return "ECDSA P-384"
        case .ed25519: return "Ed25519"
        case .rsa3072: return "RSA-3072"
        case .rsa4096: return "RSA-4096"
        }
    }
}

extension PKCS11Module {
    /// Reads `token`'s mechanisms and their key sizes. Mechanisms whose info the token will not
    /// give are left out, as if absent.
    ///
    /// The mechanisms a ceremony uses are asked for by name as well as read from the list:
    /// tpm2-pkcs11 1.9 leaves `CKM_SHA256_RSA_PKCS_PSS` out of `C_GetMechanismList`, yet
    /// answers `C_GetMechanismInfo` for it and signs with it.
    public func capabilities(of token: TokenInfo) throws(PKCS11Error) -> TokenCapabilities {
        var count: CK_ULONG = 0
        try check("C_GetMechanismList", PKCS11CallTimes.measure("C_GetMechanismList") { functions.pointee.C_GetMechanismList!(token.slot, nil, &count) }, token: token.identity)
        var types = [CK_MECHANISM_TYPE](repeating: 0, count: Int(count) + 8)
        count = CK_ULONG(types.count)
        try check("C_GetMechanismList", PKCS11CallTimes.measure("C_GetMechanismList") { functions.pointee.C_GetMechanismList!(token.slot, &types, &count) }, token: token.identity)
        var mechanisms: [UInt: TokenCapabilities.Mechanism] = [:]
        let used = (KeyAlgorithm.allCases.flatMap { [$0.generationMechanism, $0.signingMechanism] } + [UInt(CKM_AES_KEY_WRAP_PAD)])
            .map { CK_MECHANISM_TYPE($0) }
        for type in Set(types.prefix(Int(count)) + used) {
            var info = CK_MECHANISM_INFO()
            guard (PKCS11CallTimes.measure("C_GetMechanismInfo") { functions.pointee.C_GetMechanismInfo!(token.slot, type, &info) }) == CKR_OK else { continue }
            mechanisms[UInt(type)] = .init(type: UInt(type), minimumKeySize: UInt(info.ulMinKeySize),
                                           maximumKeySize: UInt(info.ulMaxKeySize), flags: UInt(info.flags))
        }
        return TokenCapabilities(token: token.identity, mechanisms: mechanisms)
    }
}
