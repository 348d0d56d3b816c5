/// The metadata file a client fetches for a targets role, found among the files given.
///
/// python-tuf's ngclient (`Updater._download_metadata`) fetches `quote(role, "")` +
/// `.json`, every byte outside `A–Z a–z 0–9 _ . - ~` percent-encoded, so role `team/app`
/// is `team%2Fapp.json`; with `consistent_snapshot` it prefixes the version snapshot.json
/// lists (`3.team%2Fapp.json`), and only then. A name is never split at a dot: `2024.releases.json`
/// is role `2024.releases`, not version 2024 of `releases`, unless the snapshot lists
/// `releases.json` and the root asks for consistent snapshots. Notary fetches `<role>.json`
/// under the repository, so `targets/releases` is `targets/releases.json`.
///
/// Files are looked up in a map built by listing the directory, never opened by a path
/// derived from metadata, so a hostile role name cannot reach outside the directory.
public struct RoleFiles: Sendable {
    enum Storage: Sendable {
        /// Files keyed by role name (callers that already know which file is which role).
        case byRole([String: MetadataFile])
        /// Files keyed by their name relative to the repository directory.
        case directory([String: MetadataFile], consistentSnapshot: Bool)
    }

    let storage: Storage
    let dialect: Dialect

    /// Files already matched to their roles.
    public init(byRole files: [String: MetadataFile], dialect: Dialect) {
        storage = .byRole(files)
        self.dialect = dialect
    }

    /// A repository directory's files, by relative name, as a client would fetch them.
    public init(directory files: [String: MetadataFile], dialect: Dialect, consistentSnapshot: Bool) {
        storage = .directory(files, consistentSnapshot: consistentSnapshot)
        self.dialect = dialect
    }

    /// The file name a client fetches for `role` and the file, if present.
    ///
    /// - Parameter listedVersion: the version snapshot.json lists for the role, or `nil`
    ///   when it is not listed (or there is no snapshot): then the unversioned name, or
    ///   else the highest `N.<role>.json`, is checked so no file present goes unchecked.
    func file(for role: String, listedVersion: Int64?) -> (name: String, file: MetadataFile?) {
        switch storage {
        case .byRole(let files):
            return (files[role]?.name ?? role, files[role])
        case .directory(let files, let consistent):
            if dialect == .notary { return ("\(role).json", files["\(role).json"]) }
            let encoded = Self.encode(role)
            if let listedVersion {
                let name = consistent ? "\(listedVersion).\(encoded).json" : "\(encoded).json"
                return (name, files[name])
            }
            if let file = files["\(encoded).json"] { return ("\(encoded).json", file) }
            var best: (Int64, String)?
            for name in files.keys where name.hasSuffix(".\(encoded).json") {
                guard let version = Int64(name.dropLast(encoded.count + 6)), version > (best?.0 ?? Int64.min) else { continue }
                best = (version, name)
            }
            guard let best else { return ("\(encoded).json", nil) }
            return (best.1, files[best.1])
        }
    }

    /// Python's `urllib.parse.quote(name, safe="")`: UTF-8 bytes outside the unreserved set, as `%XX`.
    static func encode(_ name: String) -> String {
        var result = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
