import Foundation
import TrustMetadata

/// Assembles a ceremony's output directory so that `DIR` either appears
/// complete or not at all.
///
/// Everything is written into a sibling `DIR.partial-<random>` and renamed to
/// `DIR` in one step by ``complete()``. On failure, ``fail(step:message:)``
/// leaves only `DIR.failed-<UTC time>/transcript.jsonl`, which still records
/// what happened, including keys already created on tokens and by whom.
///
/// Layout (a contract; auditors and later ceremonies rely on it):
/// ```
/// DIR/public/manifest.json
/// DIR/public/plan.yaml            byte copy of the plan
/// DIR/public/profile.yaml         byte copy of the site profile, when one was used
/// DIR/public/transcript.jsonl
/// DIR/public/SHA256SUMS
/// DIR/public/keys/<keyid>.pem
/// DIR/public/keys/<keyid>.crt.pem
/// DIR/public/metadata/<repository>/1.root.json, root.json
/// DIR/public/metadata/<repository>/targets.json   (a targets-delegation)
/// DIR/backup/<keyid>.wrapped.json  keys wrapped under a backup key (vault only)
/// DIR/shares/<custodian>.txt|.html  rehearsal shares and printable share cards (0600; to be
///                                   printed or handed out, then destroyed; never online)
/// ```
package final class OutputDirectory {
    /// Where the finished output will be.
    package let destination: URL
    /// The temporary sibling being assembled.
    package let workingDirectory: URL
    /// The transcript, already holding the ceremony-start record. Append to
    /// it as the ceremony runs; ``complete()`` seals it.
    package let transcript: TranscriptWriter
    package let ceremony: CeremonyDescription
    package private(set) var state: State = .assembling
    private let clock: () -> Date
    private let started: Date

    package enum State: Sendable, Equatable {
        case assembling
        case completed(URL)
        case failed(URL)
    }

    /// `workingDirectory/public`.
    package var publicDirectory: URL { workingDirectory.appendingPathComponent(BundlePath.publicFolder) }
    /// `workingDirectory/backup`, for the backup ceremony's files.
    package var backupDirectory: URL { workingDirectory.appendingPathComponent(BundlePath.backupFolder) }

    /// Checks `destination`, creates the working directory and the transcript,
    /// and records the start of the ceremony.
    ///
    /// - Throws: ``BundleError`` when `destination` exists and is not an empty
    ///   folder, when its parent folder is missing, or when files cannot be created.
    package init(destination: URL, ceremony: CeremonyDescription, clock: @escaping () -> Date = Date.init) throws {
        let destination = destination.standardizedFileURL
        try OutputDirectory.checkDestination(destination)
        self.destination = destination
        self.ceremony = ceremony
        self.clock = clock
        self.started = clock()
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        self.workingDirectory = destination.deletingLastPathComponent()
            .appendingPathComponent("\(destination.lastPathComponent).partial-\(suffix)")
        try SafeFile.makeDirectory(workingDirectory)
        do {
            try SafeFile.makeDirectory(workingDirectory.appendingPathComponent(BundlePath.publicFolder))
            try SafeFile.makeDirectory(workingDirectory.appendingPathComponent(BundlePath.backupFolder))
            transcript = try TranscriptWriter(
                creatingAt: workingDirectory.appendingPathComponent(BundlePath.publicFolder)
                    .appendingPathComponent(BundlePath.transcript),
                clock: clock)
            try transcript.append(ceremony.startEvent)
        } catch {
            try? FileManager.default.removeItem(at: workingDirectory)
            throw error
        }
    }

    /// Refuses a destination that is anything but absent or an empty folder.
    package static func checkDestination(_ destination: URL) throws(BundleError) {
        let path = destination.path
        let parent = destination.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .parentMissing(path: parent)
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else {
            throw .destinationExists(path: path, reason: "it exists and is not a folder")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]
        if !contents.isEmpty {
            throw .destinationExists(path: path, reason: "it is a folder that is not empty")
        }
    }

    // MARK: Writing public files

    /// Writes `data` to `public/<relativePath>`, creating folders; never overwrites.
    package func writePublicFile(_ data: Data, at relativePath: String) throws {
        try requireAssembling()
        guard BundlePath.isSafeRelative(relativePath),
              !TranscriptVerifier.unsealedNames.contains(relativePath) else {
            throw BundleError.unsafePath(relativePath)
        }
        let url = publicDirectory.appendingPathComponent(relativePath)
        try SafeFile.makeDirectories(url.deletingLastPathComponent())
        try SafeFile.create(url, contents: data)
    }

    /// Writes `public/plan.yaml`, a byte copy of the plan as reviewed.
    package func writePlan(_ source: SourceFile) throws {
        try writePublicFile(source.bytes, at: BundlePath.plan)
    }

    /// Writes `public/keys/<keyid>.pem`.
    package func writePublicKey(pem: String, keyID: String) throws {
        guard BundlePath.isSafeKeyID(keyID) else { throw BundleError.unsafePath(keyID) }
        try writePublicFile(Data(pem.utf8), at: BundlePath.publicKey(keyID: keyID))
    }

    /// Writes `public/keys/<keyid>.crt.pem`.
    package func writeCertificate(pem: String, keyID: String) throws {
        guard BundlePath.isSafeKeyID(keyID) else { throw BundleError.unsafePath(keyID) }
        try writePublicFile(Data(pem.utf8), at: BundlePath.certificate(keyID: keyID))
    }

    /// Writes `public/metadata/<repository>/<version>.root.json` and `root.json`,
    /// both with exactly `data`.
    package func writeRootMetadata(_ data: Data, repository: String, version: Int) throws {
        let folder = try rootFolder(repository: repository, version: version)
        try writePublicFile(data, at: "\(folder)/\(version).root.json")
        try writePublicFile(data, at: "\(folder)/root.json")
    }

    /// Writes `public/metadata/<repository>/<version>.root.json` only: an earlier version that
    /// the new root chains from, copied byte for byte, so a client can walk the chain.
    package func writeEarlierRootMetadata(_ data: Data, repository: String, version: Int) throws {
        let folder = try rootFolder(repository: repository, version: version)
        try writePublicFile(data, at: "\(folder)/\(version).root.json")
    }

    /// Writes `public/metadata/<repository>/<name>`: a metadata file other than a versioned root
    /// (`root.json` copied as read, `targets.json` signed in this ceremony). `name` is one plain
    /// file name ending in `.json`.
    package func writeMetadataFile(_ data: Data, repository: String, name: String) throws {
        guard name.hasSuffix(".json"), !name.contains("/"), BundlePath.isSafeRelative(name), !name.hasPrefix(".") else {
            throw BundleError.unsafePath(name)
        }
        let folder = try rootFolder(repository: repository, version: 1)
        try writePublicFile(data, at: "\(folder)/\(name)")
    }

    private func rootFolder(repository: String, version: Int) throws -> String {
        let segments = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard version >= 1, BundlePath.isSafeRelative(repository),
              segments.allSatisfy({ !$0.hasPrefix(".") }) else {
            throw BundleError.unsafePath(repository)
        }
        return BundlePath.metadataFolder(repository: repository)
    }

    /// Writes `backup/<relativePath>`; the backup ceremony decides what goes there.
    package func writeBackupFile(_ data: Data, at relativePath: String) throws {
        try requireAssembling()
        guard BundlePath.isSafeRelative(relativePath) else { throw BundleError.unsafePath(relativePath) }
        let url = backupDirectory.appendingPathComponent(relativePath)
        try SafeFile.makeDirectories(url.deletingLastPathComponent())
        try SafeFile.create(url, contents: data)
    }

    /// Writes `shares/<name>` (mode 0600): a rehearsal's share or a custodian's share card.
    /// They are outside `public/`, so no manifest, digest or seal ever names their contents.
    package func writeShareFile(_ data: Data, named name: String) throws {
        try requireAssembling()
        guard BundlePath.isSafeRelative(name), !name.contains("/") else { throw BundleError.unsafePath(name) }
        let folder = workingDirectory.appendingPathComponent(BundlePath.sharesFolder)
        try SafeFile.makeDirectories(folder)
        chmod(folder.path, 0o700)
        try SafeFile.create(folder.appendingPathComponent(name), contents: data, mode: 0o600)
    }

    // MARK: Finishing

    /// Seals the transcript over every public output, writes `manifest.json`
    /// and `SHA256SUMS`, and renames the working directory to `destination`.
    ///
    /// If any of this fails, the output is moved aside as after ``fail(step:message:)``
    /// and the error is rethrown.
    ///
    /// - Returns: `destination`.
    @discardableResult
    package func complete() throws -> URL {
        try requireAssembling()
        do {
            let profilePath = publicDirectory.appendingPathComponent(BundlePath.profile)
            if let profile = ceremony.profile, !FileManager.default.fileExists(atPath: profilePath.path) {
                // The profile decides the tokens and so the steps; an auditor replays them with it.
                try writePublicFile(profile.bytes, at: BundlePath.profile)
            }
            let sealed = try digests(excluding: TranscriptVerifier.unsealedNames)
            try transcript.seal(outputs: sealed)
            let manifest = BundleManifest(
                ceremony: ceremony.ceremony, dialect: ceremony.dialect, repositories: ceremony.repositories,
                planDigest: ceremony.planDigest.hex, profileDigest: ceremony.profileDigest?.hex,
                toolVersion: ceremony.toolVersion, started: RFC3339.format(started),
                finished: RFC3339.format(clock()), rehearsal: ceremony.rehearsal,
                files: try digests(excluding: [BundlePath.manifest, BundlePath.sums]))
            try SafeFile.create(publicDirectory.appendingPathComponent(BundlePath.manifest), contents: try manifest.encoded())
            let sums = SHA256Sums(entries: try digests(excluding: [BundlePath.sums]))
            try SafeFile.create(publicDirectory.appendingPathComponent(BundlePath.sums), contents: Data(sums.text.utf8))
            try syncFolders(workingDirectory)
            try OutputDirectory.checkDestination(destination)
            try SafeFile.rename(workingDirectory, to: destination)
            SafeFile.syncDirectory(destination.deletingLastPathComponent())
        } catch {
            _ = fail(step: nil, message: "assembling the output directory failed: \(error)")
            throw error
        }
        state = .completed(destination)
        return destination
    }

    /// Abandons the output: records the error (unless the transcript is
    /// already sealed), keeps only `DIR.failed-<UTC time>/transcript.jsonl`,
    /// and removes the working directory.
    ///
    /// - Returns: the failed folder, or nil if even that could not be written
    ///   (the working directory is then left in place so nothing is lost).
    @discardableResult
    package func fail(step: Int?, message: String) -> URL? {
        if case .failed(let url) = state { return url }
        if !transcript.isSealed {
            _ = try? transcript.append(.error(.init(step: step, message: message)))
        }
        transcript.close()
        let stamp = OutputDirectory.fileStamp(clock())
        let parent = destination.deletingLastPathComponent()
        for attempt in 0..<100 {
            let name = "\(destination.lastPathComponent).failed-\(stamp)" + (attempt == 0 ? "" : "-\(attempt + 1)")
            let failed = parent.appendingPathComponent(name)
            do {
                try SafeFile.makeDirectory(failed)
            } catch {
                if error.code == EEXIST { continue }
                return nil
            }
            do {
                let data = try BundlePath.read(transcript.url)
                try SafeFile.create(failed.appendingPathComponent(BundlePath.transcript), contents: data)
                SafeFile.syncDirectory(parent)
            } catch {
                return nil
            }
            try? FileManager.default.removeItem(at: workingDirectory)
            state = .failed(failed)
            return failed
        }
        return nil
    }

    /// `20261125T120000Z`: RFC 3339 basic form, safe in file names.
    static func fileStamp(_ date: Date) -> String {
        let text = RFC3339.format(date)
        return String(text.prefix(19)).replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: ":", with: "") + "Z"
    }

    private func requireAssembling() throws {
        guard state == .assembling else { throw BundleError.finished }
    }

    private func digests(excluding excluded: Set<String>) throws -> [String: String] {
        var result: [String: String] = [:]
        for path in try BundlePath.regularFiles(under: publicDirectory) where !excluded.contains(path) {
            result[path] = ByteEncoding.sha256Hex(try BundlePath.read(publicDirectory.appendingPathComponent(path)))
        }
        return result
    }

    private func syncFolders(_ url: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            let child = url.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory), isDirectory.boolValue {
                try syncFolders(child)
            }
        }
        SafeFile.syncDirectory(url)
    }
}
