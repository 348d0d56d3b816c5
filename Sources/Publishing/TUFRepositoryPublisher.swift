import Ceremony
import Foundation
import TrustMetadata

/// Adds a bundle's root versions, and a delegation bundle's targets.json, to a TUF repository's
/// metadata directory.
///
/// Root files are always versioned (`N.root.json`, TUF specification §5.3.3: clients fetch
/// `N+1.root.json`), whether or not the repository uses consistent snapshots. targets.json is
/// named as clients fetch it (§5.6.1; python-tuf's `Updater._load_targets`): `N.targets.json`
/// when the newest root sets `consistent_snapshot`, else `targets.json`. Nothing is overwritten:
/// a file already there must be byte-identical (anything else is a fork), a repository already
/// past the bundle's versions is refused, and an existing unversioned `root.json` is left for
/// the repository's own tooling to replace. Everything is checked before anything is written.
package enum TUFRepositoryPublisher {
    /// What publishing did and what the online side must do next.
    package struct Outcome {
        /// Files written, relative to the metadata directory.
        package var written: [String]
        /// Versions already present, byte for byte.
        package var alreadyPresent: [String]
        /// Sentences for the operators of the online system.
        package var notes: [String]
    }

    /// - Throws: ``PublishableBundle/Refusal`` when the directory is not a TUF metadata directory
    ///   or holds a different file under a version the bundle has.
    package static func publish(_ roots: [(version: Int, bytes: [UInt8])], targets: (version: Int64, bytes: [UInt8])? = nil,
                                into directory: URL) throws -> Outcome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PublishableBundle.Refusal(description: "\(directory.path) is not a folder; give the repository's metadata directory")
        }
        var outcome = Outcome(written: [], alreadyPresent: [], notes: [])
        let targetsName = try targets.map { try targetsFileName($0, roots: roots, in: directory) }
        // Refuse before writing anything: every file in the directory that is, or is named as, a
        // root is compared with the bundle's version of the same number (a fork), and a repository
        // already past the bundle's newest version is not taken back.
        let present = try presentRoots(in: directory)
        if let newest = roots.last, let ahead = present.filter({ ($0.version ?? 0) > newest.version }).max(by: { ($0.version ?? 0) < ($1.version ?? 0) }) {
            throw PublishableBundle.Refusal(description: "\(directory.path) is already at root version \(ahead.version ?? 0) (\(ahead.name)), newer than this bundle's version \(newest.version); nothing was written")
        }
        for root in roots {
            for other in present where other.version == root.version && other.bytes != root.bytes {
                throw PublishableBundle.Refusal(description: "\(directory.appendingPathComponent(other.name).path) already holds a different version \(root.version) of the root: publishing would fork the repository's root history; nothing was written")
            }
        }
        // What is left of the bundle's versions is either there byte for byte, or new.
        let presentNames = Set(present.map(\.name))
        outcome.alreadyPresent = roots.map { "\($0.version).root.json" }.filter(presentNames.contains)
        for root in roots where !outcome.alreadyPresent.contains("\(root.version).root.json") {
            let name = "\(root.version).root.json"
            do {
                try SafeFile.create(directory.appendingPathComponent(name), contents: Data(root.bytes))
            } catch {
                throw PublishableBundle.Refusal(description: "\(error)")
            }
            outcome.written.append(name)
        }
        if let targets, let targetsName {
            if (try? Array(BundlePath.read(directory.appendingPathComponent(targetsName)))) == targets.bytes {
                outcome.alreadyPresent.append(targetsName)
            } else {
                do {
                    try SafeFile.create(directory.appendingPathComponent(targetsName), contents: Data(targets.bytes))
                } catch {
                    throw PublishableBundle.Refusal(description: "\(error)")
                }
                outcome.written.append(targetsName)
            }
        }
        guard let newest = roots.last else { return outcome }
        let unversioned = directory.appendingPathComponent("root.json")
        if !FileManager.default.fileExists(atPath: unversioned.path) {
            try? SafeFile.create(unversioned, contents: Data(newest.bytes))
            outcome.written.append("root.json")
        } else if (try? Array(BundlePath.read(unversioned))) != newest.bytes {
            outcome.notes.append("root.json (unversioned) was left as it is; replace it with \(newest.version).root.json if your repository serves one")
        }
        if let targets, let targetsName {
            outcome.notes.append(targetsNote(targets, name: targetsName))
        } else {
            outcome.notes.append(contentsOf: onlineRoleNotes(roots))
        }
        return outcome
    }

    /// The name clients fetch the bundle's targets.json under, after refusing a fork (another file
    /// of that name, or of that version) and a repository whose targets.json is already newer.
    static func targetsFileName(_ targets: (version: Int64, bytes: [UInt8]), roots: [(version: Int, bytes: [UInt8])],
                                in directory: URL) throws -> String {
        let newest = roots.last.flatMap { (try? SignedMetadata(bytes: $0.bytes)).flatMap { try? RootMetadata(signed: $0.signed) } }
        let name = newest?.consistentSnapshot == true ? "\(targets.version).targets.json" : "targets.json"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for other in names.sorted() where other == "targets.json" || other.hasSuffix(".targets.json") {
            let bytes: [UInt8]
            do {
                bytes = Array(try BundlePath.read(directory.appendingPathComponent(other)))
            } catch {
                throw PublishableBundle.Refusal(description: "\(error)")
            }
            guard bytes != targets.bytes else { continue }
            let version = (try? SignedMetadata(bytes: bytes)).flatMap { try? TargetsMetadata(signed: $0.signed) }?.version
            if other == name {
                throw PublishableBundle.Refusal(description: "\(directory.appendingPathComponent(other).path) already holds a different targets.json\(version.map { " (version \($0))" } ?? ""); nothing was written")
            }
            if let version, version >= targets.version {
                throw PublishableBundle.Refusal(description: "\(directory.appendingPathComponent(other).path) is targets.json version \(version), \(version == targets.version ? "a different file of the same version as" : "newer than") this bundle's version \(targets.version); nothing was written")
            }
        }
        return name
    }

    /// What the online side must do once targets.json is in place.
    static func targetsNote(_ targets: (version: Int64, bytes: [UInt8]), name: String) -> String {
        let delegated = (try? SignedMetadata(bytes: targets.bytes)).flatMap { try? TargetsMetadata(signed: $0.signed) }?
            .delegations?.roles?.map(\.name) ?? []
        var note = "re-sign snapshot.json listing targets.json version \(targets.version) (\(name)), then timestamp.json, with the online keys"
        if !delegated.isEmpty {
            note += "; the delegated roles (\(delegated.joined(separator: ", "))) are signed online by their own keys, and snapshot.json lists each role's file once it is signed"
        }
        return note
    }

    /// Every file in `directory` that is named as a root (`N.root.json`, `root.json`, or any
    /// `*.root.json`), with the version its name or its content claims.
    static func presentRoots(in directory: URL) throws -> [(name: String, version: Int?, bytes: [UInt8])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var result: [(name: String, version: Int?, bytes: [UInt8])] = []
        for name in names.sorted() where name == "root.json" || name.hasSuffix(".root.json") {
            let bytes: [UInt8]
            do {
                bytes = Array(try BundlePath.read(directory.appendingPathComponent(name)))
            } catch {
                throw PublishableBundle.Refusal(description: "\(error)")
            }
            let signed = (try? SignedMetadata(bytes: bytes)).flatMap { try? RootMetadata(signed: $0.signed) }
            let named = name == "root.json" ? nil : Int(name.dropLast(".root.json".count))
            result.append((name, signed.map { Int($0.version) } ?? named, bytes))
            if let named, let claimed = signed?.version, Int(claimed) != named {
                result.append((name, named, bytes))
            }
        }
        return result
    }

    /// Which online roles must be re-signed because the newest root changed their keys.
    static func onlineRoleNotes(_ roots: [(version: Int, bytes: [UInt8])]) -> [String] {
        func root(_ bytes: [UInt8]) -> RootMetadata? {
            (try? SignedMetadata(bytes: bytes)).flatMap { try? RootMetadata(signed: $0.signed) }
        }
        guard let newest = roots.last.flatMap({ root($0.bytes) }) else { return [] }
        guard roots.count > 1, let previous = root(roots[roots.count - 2].bytes) else {
            return ["sign targets, snapshot and timestamp with the keys version \(newest.version) lists (an offline targets key signs targets.json in a targets-delegation ceremony; publish that bundle the same way)"]
        }
        let changed = RootMetadata.onlineRoles.filter { newest.roles[$0]?.keyIDs != previous.roles[$0]?.keyIDs || newest.roles[$0]?.threshold != previous.roles[$0]?.threshold }
        if changed.isEmpty {
            return ["version \(newest.version) keeps the online keys of version \(previous.version): targets, snapshot and timestamp stay valid; clients pick the new root up at their next update"]
        }
        return ["version \(newest.version) changes the keys of \(changed.joined(separator: ", ")): re-sign \(changed.joined(separator: ", ")) with the new keys, then snapshot and timestamp"]
    }
}
