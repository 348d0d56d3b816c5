import Foundation
import TrustMetadata

/// The digest read aloud at the start of a ceremony: everything that decides its output.
///
/// It covers the plan's bytes, the site profile's bytes (or that there is none), the bytes of
/// every online key file and, for a rotation or re-sign, of every current root file it reads,
/// so that swapping a file on the day changes the words. It is
/// the SHA-256 of these UTF-8 lines, each ending in `\n`:
/// ```
/// keyceremony ceremony digest v1
/// plan <sha256 hex of the plan file>
/// profile <sha256 hex of the profile file | none>
/// online <role> <sha256 hex of that key file>      one line per role, sorted by role
/// current <repository> <N>.root.json <sha256 hex>  rotation and re-sign: every current root file read
/// trusted <sha256 hex>                              rotation and re-sign with a pinned trusted root
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
        if let body = plan.body.rootUpdate {
            for repository in plan.repositories {
                for (version, url) in CurrentRoot.files(previous: body.previous, repository: repository, only: plan.repositories.count == 1) {
                    lines.append("current \(repository) \(version).root.json \(try SourceFile.read(url).digest.hex)")
                }
            }
            if let trusted = body.trustedRoot { lines.append("trusted \(try SourceFile.read(trusted).digest.hex)") }
        }
        if case let .recovery(body) = plan.body {
            // An unreadable backup folder is the procedure's input error, reported in words there.
            for entry in (try? BackupFolder.read(body.backup)) ?? [] {
                lines.append("backup \(entry.path) \(entry.sha256)")
            }
        }
        self.lines = lines
        self.onlineKeyFiles = files
        digest = PlanDigest(of: Data(lines.map { $0 + "\n" }.joined().utf8))
    }
}
