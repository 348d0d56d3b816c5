import Foundation

/// NSS's software token (`libsoftokn3.so`, Debian `libnss3`) with one private NSS database
/// per token, for tests that run ceremonies on it.
///
/// softokn loads only with `LibraryParameters` at `C_Initialize`; ``libraryParameters`` names
/// every database in one `tokens=<slot=[configdir=… tokenDescription=label] …>` list, so one
/// module load offers one token per label. The databases are made by `certutil -N`, whose
/// password is the token's user PIN.
///
/// Test-only: each database password is written to a 0600 file in the private directory for
/// `certutil -f` and removed right after; that is acceptable only for throwaway test tokens.
/// KeyCeremony itself never reads a PIN from a file outside a SoftHSM2 rehearsal.
public struct NSSSoftoken: Sendable {
    public static var modulePath: String {
        ["/usr/lib/x86_64-linux-gnu/libsoftokn3.so", "/usr/lib/aarch64-linux-gnu/libsoftokn3.so", "/usr/lib64/libsoftokn3.so"]
            .first { FileManager.default.fileExists(atPath: $0) } ?? "/usr/lib/x86_64-linux-gnu/libsoftokn3.so"
    }

    /// What softokn reports as the manufacturer of its tokens.
    public static let manufacturer = "Mozilla Foundation"

    public let directory: TemporaryDirectory
    public let labels: [String]

    /// Makes one database per label, each with `pins[label]` as its password.
    public init(_ name: String = "nss", labels: [String], pins: [String: String]) throws {
        let certutil = try ProcessRunner.which("certutil")
        directory = try TemporaryDirectory(name)
        self.labels = labels
        for (index, label) in labels.enumerated() {
            let database = directory.path("db-\(index)")
            try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
            let passwordFile = directory.path("pw-\(index)")
            guard let pin = pins[label] else { throw TestSupportError("no PIN given for NSS token '\(label)'") }
            FileManager.default.createFile(atPath: passwordFile, contents: Data(pin.utf8), attributes: [.posixPermissions: 0o600])
            defer { try? FileManager.default.removeItem(atPath: passwordFile) }
            let made = try ProcessRunner.run(certutil, ["-N", "-d", "sql:\(database)", "-f", passwordFile])
            guard made.status == 0 else { throw TestSupportError("certutil -N: \(made.output)") }
        }
    }

    /// The softokn `LibraryParameters`: one token per label, slot IDs from 0x10.
    public var libraryParameters: String {
        let tokens = labels.enumerated().map { index, label in
            "0x\(String(0x10 + index, radix: 16))=[configdir='sql:\(directory.path("db-\(index)"))' certPrefix='' keyPrefix='' secmod='secmod.db' tokenDescription='\(label)']"
        }
        return "tokens=<\(tokens.joined(separator: " "))>"
    }

    public func remove() { directory.remove() }
}
