import Crypto

/// `succinct_roles`: hash-bin delegations (TAP 15), as python-tuf 7.0.1's `SuccinctRoles`.
///
/// `2^bit_length` bins named `<name_prefix>-<index in lower-case hex, zero-padded to the
/// width of the last index>`, all signed with the same keys and threshold, and all
/// terminating. A target belongs to the bin numbered by the first `bit_length` bits of the
/// SHA-256 of its path (`SuccinctRoles.get_role_for_target`).
struct SuccinctRoles: Hashable, Sendable {
    var roleKeys: RoleKeys
    var bitLength: Int
    var namePrefix: String

    init(_ object: JSONObject) throws(MetadataError) {
        let reader = FieldReader(object, path: "delegations.succinct_roles")
        bitLength = Int(try reader.integer("bit_length"))
        namePrefix = try reader.string("name_prefix")
        roleKeys = try RoleKeys(reader)
        guard (1...32).contains(bitLength) else {
            throw .invalidField(path: reader.fieldPath("bit_length"), reason: "\(bitLength) is not within 1…32")
        }
    }

    var binCount: UInt64 { 1 << UInt64(bitLength) }

    /// Hex digits in a bin's suffix: those of the last bin's index.
    private var suffixLength: Int { String(binCount - 1, radix: 16).count }

    func binName(_ index: UInt64) -> String {
        let hex = String(index, radix: 16)
        return "\(namePrefix)-\(String(repeating: "0", count: max(0, suffixLength - hex.count)))\(hex)"
    }

    /// The bin a client searches for `targetPath`.
    func bin(for targetPath: String) -> String {
        let digest = Array(SHA256.hash(data: Array(targetPath.utf8)))
        let first = digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return binName(UInt64(first >> UInt32(32 - bitLength)))
    }

    /// The bin index of `name`, if it is one of these bins (`is_delegated_role`).
    func index(of name: String) -> UInt64? {
        let prefix = namePrefix + "-"
        guard name.hasPrefix(prefix) else { return nil }
        let suffix = name.dropFirst(prefix.count)
        guard suffix.count == suffixLength, let index = UInt64(suffix, radix: 16), index < binCount else { return nil }
        return index
    }
}
