import Foundation
import PKCS11

/// The PKCS#11 module a ceremony loads, as an absolute path or a well-known alias.
///
/// Aliases let a plan written on a workstation name SoftHSM2 or p11-kit's proxy
/// without knowing where the ceremony machine's distribution installs them.
package enum ModuleReference: Sendable, Hashable, CustomStringConvertible {
    case path(String)
    case alias(Alias)

    /// Module names a plan may use instead of a path.
    package enum Alias: String, Sendable, Hashable, CaseIterable {
        case softhsm
        case p11KitProxy = "p11-kit-proxy"
        case opensc
        case tpm2
        case nssSoftokn = "nss-softokn"

        /// Where distributions install the module, most likely first (the token layer's list).
        package var candidatePaths: [String] { ModuleAlias.candidates[rawValue] ?? [] }
    }

    /// Reads `text` as an alias if it is one, else as an absolute path.
    /// Returns nil for a relative path, which would depend on the working directory.
    package init?(_ text: String) {
        if let alias = Alias(rawValue: text) {
            self = .alias(alias)
        } else if text.hasPrefix("/") {
            self = .path(text)
        } else {
            return nil
        }
    }

    /// The module file to load on this machine: the path itself, or the first
    /// existing candidate for an alias. Nil when an alias has no installed module.
    package func resolvedPath(fileManager: FileManager = .default) -> String? {
        switch self {
        case .path(let path):
            return path
        case .alias(let alias):
            return alias.candidatePaths.first { fileManager.fileExists(atPath: $0) }
        }
    }

    package var description: String {
        switch self {
        case .path(let path): return path
        case .alias(let alias): return alias.rawValue
        }
    }
}
