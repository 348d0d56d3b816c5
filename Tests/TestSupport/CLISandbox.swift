import Foundation

/// A private directory with its own SoftHSM2 config, for running the CLI and the token tools
/// as child processes without sharing tokens with any other test.
public struct CLISandbox {
    public let directory: URL
    public let softhsmConfig: String

    public init(_ name: String = "cli") throws {
        directory = try TemporaryDirectory(name).url
        softhsmConfig = try SoftHSMSandbox.writeConfig(in: directory.appendingPathComponent("softhsm"))
    }

    public var environment: [String: String?] { ["SOFTHSM2_CONF": softhsmConfig] }

    public func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    /// Runs `keyceremony` with this sandbox's SoftHSM2.
    @discardableResult
    public func keyceremony(_ arguments: [String], environment extra: [String: String?] = [:]) throws -> ProcessResult {
        try ProcessRunner.run(try TestPaths.keyceremony, arguments, environment: environment.merging(extra) { $1 })
    }

    /// Runs a command on a pseudo-terminal, answering prompts in order (see scripts/testing/pty-answer.py).
    public func onTerminal(_ command: [String], answers: [(prompt: String, answer: String)]) throws -> ProcessResult {
        try onTerminal(command, steps: answers.map { ($0.prompt, $0.answer, nil) })
    }

    /// Same, with a shell command run just before some answers are typed.
    public func onTerminal(_ command: [String], steps: [(prompt: String, answer: String, before: String?)]) throws -> ProcessResult {
        let file = directory.appendingPathComponent("answers-\(UUID().uuidString.prefix(6)).json")
        let json = try JSONSerialization.data(withJSONObject: steps.map { [$0.prompt, $0.answer] + ($0.before.map { [$0] } ?? []) })
        try json.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/testing/pty-answer.py").path
        return try ProcessRunner.run("python3", [script, file.path, "--"] + command, environment: environment)
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }
}
