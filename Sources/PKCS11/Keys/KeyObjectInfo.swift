import CPKCS11
import Foundation

/// One key object as an inventory lists it: what it is and what it may do.
public struct KeyObjectInfo: Sendable, Equatable {
    public enum ObjectClass: String, Sendable { case privateKey = "private-key", publicKey = "public-key", secretKey = "secret-key" }

    public let label: String
    public let id: String
    public let objectClass: ObjectClass
    /// `ec`, `ec-edwards`, `rsa`, `aes`, or a hex number for other types.
    public let keyType: String
    /// The curve name (`P-256`, `P-384`, `Ed25519`) or nil.
    public let curve: String?
    /// Modulus or key size in bits, when the token reports one.
    public let bits: Int?
    public let attributes: KeyAttributes
}

extension Session {
    /// Every key object this session can see; private ones only after login.
    public func keyObjects() throws(PKCS11Error) -> [KeyObjectInfo] {
        var result: [KeyObjectInfo] = []
        for objectClass in [(CKO_PRIVATE_KEY, KeyObjectInfo.ObjectClass.privateKey), (CKO_PUBLIC_KEY, .publicKey), (CKO_SECRET_KEY, .secretKey)] {
            let template = AttributeTemplate().add(UInt(CKA_CLASS), ulong: UInt(objectClass.0))
            for object in try findObjects(template) {
                result.append(try describe(object, as: objectClass.1))
            }
        }
        return result.sorted { ($0.label, $0.id, $0.objectClass.rawValue) < ($1.label, $1.id, $1.objectClass.rawValue) }
    }

    private func describe(_ object: CK_OBJECT_HANDLE, as objectClass: KeyObjectInfo.ObjectClass) throws(PKCS11Error) -> KeyObjectInfo {
        let label = try attribute(UInt(CKA_LABEL), of: object).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let id = HexText.encode(try attribute(UInt(CKA_ID), of: object) ?? [])
        let keyType = try ulongAttribute(UInt(CKA_KEY_TYPE), of: object)
        let algorithm = try algorithm(of: object)
        var bits: Int? = nil
        var curve: String? = nil
        switch algorithm {
        case .ecdsaP256: curve = "P-256"; bits = 256
        case .ecdsaP384: curve = "P-384"; bits = 384
        case .ed25519: curve = "Ed25519"; bits = 255
        case .rsa3072: bits = 3072
        case .rsa4096: bits = 4096
        case nil:
            if keyType == UInt(CKK_RSA) {
                bits = try ulongAttribute(UInt(CKA_MODULUS_BITS), of: object).map { Int($0) }
            } else if let length = try ulongAttribute(UInt(CKA_VALUE_LEN), of: object) {
                bits = Int(length) * 8
            }
        }
        var attributes = try readAttributes(of: object)
        if objectClass == .publicKey {
            // Secrecy attributes do not apply to public keys; leave them out rather than mislead.
            attributes.sensitive = nil; attributes.alwaysSensitive = nil
            attributes.extractable = nil; attributes.neverExtractable = nil
        }
        return KeyObjectInfo(label: label, id: id, objectClass: objectClass, keyType: Self.keyTypeName(keyType),
                             curve: curve, bits: bits, attributes: attributes)
    }

    private static func keyTypeName(_ type: UInt?) -> String {
        switch type {
        case UInt(CKK_EC): return "ec"
        case UInt(CKK_EC_EDWARDS): return "ec-edwards"
        case UInt(CKK_RSA): return "rsa"
        case UInt(CKK_AES): return "aes"
        case let other?: return String(format: "0x%lx", other)
        case nil: return "unknown"
        }
    }
}
