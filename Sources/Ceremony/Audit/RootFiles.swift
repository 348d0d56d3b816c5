import Foundation
import TrustMetadata

/// One repository's root files in a bundle: `root.json` (the new root) and every `N.root.json`.
struct RootFiles {
    /// `public/metadata/<repository>/root.json`, relative to the folder audited.
    var path: String
    var bytes: Data
    var file: SignedMetadata
    var root: RootMetadata
    /// Version → the `N.root.json` read, with its SHA-256 and parsed root.
    var versions: [Int: (sha256: String, root: RootMetadata?)]

    /// Reads each repository's root files; a missing or unparsable root.json is a finding.
    ///
    /// - Throws: ``AuditInputError`` for a file that is not regular or too large.
    static func read(publicDir: URL, repositories: [String], into findings: inout [AuditFinding]) throws(AuditInputError) -> [String: RootFiles] {
        var result: [String: RootFiles] = [:]
        for repository in repositories {
            guard BundlePath.isSafeRelative(repository) else {
                findings.append(AuditFinding(.signatures, at: AuditFinding.record(1), found: repository, "the repository name is not a plain relative path"))
                continue
            }
            let folder = BundlePath.metadataFolder(repository: repository)
            let path = "public/\(folder)/root.json"
            guard let source = try PlanReplay.read(publicDir.appendingPathComponent("\(folder)/root.json")) else {
                findings.append(AuditFinding(.signatures, at: path, expected: "the new root", found: "no file", "the bundle has no root.json for '\(repository)'"))
                continue
            }
            guard let file = try? SignedMetadata(bytes: Array(source.bytes)), let root = try? RootMetadata(signed: file.signed) else {
                findings.append(AuditFinding(.signatures, at: path, expected: "root metadata", found: "unreadable JSON", "root.json is not root metadata"))
                continue
            }
            var versions: [Int: (String, RootMetadata?)] = [:]
            let names = (try? FileManager.default.contentsOfDirectory(atPath: publicDir.appendingPathComponent(folder).path)) ?? []
            for name in names where name.hasSuffix(".root.json") {
                guard let version = Int(name.dropLast(".root.json".count)), version >= 1,
                      let data = try PlanReplay.read(publicDir.appendingPathComponent("\(folder)/\(name)")) else { continue }
                let parsed = (try? SignedMetadata(bytes: Array(data.bytes))).flatMap { try? RootMetadata(signed: $0.signed) }
                versions[version] = (data.digest.hex, parsed)
            }
            result[repository] = RootFiles(path: path, bytes: source.bytes, file: file, root: root, versions: versions)
        }
        return result
    }
}
