import Foundation

/// When the metadata under a path expires: each role's `expires` and, for Notary, each
/// root certificate's `notAfter`, per repository.
///
/// The path is found as ``PathVerifier`` finds it — a ceremony bundle
/// (`DIR/public/metadata/<repository>/…`), its `public/` folder, a metadata directory
/// (searched to the same depth for folders holding `root.json`, `N.root.json` or
/// `targets.json`), or a single metadata file — and files are read with the same bounded,
/// regular-files-only reader. Per repository it reads:
/// - the newest root: the highest `signed.version` among `N.root.json` and `root.json`;
/// - `targets`, `snapshot` and `timestamp` (`<role>.json`, else the highest `N.<role>.json`);
/// - delegated targets roles (TUF `<role>.json` / `N.<role>.json`, Notary `targets/<role>.json`);
/// - Notary only: the certificate in every `ecdsa-x509` / `rsa-x509` key the root role lists.
///
/// Nothing is verified here (signatures, thresholds, chains: see ``PathVerifier``); this only
/// says what expires when. A file that cannot be read or parsed is an ``PathVerifier/InputError``,
/// because an expiry that cannot be read cannot be reported as safe.
public enum MetadataExpiry {
    /// What kind of date an ``Entry`` is.
    public enum Kind: String, Hashable, Sendable {
        /// A metadata file's `signed.expires`.
        case metadata
        /// A Notary root certificate's `notAfter` (RFC 5280 §4.1.2.5).
        case certificate
    }

    /// One date on which something stops being trusted.
    public struct Entry: Hashable, Sendable {
        /// `root`, `targets`, `snapshot`, `timestamp`, or a delegated role's name
        /// (`role1`, Notary `targets/releases`). Certificates are under `root`.
        public var role: String
        public var kind: Kind
        /// The metadata's `signed.version`; nil for certificates.
        public var version: Int64?
        /// For certificates: the key ID the root lists the certificate under.
        public var keyID: String?
        /// The instant: `expires` exactly as written, or `notAfter` in whole UTC seconds.
        public var expires: MetadataTime
        /// The file the date was read from.
        public var file: String
    }

    /// The dates found for one repository.
    public struct Repository: Hashable, Sendable {
        /// The repository's name: its folder relative to `public/metadata` (a bundle) or to
        /// the directory searched; when that is the directory itself, its last path component.
        /// A Notary GUN's slashes are folders, so this is the GUN for a bundle.
        public var name: String
        /// The directory the files were read from (for a single file, the file).
        public var path: String
        /// The dialect of the newest root, else of the first file read.
        public var dialect: Dialect?
        /// Entries in the order found: root, its certificates, targets, delegated roles, snapshot, timestamp.
        public var entries: [Entry]
    }

