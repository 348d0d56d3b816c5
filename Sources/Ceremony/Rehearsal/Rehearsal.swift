import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PKCS11
import TrustMetadata

/// The main demo and the backbone of the end-to-end tests: everything a root-generation
/// ceremony needs, made under one directory, then the ceremony itself, unattended.
///
/// Layout: `DIR/softhsm/` (tokens and pins.json), `DIR/online/` (rehearsal online keys, or the
/// server's snapshot and timestamp keys), `DIR/plans/01-root-generation.yaml`, and the
/// ceremony's output in `DIR/01-root-generation/`.
public struct Rehearsal {
    public struct NotaryServer {
        public var url: String
        public var gun: String
        public init(url: String, gun: String) {
            self.url = url
            self.gun = gun
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case directoryNotEmpty(String)
        case server(String)

        public var description: String {
            switch self {
            case let .directoryNotEmpty(path): return "'\(path)' exists and is not empty; a rehearsal never writes over anything"
            case let .server(reason): return reason
            }
        }
    }

    public static let holders = [("Alice", "root-a"), ("Bob", "root-b"), ("Carol", "root-c")]
    public static let threshold = 2

    public let directory: URL
    public let dialect: Dialect
    public let notaryServer: NotaryServer?

    public init(directory: URL, dialect: Dialect, notaryServer: NotaryServer? = nil) {
        self.directory = directory.standardizedFileURL
        self.dialect = notaryServer == nil ? dialect : .notary
        self.notaryServer = notaryServer
    }

    public var repository: String { notaryServer?.gun ?? (dialect == .notary ? "example.com/rehearsal" : "rehearsal") }
    public var tokens: RehearsalTokens { RehearsalTokens(directory: directory.appendingPathComponent("softhsm")) }
    public var planURL: URL { directory.appendingPathComponent("plans/01-root-generation.yaml") }
    public var outputURL: URL { directory.appendingPathComponent("01-root-generation") }

    /// Makes the tokens, the online keys and the plan. Returns the plan's location.
    public func prepare() throws -> URL {
        let fm = FileManager.default
        if let contents = try? fm.contentsOfDirectory(atPath: directory.path), !contents.isEmpty {
            throw Failure.directoryNotEmpty(directory.path)
        }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = try tokens.create(labels: Self.holders.map(\.1))
        let online = directory.appendingPathComponent("online")
        try fm.createDirectory(at: online, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var files: [String: String] = [:]
        for role in ["targets", "snapshot", "timestamp"] {
            if let server = notaryServer, role != "targets" {
                let name = "\(role).key.json"
                try Self.fetchServerKey(server: server, role: role).write(to: online.appendingPathComponent(name))
                files[role] = "../online/\(name)"
            } else {
                let signer = try SoftwareSigner(generating: .ecdsaP256)
                try Self.create(online.appendingPathComponent("\(role).key.pem"), Data(signer.privateKeyPEM.utf8), mode: 0o600)
                try Self.create(online.appendingPathComponent("\(role).pub.pem"), Data(signer.publicKey.pem.utf8), mode: 0o644)
                files[role] = "../online/\(role).pub.pem"
            }
        }
        try fm.createDirectory(at: planURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.create(planURL, Data(planText(onlineKeys: files).utf8), mode: 0o644)
        return planURL
    }

    func planText(onlineKeys: [String: String]) -> String {
        var text = """
        # Written by `keyceremony rehearse`: a root-generation rehearsal on SoftHSM2 tokens.
        # Run it again with:
        #   keyceremony run \(planURL.path) --out DIR --rehearsal --yes --pins \(tokens.pinFilePath)
        version: 1
        ceremony: root-generation
        dialect: \(dialect.rawValue)
        description: Rehearsal of root generation for \(repository) on SoftHSM2 tokens
        repositories:
          - \(Self.quoted(repository))
        expires: 30d
        module: softhsm
        root:
          threshold: \(Self.threshold)
          keys:

        """
        for (holder, label) in Self.holders {
            text += """
                - name: \(label)
                  holder: \(holder)
                  token: { label: \(label) }
                  algorithm: ecdsa-p256

            """
        }
        text += "online_keys:\n"
        for role in ["targets", "snapshot", "timestamp"] { text += "  \(role): \(onlineKeys[role] ?? "")\n" }
        text += "witnesses:\n  - Wendy\n"
        return text
    }

    /// Runs the prepared plan unattended into ``outputURL`` and verifies the result.
    public func run(say: @escaping (String) -> Void = { print($0); fflush(nil) }) throws -> (result: CeremonyResult, report: PathVerifier.Report, bundle: BundleCheckResult) {
        let plan = try Plan.load(contentsOf: planURL)
        let resolved = try ResolvedPlan.resolve(plan: plan, profile: nil)
        tokens.activate()
        let console = try RehearsalConsole(pinFile: tokens.pinFilePath, assumeYes: true, output: say)
        let result = try CeremonyRunner.run(resolved, options: CeremonyOptions(output: outputURL, rehearsal: true), console: console)
        let report = try PathVerifier(options: VerificationOptions(dialect: dialect, gun: dialect == .notary ? repository : nil))
            .verify(path: outputURL.path)
        return (result, report, BundleCheck.run(directory: outputURL))
    }

    static func fetchServerKey(server: NotaryServer, role: String) throws -> Data {
        let base = server.url.hasSuffix("/") ? String(server.url.dropLast()) : server.url
        guard let url = URL(string: "\(base)/v2/\(server.gun)/_trust/tuf/\(role).key") else {
            throw Failure.server("'\(server.url)' and '\(server.gun)' do not make a valid URL")
        }
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Data, Error> = .failure(Failure.server("no answer from \(url)"))
        let task = URLSession.shared.dataTask(with: url) { data, response, error in
            if let error {
                outcome = .failure(Failure.server("cannot fetch the \(role) key from \(url): \(error.localizedDescription)"))
            } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                outcome = .failure(Failure.server("notary-server answered \(http.statusCode) for \(url)"))
            } else {
                outcome = .success(data ?? Data())
            }
            semaphore.signal()
        }
        task.resume()
        if semaphore.wait(timeout: .now() + 30) == .timedOut {
            task.cancel()
            throw Failure.server("notary-server at \(server.url) did not answer within 30 s")
        }
        return try outcome.get()
    }

    static func create(_ url: URL, _ data: Data, mode: Int) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: mode]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20: quoted += String(format: "\\u%04x", scalar.value)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
