import Foundation

/// Verifies what `keyceremony verify PATH` is pointed at: one root file, a directory
/// of metadata, or a ceremony bundle (`public/manifest.json` + `public/metadata/<repo>/`).
///
/// In a directory, `N.root.json` files (and `root.json`) form the chain, verified from
/// the lowest version or from a trusted root; `targets.json`, `snapshot.json` and
/// `timestamp.json` are then verified against the newest root, and delegated
/// targets files (`<role>.json`, Notary `targets/<role>.json`) against their delegators.
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
        /// Files read, in the order they were verified.
        public var files: [String] = []
        /// The dialect verified (given or detected), per repository directory order.
        public var dialects: [Dialect] = []
        /// Whether a bundle manifest declares itself a rehearsal.
        public var rehearsal = false

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
        var rootFiles: [MetadataFile] = []
        for (_, name) in versioned {
            rootFiles.append(try Self.read(directory.appendingPathComponent(name).path))
        }
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
        if let targetsName = Self.latest("targets", in: names) {
            let targets = try Self.read(directory.appendingPathComponent(targetsName).path)
            report.files.append(targets.name)
            let delegated = try delegatedFiles(in: directory, names: names, dialect: root.dialect)
            report.files += delegated.values.map(\.name).sorted()
            report.findings += TargetsVerifier(options: options).verify(targets, root: root, delegated: delegated)
        }
        for role in ["snapshot", "timestamp"] {
            guard let name = Self.latest(role, in: names) else { continue }
            let file = try Self.read(directory.appendingPathComponent(name).path)
            report.files.append(file.name)
            report.findings += TimelinessVerifier(options: options).verify(file, root: root)
        }
    }

    /// Delegated targets files by role name: `<role>.json` or the highest `N.<role>.json`
    /// (TUF), `targets/<role>.json` (Notary).
    func delegatedFiles(in directory: URL, names: [String], dialect: Dialect) throws(InputError) -> [String: MetadataFile] {
        var result: [String: MetadataFile] = [:]
        let topLevel: Set<String> = ["root", "targets", "snapshot", "timestamp"]
        switch dialect {
        case .tuf:
            var best: [String: (Int64, String)] = [:]
            for name in names where name.hasSuffix(".json") {
                var role = String(name.dropLast(5))
                var version: Int64 = Int64.max
                if let dot = role.firstIndex(of: "."), let v = Int64(role[..<dot]) {
                    version = v
                    role = String(role[role.index(after: dot)...])
                }
                guard !topLevel.contains(role), !role.hasSuffix(".root") else { continue }
                if let current = best[role], current.0 >= version { continue }
                best[role] = (version, name)
            }
            for (role, (_, name)) in best {
                result[role] = try Self.read(directory.appendingPathComponent(name).path)
            }
        case .notary:
            let delegationDirectory = directory.appendingPathComponent("targets")
            guard let enumerator = FileManager.default.enumerator(atPath: delegationDirectory.path) else { return result }
            while let relative = enumerator.nextObject() as? String {
                if enumerator.level >= Self.maximumSearchDepth { enumerator.skipDescendants() }
                guard relative.hasSuffix(".json") else { continue }
                let role = "targets/" + relative.dropLast(5)
                result[role] = try Self.read(delegationDirectory.appendingPathComponent(relative).path)
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

    /// Directories holding root or targets metadata, searched breadth-first to a bounded depth.
    static func metadataDirectories(under base: URL) -> [URL] {
        var found: [URL] = []
        var level: [URL] = [base]
        for _ in 0..<maximumSearchDepth {
            var nextLevel: [URL] = []
            for directory in level {
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
