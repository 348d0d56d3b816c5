import Foundation
import PKCS11

/// Throwaway SoftHSM2 tokens for a rehearsal, in a directory of their own.
///
/// SoftHSM2 reads its configuration once per process, so ``activate()`` must run before the
/// module is first opened in the process.
package struct RehearsalTokens {
    /// The manufacturer SoftHSM2 tokens report; rehearsal PINs and rehearsal tokens only.
    package static let manufacturer = "SoftHSM project"

    package static let modulePath = "/usr/lib/softhsm/libsofthsm2.so"

    package let directory: URL
    package var configPath: String { directory.appendingPathComponent("softhsm2.conf").path }
    package var pinFilePath: String { directory.appendingPathComponent("pins.json").path }

    package init(directory: URL) { self.directory = directory.standardizedFileURL }

    package enum Failure: Error, CustomStringConvertible {
        case exists(String)
        case badLabels(String)

        package var description: String {
            switch self {
            case let .exists(path): return "'\(path)' already exists; rehearsal tokens are never made over old ones"
            case let .badLabels(reason): return reason
            }
        }
    }

    /// Points this process's SoftHSM2 at the rehearsal directory. Call before opening the module.
    package func activate() {
        setenv("SOFTHSM2_CONF", configPath, 1)
    }

    /// Creates the config, one initialised token per label, and `pins.json` (mode 0600).
    package func create(labels: [String]) throws -> [TokenInfo] {
        guard !labels.isEmpty else { throw Failure.badLabels("give at least one token label") }
        guard Set(labels).count == labels.count else { throw Failure.badLabels("token labels must be distinct") }
        for label in labels where label.isEmpty || label.utf8.count > 32 {
            throw Failure.badLabels("token label '\(label)' must have 1 to 32 bytes")
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: configPath) || fm.fileExists(atPath: pinFilePath) { throw Failure.exists(configPath) }
        let tokenDirectory = directory.appendingPathComponent("tokens")
        try fm.createDirectory(at: tokenDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = "# KeyCeremony rehearsal tokens: SoftHSM2, for rehearsal only.\ndirectories.tokendir = \(tokenDirectory.path)\nobjectstore.backend = file\nlog.level = ERROR\n"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        activate()
        let module = try PKCS11Module.open(Self.modulePath)
        var pins = RehearsalPINFile(tokens: [:])
        var made: [TokenInfo] = []
        for label in labels {
            let user = Self.randomPIN(), so = Self.randomPIN()
            made.append(try module.initializeToken(label: label, soPIN: SecretBytes(utf8: so), userPIN: SecretBytes(utf8: user)))
            pins.tokens[label] = .init(userPIN: user, soPIN: so)
        }
        try pins.write(to: pinFilePath)
        return made
    }

    static func randomPIN() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%x", Int.random(in: 0..<16, using: &generator)) }.joined()
    }
}
