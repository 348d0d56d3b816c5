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

    package var canAskAgain: Bool { true }

    /// Asks until the answer is yes or no: a typo must neither skip a step nor end the ceremony.
    /// A "no" is asked about once more ("stop the ceremony?"); only a second answer stops.
    package func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String {
        let ask = "  " + (step.prompt ?? "\(step.actor), type 'yes' when done")
        var prompt = ask
        while true {
            guard let answer = TerminalLine.read(prompt: prompt) else {
                throw .noTerminal("no terminal to confirm step \(step.number)/\(step.total) on; a production ceremony needs officers at a terminal (rehearsals: --rehearsal --yes)")
            }
            switch answer.lowercased() {
            case "yes", "y": return "\(step.actor) at the terminal"
            case "no", "n", "abort", "stop":
                if try stopRequested() { throw .declined(step: step) }
                prompt = ask
            default: prompt = "  please type 'yes' to go on, or 'no' to stop the ceremony"
            }
        }
    }

    /// The second question after a "no": only "stop" (or "yes") stops.
    private func stopRequested() throws(CeremonyConsoleError) -> Bool {
        guard let answer = TerminalLine.read(prompt: "  stop the ceremony? Keys already made stay on their tokens. Type 'stop' to stop, or press Enter to go back") else {
            throw .noTerminal("no terminal to ask whether to stop the ceremony")
        }
        return ["stop", "yes", "y"].contains(answer.lowercased())
    }

    /// Reads a PIN without echo; an empty line (an extra Enter) sends nothing to the token and asks again.
    package func pin(holder: String, token: TokenIdentity, step: CeremonyStep?) throws(CeremonyConsoleError) -> SecretBytes {
        while true {
            do {
                return try TerminalPINReader.read(prompt: "  \(holder), enter the user PIN of token \(token)")
            } catch {
                guard case .empty = error else { throw .noTerminal("\(error)") }
                say("  no PIN was entered; nothing was sent to the token. Please type the PIN, then press Enter")
            }
        }
    }

    package func awaitRetry(_ request: String) throws(CeremonyConsoleError) {
        guard let answer = TerminalLine.read(prompt: "  \(request) (or type 'stop' to stop the ceremony)") else {
            throw .noTerminal("no terminal to ask for: \(request)")
        }
        if answer.lowercased() == "stop" {
            guard try stopRequested() else { return }
            throw .stopped(what: request)
        }
    }

    package func ask(_ question: String, who: String) throws(CeremonyConsoleError) -> Bool {
        var prompt = "  \(who), \(question) (type 'yes' or 'no')"
        while true {
            guard let answer = TerminalLine.read(prompt: prompt) else {
                throw .noTerminal("no terminal to ask \(who): \(question)")
            }
            switch answer.lowercased() {
            case "yes": return true
            case "no", "n": return false
            default: prompt = "  \(who), please type 'yes' or 'no'"
            }
        }
    }

    /// Each witness types their own name after the statement, so the transcript records who confirmed.
    package func witnessConfirmations(_ witnesses: [String], statement: String) throws(CeremonyConsoleError) -> [String] {
        var confirmed: [String] = []
        for witness in witnesses {
            var prompt = "  \(witness): if \(statement), type your name"
            while true {
                guard let answer = TerminalLine.read(prompt: prompt) else {
                    throw .noTerminal("no terminal for witness \(witness) to confirm on")
                }
                if answer.utf8.elementsEqual(witness.utf8) { confirmed.append(witness); break }
                if ["no", "stop"].contains(answer.lowercased()), try stopRequested() {
                    throw .stopped(what: "witness \(witness) did not confirm that \(statement)")
                }
                prompt = "  \(witness), please type your name exactly as '\(witness)' to confirm, or 'no'"
            }
        }
        return confirmed
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
