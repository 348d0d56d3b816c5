import Foundation
import TrustMetadata

/// The digest read aloud at the start of a ceremony: everything that decides its output.
///
/// It covers the plan's bytes, the site profile's bytes (or that there is none) and the bytes
/// of every online key file, so that swapping a key file on the day changes the words. It is
/// the SHA-256 of these UTF-8 lines, each ending in `\n`:
/// ```
/// keyceremony ceremony digest v1
/// plan <sha256 hex of the plan file>
/// profile <sha256 hex of the profile file | none>
/// online <role> <sha256 hex of that key file>      one line per role, sorted by role
/// ```
/// (A rotation's current root files are not covered: they are verified from their first version
/// by the ceremony itself, and each one's SHA-256 is shown and recorded at the review step.)
package struct CeremonyDigest: Sendable, Equatable {
    package let digest: PlanDigest
    /// The lines hashed, for anyone who wants to recompute the digest by hand.
    package let lines: [String]
    /// Online role → SHA-256 hex of its key file.
    package let onlineKeyFiles: [String: String]

    /// Reads every online key file named by `plan`.
    ///
    /// - Throws: ``InputFileError`` naming the first key file that cannot be read.
    package init(plan: Plan, profile: SourceFile?) throws(InputFileError) {
        var lines = ["keyceremony ceremony digest v1", "plan \(plan.source.digest.hex)", "profile \(profile?.digest.hex ?? "none")"]
        var files: [String: String] = [:]
        for (role, url) in plan.onlineKeys.all.sorted(by: { $0.role < $1.role }) {
            let file = try SourceFile.read(url)
            files[role] = file.digest.hex
            lines.append("online \(role) \(file.digest.hex)")
        }
        self.lines = lines
        self.onlineKeyFiles = files
        digest = PlanDigest(of: Data(lines.map { $0 + "\n" }.joined().utf8))
    }
}
