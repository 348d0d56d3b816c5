import Crypto

/// What `snapshot.json` says about each targets role, for the checks a client makes
/// before it trusts a targets file.
///
/// - TUF (spec §5.5.6 and §5.6.3; python-tuf `TrustedMetadataSet.update_delegated_targets`):
///   meta is keyed `<role>.json` with the role name unencoded (`team/app.json`); a role
///   missing there is refused ("delegated but is not part of snapshot"), the file's
///   version must equal the listed one, and its length and hashes must match when given.
/// - Notary: meta is keyed by role name (`targets/releases`) with length and base64 hashes.
///
/// Timestamp metadata lists the snapshot the same way (spec §5.4), so it is read with this too.
struct SnapshotListing: Sendable {
    struct Entry: Sendable {
        var version: Int64?
        var length: Int64?
        /// Algorithm to digest as written (hex in TUF, base64 in Notary).
        var hashes: [(String, String)]
    }

    let dialect: Dialect
    /// The snapshot file, to name in findings.
    let file: String
    /// `snapshot` or `timestamp`: the role whose listing this is.
    let lister: String
    private let meta: JSONObject

    init(_ snapshot: TimelinessMetadata, file: String) {
        dialect = snapshot.dialect
        self.file = file
        lister = snapshot.role
        meta = snapshot.meta
    }

    /// The `meta` key for `role`.
    func key(for role: String) -> String {
        dialect == .tuf ? "\(role).json" : role
    }

    func entry(for role: String) -> Entry? {
        guard let object = meta[key(for: role)]?.objectValue else { return nil }
        let hashes = (object["hashes"]?.objectValue?.members ?? []).compactMap { member in
            member.value.stringValue.map { (member.name, $0) }
        }
        return Entry(version: object["version"]?.integerValue, length: object["length"]?.integerValue, hashes: hashes)
    }

    /// Why the file a client fetched for `role` does not match this listing, or `nil`.
    func problem(role: String, bytes: [UInt8], version: Int64) -> String? {
        guard let entry = entry(for: role) else { return nil }
        if dialect == .tuf, let listed = entry.version, listed != version {
            return "\(key(for: role)) is version \(version) but \(lister).json lists version \(listed); python-tuf refuses it"
        }
        if let length = entry.length, length != bytes.count {
            return "\(key(for: role)) is \(bytes.count) bytes but \(lister).json lists \(length)"
        }
        for (algorithm, digest) in entry.hashes {
            let computed: [UInt8]
            switch algorithm {
            case "sha256": computed = Array(SHA256.hash(data: bytes))
            case "sha512": computed = Array(SHA512.hash(data: bytes))
            default: continue
            }
            let expected = dialect == .tuf ? ByteEncoding.hex(computed) : ByteEncoding.base64(computed)
            if digest != expected {
                return "the \(algorithm) of \(key(for: role)) does not match \(lister).json"
            }
        }
        return nil
    }
}
