import Foundation
import PKCS11

/// Where a ceremony talks to its people: step announcements, confirmations and PINs.
///
/// Production runs use ``TerminalConsole``; rehearsals use ``RehearsalConsole``. Nothing
/// else can supply a PIN, so there is no way to run a production ceremony from a script.
public protocol CeremonyConsole: AnyObject {
    /// Shows a line to the people in the room.
    func say(_ text: String)
    /// Waits for `actor` to confirm; returns who confirmed and how, for the transcript.
    func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String
    /// Reads the user PIN of `token` for `holder`.
    func pin(holder: String, token: TokenIdentity, step: CeremonyStep) throws(CeremonyConsoleError) -> SecretBytes
    /// Whether this console is a rehearsal (PINs from a file, no confirmations).
    var isRehearsal: Bool { get }
}

public enum CeremonyConsoleError: Error, CustomStringConvertible {
    case declined(step: CeremonyStep)
    case noTerminal(String)
    case pinUnavailable(String)

    public var description: String {
        switch self {
        case let .declined(step): return "\(step.actor) did not confirm step \(step.number)/\(step.total); the ceremony stops here"
        case let .noTerminal(reason): return reason
        case let .pinUnavailable(reason): return reason
        }
    }
}

/// The production console: everything happens at the controlling terminal.
public final class TerminalConsole: CeremonyConsole {
    public init() {}

    public var isRehearsal: Bool { false }

    public func say(_ text: String) {
        print(text)

    }

    /// Asks until the answer is yes or no: a typo must neither skip a step nor end the ceremony.
    public func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String {
        var prompt = "  \(step.actor), type 'yes' when done"
        while true {
            guard let answer = TerminalLine.read(prompt: prompt) else {
                throw .noTerminal("no terminal to confirm step \(step.number)/\(step.total) on; a production ceremony needs officers at a terminal (rehearsals: --rehearsal --yes)")
            }
            switch answer.lowercased() {
            case "yes", "y": return "\(step.actor) at the terminal"
            case "no", "n", "abort", "stop": throw .declined(step: step)
            default: prompt = "  please type 'yes' to go on, or 'no' to stop the ceremony"
            }
        }
    }

    public func pin(holder: String, token: TokenIdentity, step: CeremonyStep) throws(CeremonyConsoleError) -> SecretBytes {
        do {
            return try TerminalPINReader.read(prompt: "  \(holder), enter the user PIN of token \(token)")
        } catch {
            throw .noTerminal("\(error)")
        }
    }
}

/// The rehearsal console: confirmations are automatic (with `--yes`) and PINs come from the
/// rehearsal PIN file, and only for SoftHSM2 tokens, so a real token's PIN can never be read
/// from a file even by mistake.
public final class RehearsalConsole: CeremonyConsole {
    let pins: RehearsalPINFile
    let pinPath: String
    let assumeYes: Bool
    let terminal = TerminalConsole()
    private let output: (String) -> Void

    public init(pinFile path: String, assumeYes: Bool, output: @escaping (String) -> Void = { print($0) }) throws {
        pins = try RehearsalPINFile.load(path)
        pinPath = path
        self.assumeYes = assumeYes
        self.output = output
    }

    public var isRehearsal: Bool { true }

    public func say(_ text: String) { output(text) }

    public func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String {
        if assumeYes { return "rehearsal --yes" }
        return try terminal.confirm(step)
    }

    public func pin(holder: String, token: TokenIdentity, step: CeremonyStep) throws(CeremonyConsoleError) -> SecretBytes {
        guard token.manufacturer == "SoftHSM project" else {
            throw .pinUnavailable("token \(token) is not a SoftHSM2 rehearsal token; rehearsal PIN files are only for SoftHSM2")
        }
        do {
            return try pins.userPIN(for: token.label, path: pinPath)
        } catch {
            throw .pinUnavailable("\(error)")
        }
    }
}

/// One line from the controlling terminal, or nil when there is none (never blocks on a pipe).
enum TerminalLine {
    static func read(prompt: String) -> String? {
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else { return nil }
        defer { try? tty.close() }
        var bytes: [UInt8] = []
        Interruption.whilePrompting(restore: {}) {
            tty.write(Data("\(prompt): ".utf8))
            while bytes.count < 256, let byte = try? tty.read(upToCount: 1), let first = byte.first, first != 0x0A {
                bytes.append(first)
            }
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}
