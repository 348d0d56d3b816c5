import Foundation

/// Verifies what `keyceremony verify PATH` is pointed at: one root file, a directory
/// of metadata, or a ceremony bundle (`public/manifest.json` + `public/metadata/<repo>/`).
///
/// In a directory, `N.root.json` files (and `root.json`) form the chain, verified from
/// the lowest version or from a trusted root; `timestamp.json`, `snapshot.json` and the
/// targets file snapshot.json names are then verified against the newest root, and every
/// delegated targets file a client could load (``RoleFiles``) against its delegators.
/// Files that match no role are reported, not counted as verified.
public struct PathVerifier: Sendable {
    /// Problems reading the input, as opposed to findings about its content.
    public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Everything verification found under a path.
    public struct Report: Sendable {
        public var findings: [Finding] = []
        /// Files checked, in the order they were verified (never a file that was only read).
        public var files: [String] = []
        /// The dialect verified (given or detected), per repository directory order.
        public var dialects: [Dialect] = []
        /// Whether a bundle manifest declares itself a rehearsal.
        public var rehearsal = false
        /// Per repository directory: every listed target as a client resolves it.
        public var resolutions: [String: [TargetResolution]] = [:]

        /// True when no finding is an error.
        public var passed: Bool { !findings.contains { $0.severity == .error } }
    }

    /// Files larger than this are refused rather than read into memory.
    public static let maximumFileSize = 512 * 1024 * 1024
    /// How deep directories are searched for metadata.
    static let maximumSearchDepth = 8

    public var options: VerificationOptions

    public init(options: VerificationOptions) {
        self.options = options
    }

    /// Verifies `path`, optionally starting the root chain at the root in `trustedRoot`.
    public func verify(path: String, trustedRoot: String? = nil) throws(InputError) -> Report {
        var report = Report()
        let trusted = try trustedRoot.map { path throws(InputError) in try Self.read(path) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(path: path, reason: "no such file or directory")
        }
        if !isDirectory.boolValue {
            let file = try Self.read(path)
            report.files.append(path)
            let dialect = options.dialect ?? Self.detectDialect(file.bytes)
            var options = self.options
            options.dialect = dialect
            if let dialect { report.dialects.append(dialect) }
            let verifier = RootVerifier(options: options)
            if let trusted {
                report.findings += verifier.verifyChain([file], trusted: trusted).findings
            } else {
                report.findings += verifier.verifySelfSigned(file).findings
            }
            return report
        }
        let base = URL(fileURLWithPath: path)
        let manifest = base.appendingPathComponent("public/manifest.json").path
        var searchRoot = base
        if FileManager.default.fileExists(atPath: manifest) {
            let bytes = try Self.read(manifest).bytes
            switch Result(catching: { () throws(JSONParseError) in try JSONParser.parse(bytes) }) {
            case .success(let value):
                if value.objectValue?["rehearsal"]?.boolValue == true {
                    report.rehearsal = true
                    report.findings.append(Finding(file: manifest, check: .rehearsal, severity: .notice,
                                                   detail: "this bundle is a rehearsal; its keys and metadata are not for production"))
                }
            case .failure(let error):
                report.findings.append(Finding(file: manifest, check: .malformed, detail: error.description))
            }
            searchRoot = base.appendingPathComponent("public/metadata")
        }
        let directories = Self.metadataDirectories(under: searchRoot)
        if directories.isEmpty {
            throw InputError(path: path, reason: "no root.json, N.root.json or targets.json found")
        }
        for directory in directories {
            try verifyRepository(directory, trusted: trusted, into: &report)
        }
        return report
    }

