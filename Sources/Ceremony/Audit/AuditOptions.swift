import Foundation

/// What `keyceremony audit` is given besides the folder.
package struct AuditOptions: Sendable {
    /// The reviewed plan, to compare with the digest recorded and to resolve the online key files.
    package var plan: URL?
    /// The SHA-256 hex of a reviewed build of `keyceremony`.
    package var toolSHA256: String?
    /// When expiry is judged.
    package var at: Date

    package init(plan: URL? = nil, toolSHA256: String? = nil, at: Date = Date()) {
        self.plan = plan
        self.toolSHA256 = toolSHA256
        self.at = at
    }
}

/// Input the audit cannot read at all (exit 2), as opposed to findings about what it read.
package struct AuditInputError: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var reason: String

    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    package var description: String { "\(path): \(reason)" }
}
