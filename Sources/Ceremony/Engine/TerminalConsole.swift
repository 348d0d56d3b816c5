import Foundation
import PKCS11

/// The production console: everything happens at the controlling terminal.
package final class TerminalConsole: CeremonyConsole {
    package init() {}

    package var isRehearsal: Bool { false }

    package func say(_ text: String) {
        print(text)
        fflush(nil)  // each announced step reaches the screen, or a log, as it happens
    }

    /// Asks until the answer is yes or no: a typo must neither skip a step nor end the ceremony.
    package func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String {
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

    package func pin(holder: String, token: TokenIdentity, step: CeremonyStep) throws(CeremonyConsoleError) -> SecretBytes {
        do {
            return try TerminalPINReader.read(prompt: "  \(holder), enter the user PIN of token \(token)")
        } catch {
            throw .noTerminal("\(error)")
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
