import Foundation
import PKCS11

/// SoftHSM2 tokens for tests.
///
/// SoftHSM2 reads `SOFTHSM2_CONF` once, at `C_Initialize`, and a module is initialised once per
/// process. So in-process tests share one private token directory for the whole test process and
/// isolate themselves by giving every token a unique label; tests that need a directory of their
/// own run the `keyceremony` CLI or `softhsm2-util` as child processes with their own config.
public enum SoftHSMSandbox {
    public static let modulePath = "/usr/lib/softhsm/libsofthsm2.so"

    /// The process-wide SoftHSM2 home: created, and exported, before the module is first opened.
    public static let shared: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kc-softhsm-\(getpid())-\(UUID().uuidString.prefix(6))")
        try! writeConfig(in: dir)
        setenv("SOFTHSM2_CONF", dir.appendingPathComponent("softhsm2.conf").path, 1)
        return dir
    }()

    /// Writes `softhsm2.conf` and a token directory under `dir`; returns the config path.
    @discardableResult
    public static func writeConfig(in dir: URL) throws -> String {
        let tokens = dir.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("softhsm2.conf")
        try "directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\n".write(to: conf, atomically: true, encoding: .utf8)
        return conf.path
    }

    public static func module() throws -> PKCS11Module {
        _ = shared
        return try PKCS11Module.open(modulePath)
    }

    /// A freshly initialised token with a unique label and known PINs.
    public struct TestToken: Sendable {
        public let info: TokenInfo
        public let userPIN: String
        public let soPIN: String
        public var label: String { info.identity.label }

        public func session(loggedIn: Bool = true) throws -> Session {
            let session = try SoftHSMSandbox.module().openSession(on: .label(label))
            if loggedIn { try session.login(pin: SecretBytes(utf8: userPIN)) }
            return session
        }
    }

    public static func makeToken(_ prefix: String = "t") throws -> TestToken {
        let label = "\(prefix)-\(UUID().uuidString.prefix(12).lowercased())"
        let user = "user-\(UUID().uuidString.prefix(8))"
        let so = "so-\(UUID().uuidString.prefix(8))"
        let info = try module().initializeToken(label: label, soPIN: SecretBytes(utf8: so), userPIN: SecretBytes(utf8: user))
        return TestToken(info: info, userPIN: user, soPIN: so)
    }
}
