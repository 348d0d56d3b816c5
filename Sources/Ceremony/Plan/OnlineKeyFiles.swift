import Foundation
import TrustMetadata

/// The public keys of the online roles, as files next to the plan.
///
/// The plan only names the files; reading their formats (PEM SPKI, or
/// Notary/TUF key JSON) belongs to the metadata layer.
package struct OnlineKeyFiles: Sendable, Equatable {
    /// The top-level roles an online key can serve, in the order plans list them.
    package static let roles = RootMetadata.onlineRoles

    /// Role name → key file, resolved against the plan's folder.
    package var files: [String: URL]
    /// Where each role's path was written in the plan, by role name.
    package var locations: [String: SourceLocation]

    package init(files: [String: URL], locations: [String: SourceLocation] = [:]) {
        self.files = files
        self.locations = locations
    }

    /// The key file for `role`, if the plan names one.
    package subscript(role: String) -> URL? { files[role] }

    /// The named files in role order, for checks and listings.
    package var all: [(role: String, url: URL)] {
        Self.roles.compactMap { role in files[role].map { (role, $0) } }
    }
}
