import Foundation
import TrustMetadata

/// The digest read aloud at the start of a ceremony: everything that decides its output.
///
/// It covers the plan's bytes, the site profile's bytes (or that there is none), the bytes of
/// every online key file and, for a rotation, re-sign or delegation, of every current root file
/// it reads (and for a delegation the current targets.json and every delegated key file),
/// so that swapping a file on the day changes the words. It is
/// the SHA-256 of these UTF-8 lines, each ending in `\n`:
/// ```
/// keyceremony ceremony digest v1
/// plan <sha256 hex of the plan file>
/// profile <sha256 hex of the profile file | none>
/// online <role> <sha256 hex of that key file>      one line per role, sorted by role
/// current <repository> <N>.root.json <sha256 hex>  rotation, re-sign, recovery, delegation: every current root file read
/// trusted <sha256 hex>                              the same, with a pinned trusted root
/// targets <repository> <sha256 hex | none>          delegation: the current targets.json read, or none
/// delegate <role> <sha256 hex>                      delegation: each key file the plan names, in plan order
/// backup <backup/file name> <sha256 hex>             recovery: every wrapped key file read
/// ```
package struct CeremonyDigest: Sendable, Equatable {
    package let digest: PlanDigest
    /// The lines hashed, for anyone who wants to recompute the digest by hand.
    package let lines: [String]
    /// Online role → SHA-256 hex of its key file.
    package let onlineKeyFiles: [String: String]

    /// Reads every online key file named by `plan` (and a rotation's current root files).
    ///
    /// - Throws: ``InputFileError`` naming the first file that cannot be read.
    package init(plan: Plan, profile: SourceFile?) throws(InputFileError) {
        var lines = ["keyceremony ceremony digest v1", "plan \(plan.source.digest.hex)", "profile \(profile?.digest.hex ?? "none")"]
        var files: [String: String] = [:]
        for (role, url) in plan.onlineKeys.all.sorted(by: { $0.role < $1.role }) {
            let file = try SourceFile.read(url)
            files[role] = file.digest.hex
            lines.append("online \(role) \(file.digest.hex)")
        }
        switch plan.body {
        case let .rootUpdate(body):
            try Self.currentRootLines(&lines, plan: plan, previous: body.previous, trustedRoot: body.trustedRoot)
        case let .recovery(body):
            try Self.currentRootLines(&lines, plan: plan, previous: body.update.previous, trustedRoot: body.update.trustedRoot)
            // An unreadable backup folder is the procedure's input error, reported in words there.
            for entry in (try? BackupFolder.read(body.backup)) ?? [] {
                lines.append("backup \(entry.path) \(entry.sha256)")
            }
        case let .targetsDelegation(body):
            try Self.currentRootLines(&lines, plan: plan, previous: body.previous, trustedRoot: body.trustedRoot)
            for repository in plan.repositories {
                var current = "none"
                if case let .at(url) = body.currentTargets {
                    // The files a ceremony would choose among; each one's bytes count.
                    var digests: [String] = []
                    for file in CurrentTargets.candidates(at: url, repository: repository) {
                        do {
                            digests.append(ByteEncoding.sha256Hex(try BundlePath.read(file)))
                        } catch {
                            throw .unreadable(path: file.path, reason: error.reason)
                        }
                    }
                    current = digests.isEmpty ? "missing" : digests.joined(separator: " ")
                }
                lines.append("targets \(repository) \(current)")
            }
            for change in body.changes {
                for file in change.keyFiles {
                    lines.append("delegate \(change.renameTo ?? change.role) \(try SourceFile.read(file.url).digest.hex)")
                }
            }
        case .rootGeneration:
            break
        }
        self.lines = lines
        self.onlineKeyFiles = files
        digest = PlanDigest(of: Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Every current root file read, and a pinned trusted root.
    private static func currentRootLines(_ lines: inout [String], plan: Plan, previous: URL, trustedRoot: URL?) throws(InputFileError) {
        for repository in plan.repositories {
            for (version, url) in CurrentRoot.files(previous: previous, repository: repository, only: plan.repositories.count == 1) {
                lines.append("current \(repository) \(version).root.json \(try SourceFile.read(url).digest.hex)")
            }
        }
        if let trusted = trustedRoot { lines.append("trusted \(try SourceFile.read(trusted).digest.hex)") }
    }
}