    /// Reads every repository under `path`.
    ///
    /// - Throws: ``PathVerifier/InputError`` when the path does not exist, holds no metadata,
    ///   or a file cannot be read, is not metadata, or (Notary) a root certificate cannot be parsed.
    public static func scan(path: String) throws(PathVerifier.InputError) -> [Repository] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PathVerifier.InputError(path: path, reason: "no such file or directory")
        }
        if !isDirectory.boolValue {
            let url = URL(fileURLWithPath: path)
            var repository = Repository(name: url.deletingLastPathComponent().lastPathComponent, path: path, dialect: nil, entries: [])
            let stem = String(url.lastPathComponent.dropLast(url.pathExtension == "json" ? 5 : 0))
            let role = stem.firstIndex(of: ".").flatMap { Int64(stem[..<$0]) != nil ? String(stem[stem.index(after: $0)...]) : nil } ?? stem
            try read(PathVerifier.read(path), role: role, into: &repository)
            return [repository]
        }
        let base = URL(fileURLWithPath: path)
        let searchRoot = Self.searchRoot(base)
        let directories = PathVerifier.metadataDirectories(under: searchRoot)
        if directories.isEmpty {
            throw PathVerifier.InputError(path: path, reason: "no root.json, N.root.json or targets.json found")
        }
        var repositories: [Repository] = []
        for directory in directories {
            repositories.append(try scanRepository(directory, name: Self.name(of: directory, under: searchRoot)))
        }
        return repositories
    }

    /// `DIR/public/metadata` for a bundle, `public/metadata` for its `public/` folder, else `base`.
    static func searchRoot(_ base: URL) -> URL {
        let fm = FileManager.default
        if fm.fileExists(atPath: base.appendingPathComponent("public/manifest.json").path) {
            return base.appendingPathComponent("public/metadata")
        }
        if fm.fileExists(atPath: base.appendingPathComponent("manifest.json").path),
           fm.fileExists(atPath: base.appendingPathComponent("metadata").path) {
            return base.appendingPathComponent("metadata")
        }
        return base
    }

    static func name(of directory: URL, under root: URL) -> String {
        let rootPath = root.standardizedFileURL.path
        let path = directory.standardizedFileURL.path
        if path.hasPrefix(rootPath + "/") { return String(path.dropFirst(rootPath.count + 1)) }
        return directory.standardizedFileURL.lastPathComponent
    }

    private static func scanRepository(_ directory: URL, name: String) throws(PathVerifier.InputError) -> Repository {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        } catch {
            throw PathVerifier.InputError(path: directory.path, reason: "cannot list: \(error.localizedDescription)")
        }
        var repository = Repository(name: name, path: directory.path, dialect: nil, entries: [])
        // The newest root: the highest signed.version among N.root.json and root.json.
        var newest: (file: MetadataFile, root: RootMetadata)?
        for fileName in names where fileName == "root.json" || (fileName.hasSuffix(".root.json") && Int64(fileName.dropLast(10)) != nil) {
            let file = try PathVerifier.read(directory.appendingPathComponent(fileName).path)
            let root = try parse(file, as: RootMetadata.init(signed:))
            if newest == nil || root.version > newest!.root.version { newest = (file, root) }
        }
        if let newest {
            repository.dialect = newest.root.dialect
            append(newest.root, file: newest.file.name, into: &repository)
            try appendCertificates(of: newest.root, file: newest.file.name, into: &repository)
        }
        if let targetsName = PathVerifier.latest("targets", in: names) {
            let file = try PathVerifier.read(directory.appendingPathComponent(targetsName).path)
            try read(file, role: "targets", into: &repository)
            let dialect = repository.dialect ?? .tuf
            // Delegated roles as a client finds them: named by their delegators, fetched by RoleFiles' names.
            let available = try PathVerifier(options: VerificationOptions()).repositoryFiles(in: directory, names: names, dialect: dialect, excluding: [])
            let files = RoleFiles(directory: available, dialect: dialect, consistentSnapshot: newest?.root.consistentSnapshot ?? false)
            var pending = delegatedRoles(of: file)
            var seen = Set<[UInt8]>()
            while !pending.isEmpty {
                let role = pending.removeFirst()
                guard seen.insert(Array(role.utf8)).inserted, let delegated = files.file(for: role, listedVersion: nil).file else { continue }
                try read(delegated, role: role, into: &repository)
                pending += delegatedRoles(of: delegated)
            }
        }
        for role in ["snapshot", "timestamp"] {
            guard let fileName = PathVerifier.latest(role, in: names) else { continue }
            try read(PathVerifier.read(directory.appendingPathComponent(fileName).path), role: role, into: &repository)
        }
        return repository
    }

    /// Reads one file of any role; `role` names a targets file (top-level or delegated).
    private static func read(_ file: MetadataFile, role: String, into repository: inout Repository) throws(PathVerifier.InputError) {
        let envelope = try envelope(file)
        let type = envelope.typeName?.lowercased()
        switch type {
        case "root":
            let root = try parse(file, as: RootMetadata.init(signed:))
            repository.dialect = repository.dialect ?? root.dialect
            append(root, file: file.name, into: &repository)
            try appendCertificates(of: root, file: file.name, into: &repository)
        case "targets":
            let targets = try parse(file, as: TargetsMetadata.init(signed:))
            repository.dialect = repository.dialect ?? targets.dialect
            repository.entries.append(Entry(role: role, kind: .metadata, version: targets.version, keyID: nil,
                                            expires: targets.expires, file: file.name))
        case "snapshot", "timestamp":
            let timeliness = try parse(file, as: TimelinessMetadata.init(signed:))
            repository.dialect = repository.dialect ?? timeliness.dialect
            repository.entries.append(Entry(role: timeliness.role, kind: .metadata, version: timeliness.version, keyID: nil,
                                            expires: timeliness.expires, file: file.name))
        default:
            throw PathVerifier.InputError(path: file.name, reason: "signed._type \(envelope.typeName.map { "\"\($0)\"" } ?? "is missing and"), not root, targets, snapshot or timestamp metadata")
        }
    }

    /// The role names a targets file delegates to, in listed order; none when it cannot be read.
    private static func delegatedRoles(of file: MetadataFile) -> [String] {
        guard let envelope = try? SignedMetadata(bytes: file.bytes),
              let targets = try? TargetsMetadata(signed: envelope.signed) else { return [] }
        return targets.delegations?.roles?.map(\.name) ?? []
    }

    private static func append(_ root: RootMetadata, file: String, into repository: inout Repository) {
        repository.entries.append(Entry(role: "root", kind: .metadata, version: root.version, keyID: nil,
                                        expires: root.expires, file: file))
    }

    /// Notary root certificates, in the order the root role lists their key IDs.
    private static func appendCertificates(of root: RootMetadata, file: String, into repository: inout Repository) throws(PathVerifier.InputError) {
        guard root.dialect == .notary else { return }
        for keyID in root.roles["root"]?.keyIDs ?? [] {
            guard let key = root.keys[keyID], key.isCertificate else { continue }
            let certificate: NotaryCertificateKey
            do {
                certificate = try key.notaryCertificate()
            } catch {
                throw PathVerifier.InputError(path: file, reason: "root key \(keyID): \(error.description)")
            }
            let notAfter = MetadataTime(certificate.certificate.notValidAfter)
            repository.entries.append(Entry(role: "root", kind: .certificate, version: nil, keyID: keyID,
                                            expires: notAfter, file: file))
        }
    }

    private static func envelope(_ file: MetadataFile) throws(PathVerifier.InputError) -> SignedMetadata {
        do {
            return try SignedMetadata(bytes: file.bytes)
        } catch {
            throw PathVerifier.InputError(path: file.name, reason: "not metadata: \(error.description)")
        }
    }

    private static func parse<T>(_ file: MetadataFile, as make: (JSONObject) throws(MetadataError) -> T) throws(PathVerifier.InputError) -> T {
        let envelope = try envelope(file)
        do {
            return try make(envelope.signed)
        } catch {
            throw PathVerifier.InputError(path: file.name, reason: error.description)
        }
    }
}

extension MetadataKey {
    /// The certificate a Notary `ecdsa-x509` / `rsa-x509` key holds (`keyval.public` is
    /// base64 of the PEM certificate).
    ///
    /// - Throws: ``KeyError`` when the key is not a certificate key, or its value is not
    ///   base64 of a PEM certificate.
    public func notaryCertificate() throws(KeyError) -> NotaryCertificateKey {
        guard isCertificate else { throw KeyError("keytype \(keyType ?? "(missing)") does not hold a certificate") }
        guard let publicValue, let pem = ByteEncoding.decodeBase64(publicValue) else {
            throw KeyError("certificate key's keyval.public is not base64")
        }
        return try NotaryCertificateKey(pemBytes: pem)
    }
}
