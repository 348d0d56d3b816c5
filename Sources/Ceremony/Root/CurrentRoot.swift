import Foundation
import TrustMetadata

/// The root a rotation or re-sign starts from: one repository's chain of `N.root.json` files as
/// the previous ceremony wrote them or as they were published, verified as a client would.
struct CurrentRoot {
    /// The newest version, which version N+1 replaces.
    var root: RootMetadata
    /// Every `N.root.json` found, as read.
    var chain: [MetadataFile]
    /// The root the chain was verified from, when the plan pins one.
    var trusted: MetadataFile?
    /// Each version's exact bytes, oldest first, to write beside the new version.
    var history: [(version: Int, bytes: [UInt8])]
    /// SHA-256 hex of the newest version's file.
    var newestDigest: String
    /// The version the chain was verified from.
    var firstVersion: Int64

    /// The versions before the newest, newest first, as read (each verified with the chain).
    var earlierRoots: [RootMetadata] {
        chain.dropLast().reversed().compactMap { file in
            (try? SignedMetadata(bytes: file.bytes)).flatMap { try? RootMetadata(signed: $0.signed) }
        }
    }

    /// Where a repository's root files may be under `previous`: a bundle, its `public/` folder,
    /// a folder per repository, or (for one repository) the folder itself.
    static func folders(previous: URL, repository: String, only: Bool) -> [URL] {
        let relative = BundlePath.metadataFolder(repository: repository)
        var folders = [previous.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(relative),
                       previous.appendingPathComponent(relative),
                       previous.appendingPathComponent(repository)]
        if only { folders.append(previous) }
        return folders
    }

    /// Where the chain of `repository` is under `previous`: the first of
    /// ``folders(previous:repository:only:)`` holding any `N.root.json`, every name in it, and its
    /// `N.root.json` files oldest first; nil when no folder holds one.
    static func locate(previous: URL, repository: String, only: Bool) -> (folder: URL, names: [String], files: [(version: Int, url: URL)])? {
        for folder in folders(previous: previous, repository: repository, only: only) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            let found = names.compactMap { name -> (version: Int, url: URL)? in
                guard name.hasSuffix(".root.json"), let version = Int(name.dropLast(".root.json".count)),
                      version >= 1, String(version) + ".root.json" == name else { return nil }
                return (version, folder.appendingPathComponent(name))
            }.sorted { $0.version < $1.version }
            if !found.isEmpty { return (folder, names, found) }
        }
        return nil
    }

    /// The `N.root.json` files of `repository` under `previous`, oldest first; empty when none.
    static func files(previous: URL, repository: String, only: Bool) -> [(version: Int, url: URL)] {
        locate(previous: previous, repository: repository, only: only)?.files ?? []
    }

    /// Finds, reads and verifies the chain for `repository`.
    ///
    /// Expiry of the current root is only reported through `say`: re-signing an expired root is
    /// exactly what a late ceremony must do, and a client accepts N+1 whatever N's expiry.
    ///
    /// - Throws: ``CeremonyFailure`` (an input error) listing what was wrong: no root files,
    ///   a file that cannot be read, or a chain that does not verify, with its findings.
    static func load(previous: URL, trustedRoot: URL?, repository: String, only: Bool, dialect: Dialect,
                     at time: Date, say: (String) -> Void) throws -> CurrentRoot {
        func refuse(_ reason: String) -> CeremonyFailure {
            CeremonyFailure(step: nil, reason: "the current root of '\(repository)': \(reason)", isInputError: true)
        }
        guard let (folder, names, found) = locate(previous: previous, repository: repository, only: only) else {
            throw refuse("no N.root.json files under \(previous.path) (looked in its public/metadata/\(repository) folder, metadata/\(repository), \(repository)\(only ? " and the folder itself" : ""))")
        }
        // Everything in the folder that claims to be a root must be part of the one chain read:
        // a stray name (03.root.json) or an unversioned root.json that is not the newest version
        // would let this ceremony sign a second, different version N+1 — a fork.
        let canonical = Set(found.map { "\($0.version).root.json" })
        let strays = names.filter { $0.hasSuffix(".root.json") && !canonical.contains($0) }.sorted()
        if !strays.isEmpty {
            throw refuse("\(folder.path) holds \(strays.joined(separator: ", ")), which \(strays.count == 1 ? "is not named" : "are not named") N.root.json; a root history must hold each version once, under its own number. Remove or rename \(strays.count == 1 ? "it" : "them") after checking which root is current")
        }
        if trustedRoot == nil, let first = found.first, first.version != 1 {
            throw refuse("the oldest version found is \(first.version), not 1: a client bootstrapped with version 1 could not walk the chain. Add the earlier versions, or pin the root to verify from with trusted_root")
        }
        var chain: [MetadataFile] = []
        for (version, url) in found {
            do {
                chain.append(MetadataFile(name: "\(repository)/\(version).root.json", bytes: Array(try SourceFile.read(url).bytes)))
            } catch {
                throw refuse("\(error)")
            }
        }
        if names.contains("root.json"), let newest = found.last {
            let unversioned = folder.appendingPathComponent("root.json")
            guard (try? SourceFile.read(unversioned).bytes).map(Array.init) == chain.last?.bytes else {
                throw refuse("\(unversioned.path) is not the same file as \(newest.version).root.json, the newest version found; which root is current is unclear, so nothing is rotated from it")
            }
        }
        var trusted: MetadataFile?
        if let trustedRoot {
            do {
                trusted = MetadataFile(name: trustedRoot.lastPathComponent, bytes: Array(try SourceFile.read(trustedRoot).bytes))
            } catch {
                throw refuse("the trusted root: \(error)")
            }
        }
        let verifier = RootVerifier(options: VerificationOptions(dialect: dialect, repository: repository, at: time))
        let result = verifier.verifyChain(chain, trusted: trusted)
        let errors = result.findings.filter { $0.severity == .error && $0.check != .expiry }
        for finding in result.findings where finding.check == .expiry { say("  note: \(finding)") }
        guard errors.isEmpty, let newest = result.newest else {
            throw refuse("it does not verify, so it cannot be rotated or re-signed: " + errors.map(\.description).joined(separator: "; "))
        }
        guard let last = found.last, newest.version == Int64(last.version) else {
            throw refuse("the chain stops at version \(result.newest?.version ?? 0), below the newest file found (\(found.last?.version ?? 0))")
        }
        let first = trusted.flatMap { try? SignedMetadata(bytes: $0.bytes) }.flatMap { try? RootMetadata(signed: $0.signed) }?.version
            ?? Int64(found[0].version)
        return CurrentRoot(root: newest, chain: chain, trusted: trusted,
                           history: zip(found, chain).map { ($0.version, $1.bytes) },
                           newestDigest: ByteEncoding.sha256Hex(Data(chain[chain.count - 1].bytes)), firstVersion: first)
    }
}
