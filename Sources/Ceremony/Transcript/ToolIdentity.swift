import Foundation
import TrustMetadata

/// Which program ran a ceremony, on which system: recorded in the ceremony-start record, as
/// IANA records the hash of its ceremony OS image, so an auditor can compare the executable's
/// SHA-256 with that of a reviewed build (`keyceremony audit --tool-sha256`).
package struct ToolIdentity: Sendable, Equatable {
    /// SHA-256 hex of the running executable's bytes (`/proc/self/exe`), nil when unreadable.
    package var sha256: String?
    /// ``KeyCeremonyVersion/current``.
    package var version: String
    /// The source commit (``KeyCeremonyVersion/commit``), nil when the build does not know it.
    package var commit: String?
    /// ``KeyCeremonyVersion/Build``: `release` (reproducible, from scripts/release.sh) or `development`.
    package var build: KeyCeremonyVersion.Build?
    /// `PRETTY_NAME` from `/etc/os-release` (such as "Debian GNU/Linux 12 (bookworm)"), nil when absent.
    package var osRelease: String?

    package init(sha256: String?, version: String, commit: String? = nil, build: KeyCeremonyVersion.Build? = nil, osRelease: String?) {
        self.sha256 = sha256
        self.version = version
        self.commit = commit
        self.build = build
        self.osRelease = osRelease
    }

    /// The running tool on this host, read once per process.
    package static let current = ToolIdentity(
        sha256: (try? BoundedFile.read("/proc/self/exe", limit: 1 << 30, what: "the running executable")).map { ByteEncoding.sha256Hex(Data($0)) },
        version: KeyCeremonyVersion.current,
        commit: KeyCeremonyVersion.commit,
        build: KeyCeremonyVersion.build,
        osRelease: (try? BoundedFile.read("/etc/os-release", limit: 1 << 16, what: "os-release")).flatMap { prettyName(Data($0)) })

    /// The `PRETTY_NAME` value of os-release text, unquoted (os-release(5)).
    package static func prettyName(_ data: Data) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var value = line.dropFirst("PRETTY_NAME=".count)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            return String(value).replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}
