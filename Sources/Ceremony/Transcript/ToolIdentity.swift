import Crypto
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
        sha256: fileSHA256("/proc/self/exe", limit: 1 << 30),
        version: KeyCeremonyVersion.current,
        commit: KeyCeremonyVersion.commit,
        build: KeyCeremonyVersion.build,
        osRelease: (try? BoundedFile.read("/etc/os-release", limit: 1 << 16, what: "os-release")).flatMap { prettyName(Data($0)) })

    /// SHA-256 hex of a regular file of at most `limit` bytes, read in 1 MiB pieces into one
    /// reused buffer (the executable is tens of megabytes; reading it whole cost a rehearsal
    /// about a tenth of its time); nil when it cannot be read or is larger than `limit`.
    static func fileSHA256(_ path: String, limit: Int) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) <= limit else { return nil }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { return nil }
            if got == 0 { break }
            total += got
            guard total <= limit else { return nil }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(got))) }
        }
        return ByteEncoding.hex(Array(hasher.finalize()))
    }

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