    private func verifyRepository(_ directory: URL, trusted: MetadataFile?, into report: inout Report) throws(InputError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw InputError(path: directory.path, reason: "cannot list: \(error.localizedDescription)")
        }
        var versioned: [(Int64, String)] = []
        for name in names {
            guard name.hasSuffix(".root.json"), let version = Int64(name.dropLast(".root.json".count)) else { continue }
            versioned.append((version, name))
        }
        versioned.sort { $0.0 < $1.0 }
        let inOrder = versioned.map(\.1)
        // Read on all cores (a chain may be thousands of files); the first failure in version
        // order is reported, as reading one after another would.
        let reads = ParallelWork.map(versioned.count) { index in
            Result { () throws(InputError) in
                try Self.read(directory.appendingPathComponent(inOrder[index], isDirectory: false).path)
            }
        }
        var rootFiles: [MetadataFile] = []
        rootFiles.reserveCapacity(reads.count)
        for read in reads { rootFiles.append(try read.get()) }
        if names.contains("root.json") {
            rootFiles.append(try Self.read(directory.appendingPathComponent("root.json").path))
        }
        var options = self.options
        if options.dialect == nil {
            options.dialect = (rootFiles.first ?? trusted).flatMap { Self.detectDialect($0.bytes) }
        }
        if let dialect = options.dialect { report.dialects.append(dialect) }
        report.files += rootFiles.map(\.name)
        let chain = RootVerifier(options: options).verifyChain(rootFiles, trusted: trusted)
        report.findings += chain.findings
        guard let root = chain.newest else {
            if rootFiles.isEmpty, trusted == nil {
                report.findings.append(Finding(file: directory.path, check: .malformed,
                                               detail: "no root metadata to verify the other files against"))
            }
            return
        }
        var consumed = Set(rootFiles.map(\.name))
        // A client refuses to go on when timestamp or snapshot fail; then it resolves nothing.
        var topLevelProblem: String?
        var snapshot: TimelinessMetadata?
        var snapshotName = "snapshot.json"
        var timestamp: SnapshotListing?
        let consistent = root.dialect == .tuf && root.consistentSnapshot == true
        for role in ["timestamp", "snapshot"] {
            guard var name = Self.latest(role, in: names) else { continue }
            if role == "snapshot", let listed = timestamp?.entry(for: "snapshot") {
                // The snapshot a client fetches: the version timestamp.json lists (spec §5.5.1).
                let wanted = consistent && listed.version != nil ? "\(listed.version!).snapshot.json" : "snapshot.json"
                if names.contains(wanted) {
                    name = wanted
                } else {
                    report.findings.append(Finding(file: directory.appendingPathComponent(wanted).path, role: "snapshot", check: .snapshot,
                                                   detail: "a client fetches \(wanted), which is not here; \(name) is checked instead"))
                    topLevelProblem = topLevelProblem ?? "a client fetches \(wanted), which is not here"
                }
            }
            let file = try Self.read(directory.appendingPathComponent(name).path)
            report.files.append(file.name)
            consumed.insert(file.name)
            let findings = TimelinessVerifier(options: options).verify(file, root: root)
            report.findings += findings
            if findings.contains(where: { $0.severity == .error }) {
                topLevelProblem = topLevelProblem ?? "\(name) is refused, so a client stops before any targets"
            }
            let metadata = (try? SignedMetadata(bytes: file.bytes)).flatMap { try? TimelinessMetadata(signed: $0.signed) }
                .flatMap { $0.role == role && $0.dialect == root.dialect ? $0 : nil }
            if role == "timestamp" {
                timestamp = metadata.map { SnapshotListing($0, file: file.name) }
            } else {
                snapshotName = file.name
                snapshot = metadata
                if let timestamp, let metadata, let problem = timestamp.problem(role: "snapshot", bytes: file.bytes, version: metadata.version) {
                    report.findings.append(Finding(file: file.name, role: "snapshot", check: .snapshot, detail: problem))
                    topLevelProblem = topLevelProblem ?? problem
                }
            }
        }
        var targetsName = Self.latest("targets", in: names)
        if let snapshot {
            // The name a client fetches, from the version snapshot.json lists (spec §5.6.1).
            let listed = SnapshotListing(snapshot, file: snapshotName).entry(for: "targets")?.version
            let wanted = consistent && listed != nil ? "\(listed!).targets.json" : "targets.json"
            if names.contains(wanted) {
                targetsName = wanted
            } else if targetsName != nil {
                report.findings.append(Finding(file: directory.appendingPathComponent(wanted).path, role: "targets", check: .snapshot,
                                               detail: "a client fetches \(wanted), which is not here; \(targetsName!) is checked instead"))
                topLevelProblem = topLevelProblem ?? "a client fetches \(wanted), which is not here"
            }
        }
        if let targetsName {
            let targets = try Self.read(directory.appendingPathComponent(targetsName).path)
            consumed.insert(targets.name)
            let available = try repositoryFiles(in: directory, names: names, dialect: root.dialect, excluding: consumed)
            let files = RoleFiles(directory: available, dialect: root.dialect, consistentSnapshot: consistent)
            let targetsReport = TargetsVerifier(options: options).verify(targets, root: root, files: files, snapshot: snapshot,
                                                                         snapshotFile: snapshotName, topLevelProblem: topLevelProblem)
            report.files += targetsReport.files
            report.findings += targetsReport.findings
            report.resolutions[directory.path] = targetsReport.resolutions
            let checked = Set(targetsReport.files)
            for (name, file) in available.sorted(by: { $0.key < $1.key }) where !checked.contains(file.name) {
                report.findings.append(Finding(file: file.name, check: .unmatched, severity: .notice,
                                               detail: "\(name) is no metadata a client loads here (no role, or not the version snapshot.json lists), so it was not verified"))
            }
        }
    }

    /// The `.json` files of a repository directory that may be delegated targets metadata, by
    /// name relative to it: TUF files beside targets.json, Notary files under `targets/`.
    func repositoryFiles(in directory: URL, names: [String], dialect: Dialect,
                                 excluding consumed: Set<String>) throws(InputError) -> [String: MetadataFile] {
        var result: [String: MetadataFile] = [:]
        switch dialect {
        case .tuf:
            for name in names where name.hasSuffix(".json") {
                let path = directory.appendingPathComponent(name).path
                guard !consumed.contains(path), !name.hasSuffix(".root.json") else { continue }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                result[name] = try Self.read(path)
            }
        case .notary:
            let delegationDirectory = directory.appendingPathComponent("targets")
            guard let enumerator = FileManager.default.enumerator(atPath: delegationDirectory.path) else { return result }
            while let relative = enumerator.nextObject() as? String {
                if enumerator.level >= Self.maximumSearchDepth { enumerator.skipDescendants() }
                guard relative.hasSuffix(".json") else { continue }
                let path = delegationDirectory.appendingPathComponent(relative).path
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                result["targets/" + relative] = try Self.read(path)
            }
        }
        return result
    }

    /// `<role>.json`, or else the highest `N.<role>.json` (consistent-snapshot names).
    static func latest(_ role: String, in names: [String]) -> String? {
        if names.contains("\(role).json") { return "\(role).json" }
        var best: (Int64, String)?
        for name in names where name.hasSuffix(".\(role).json") {
            guard let version = Int64(name.dropLast(role.count + 6)) else { continue }
            if best == nil || version > best!.0 { best = (version, name) }
        }
        return best?.1
    }

    /// How many directories a search lists at most: a path such as `/` or `/proc` must end the
    /// search quickly, not walk the whole machine.
    static let maximumSearchedDirectories = 10_000

    /// Directories holding root or targets metadata, searched breadth-first to a bounded depth
    /// and a bounded number of directories.
    static func metadataDirectories(under base: URL) -> [URL] {
        var found: [URL] = []
        var level: [URL] = [base]
        var listed = 0
        for _ in 0..<maximumSearchDepth {
            var nextLevel: [URL] = []
            for directory in level {
                listed += 1
                if listed > maximumSearchedDirectories { return found.sorted { $0.path < $1.path } }
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
                if names.contains(where: { $0 == "root.json" || $0.hasSuffix(".root.json") || latest("targets", in: [$0]) != nil }) {
                    found.append(directory)
                    continue
                }
                for name in names.sorted() where !name.hasPrefix(".") {
                    let child = directory.appendingPathComponent(name)
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue {
                        nextLevel.append(child)
                    }
                }
            }
            level = nextLevel
            if level.isEmpty { break }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The dialect of a file from its `signed._type`, if it can be read.
    static func detectDialect(_ bytes: [UInt8]) -> Dialect? {
        guard let value = try? JSONParser.parse(bytes),
              let type = value.objectValue?["signed"]?.objectValue?["_type"]?.stringValue else { return nil }
        return Dialect.detect(typeName: type)
    }

    /// Reads a metadata file of at most ``maximumFileSize`` bytes, as ``BoundedFile`` reads.
    static func read(_ path: String) throws(InputError) -> MetadataFile {
        do {
            return MetadataFile(name: path, bytes: try BoundedFile.read(path, limit: maximumFileSize))
        } catch {
            throw InputError(path: path, reason: error.reason)
        }
    }
}
