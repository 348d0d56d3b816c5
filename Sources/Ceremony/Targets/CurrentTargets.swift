import Foundation
import TrustMetadata

/// The targets.json a delegation ceremony starts from, verified against the current root as a
/// client verifies it (signatures by a threshold of the root's targets keys, structure, target
/// entries), so that version N+1 is never built on metadata a client would refuse.
///
/// Problems with the delegations inside it are not a reason to refuse it: fixing them (a role
/// left with no keys, notary #1500) is what a delegation ceremony is for. They are kept as
/// ``notes`` and shown; the new targets.json must verify in full before anything is written.
///
/// Nor is a rotation that changed the root's targets keys or threshold since it was signed:
/// clients then refuse it under the new root until the targets keys sign a new version, which is
/// this ceremony. Such a file must verify in full under an earlier version of the verified root
/// chain (the one it was signed under), and that is noted.
struct CurrentTargets {
    var metadata: TargetsMetadata
    /// The file as read, byte for byte.
    var bytes: [UInt8]
    var url: URL
    /// SHA-256 hex of the file.
    var sha256: String
    /// Findings about its delegations (and its expiry), shown before anyone signs.
    var notes: [Finding]
    /// The root version it verifies under: the newest, or the newest earlier one that accepts it.
    var verifiedUnder: Int64

    /// The targets files under `location`: the file itself, or in the first of the folders a
    /// bundle or a published repository keeps them in (`public/metadata/<repository>`,
    /// `metadata/<repository>`, `<repository>`, the folder itself) that holds any,
    /// `targets.json` and every `N.targets.json`.
    static func candidates(at location: URL, repository: String) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [location] }
        for folder in CurrentRoot.folders(previous: location, repository: repository, only: true) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            let found = names.filter { name in
                if name == "targets.json" { return true }
                guard name.hasSuffix(".targets.json"), let version = Int(name.dropLast(".targets.json".count)) else { return false }
                return version >= 1 && "\(version).targets.json" == name
            }.sorted()
            if !found.isEmpty { return found.map { folder.appendingPathComponent($0) } }
        }
        return []
    }

    /// Finds, reads and verifies the current targets.json of `repository` under `location`: of
    /// several candidates, the highest version; two different files of that version are a fork.
    ///
    /// - Throws: ``CeremonyFailure`` (an input error) saying what was wrong: nothing found, a
    ///   file that cannot be read, two versions N that differ, or findings that refuse it.
    static func load(at location: URL, root current: CurrentRoot, repository: String, dialect: Dialect, at time: Date) throws -> CurrentTargets {
        let root = current.root
        func refuse(_ reason: String) -> CeremonyFailure {
            CeremonyFailure(step: nil, reason: "the current targets.json of '\(repository)': \(reason)", isInputError: true)
        }
        let files = candidates(at: location, repository: repository)
        guard !files.isEmpty else {
            throw refuse("no targets.json or N.targets.json at \(location.path); name the current one in current_targets, or write 'current_targets: none' when there is none yet")
        }
        var read: [(url: URL, bytes: [UInt8], metadata: TargetsMetadata)] = []
        for url in files {
            let bytes: [UInt8]
            do {
                bytes = Array(try BundlePath.read(url))
            } catch {
                throw refuse("\(url.path): \(error.reason)")
            }
            do {
                read.append((url, bytes, try TargetsMetadata(signed: try SignedMetadata(bytes: bytes).signed)))
            } catch {
                throw refuse("\(url.path) is not targets metadata: \(error)")
            }
        }
        let newest = read.max { $0.metadata.version < $1.metadata.version }!
        if let other = read.first(where: { $0.metadata.version == newest.metadata.version && $0.bytes != newest.bytes }) {
            throw refuse("\(newest.url.path) and \(other.url.path) are both version \(newest.metadata.version) but differ; which targets.json is current is unclear, so nothing is signed over it")
        }
        let file = MetadataFile(name: newest.url.path, bytes: newest.bytes)
        func judge(_ root: RootMetadata) -> (refusing: [Finding], notes: [Finding]) {
            let report = TargetsVerifier(options: VerificationOptions(dialect: dialect, repository: repository, at: time))
                .verify(file, root: root, files: RoleFiles(byRole: [:], dialect: dialect))
            return (report.findings.filter { $0.severity == .error && $0.check != .expiry && $0.check != .delegation },
                    report.findings.filter { $0.severity == .error && ($0.check == .expiry || $0.check == .delegation) })
        }
        let (refusing, notes) = judge(root)
        if refusing.isEmpty {
            return CurrentTargets(metadata: newest.metadata, bytes: newest.bytes, url: newest.url,
                                  sha256: ByteEncoding.sha256Hex(Data(newest.bytes)), notes: notes, verifiedUnder: root.version)
        }
        // Signed under an earlier root whose targets keys the rotation since replaced?
        if refusing.allSatisfy({ $0.check == .threshold || $0.check == .signature }) {
            for earlier in current.earlierRoots {
                let (before, earlierNotes) = judge(earlier)
                guard before.isEmpty else { continue }
                let note = Finding(file: file.name, role: "targets", check: .threshold, severity: .notice,
                                   detail: "targets.json version \(newest.metadata.version) verifies under root version \(earlier.version); under version \(root.version) it no longer meets the targets threshold (\(refusing.map(\.detail).joined(separator: "; "))), so clients refuse it until this ceremony signs the next version")
                return CurrentTargets(metadata: newest.metadata, bytes: newest.bytes, url: newest.url,
                                      sha256: ByteEncoding.sha256Hex(Data(newest.bytes)), notes: [note] + earlierNotes, verifiedUnder: earlier.version)
            }
        }
        throw refuse("it does not verify against the current root, nor against an earlier version of it, so no new version is built on it: " + refusing.map(\.description).joined(separator: "; "))
    }
}
