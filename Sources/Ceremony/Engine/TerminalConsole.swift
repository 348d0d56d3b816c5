import Foundation
import PKCS11
import SLIP39

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

extension TerminalConsole {
    /// Clears the screen and its scroll-back, so the previous custodian's share is gone.
    static let clearScreen = "\u{1B}[2J\u{1B}[3J\u{1B}[H"

    /// Shows the share on the terminal only (not standard output, which may be logged), then
    /// clears it and asks for three words the tool picks; a wrong word shows the share again.
    package func handOutShare(_ share: ShareHandout) throws(CeremonyConsoleError) -> String {
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            throw .noTerminal("no terminal to hand out \(share.custodian)'s share on")
        }
        defer { try? tty.close() }
        let columns = 3
        let rows = (share.words.count + columns - 1) / columns
        for attempt in 1...3 {
            var screen = Self.clearScreen + "SHARE FOR \(share.custodian.uppercased()) — only \(share.custodian) may look at the screen now\n"
            screen += "\(share.header)\nceremony: \(share.ceremonyDigestWords.prefix(8).joined(separator: " "))\n\n"
            for row in 0..<rows {
                var line = ""
                for column in 0..<columns {
                    let index = column * rows + row
                    guard index < share.words.count else { continue }
                    let cell = "\(index + 1).".padding(toLength: 4, withPad: " ", startingAt: 0) + share.words[index]
                    line += cell.padding(toLength: 22, withPad: " ", startingAt: 0)
                }
                screen += "  \(line)\n"
            }
            tty.write(Data(screen.utf8))
            guard TerminalLine.read(prompt: "\n\(share.custodian), write the \(share.words.count) words down in order, then press Enter") != nil else {
                throw .noTerminal("no terminal to hand out \(share.custodian)'s share on")
            }
            tty.write(Data(Self.clearScreen.utf8))
            let positions = Array(share.words.indices.shuffled().prefix(3)).sorted()
            var allRight = true
            for position in positions {
                let typed: SecretBytes
                do {
                    typed = try TerminalPINReader.read(prompt: "  \(share.custodian), type word \(position + 1) of your share (4 letters are enough)")
                } catch {
                    guard case .empty = error else { throw .noTerminal("\(error)") }
                    allRight = false
                    break
                }
                let word = typed.withBytes { String(decoding: $0, as: UTF8.self) }
                typed.wipe()
                if SLIP39.completeWord(word.lowercased()) != share.words[position] {
                    allRight = false
                    break
                }
            }
            if allRight {
                say("  \(share.custodian) typed back words \(positions.map { String($0 + 1) }.joined(separator: ", ")) correctly")
                return "typed back words \(positions.map { String($0 + 1) }.joined(separator: ", "))"
            }
            say("  that word does not match the share; the share is shown again (attempt \(attempt + 1) of 3)")
        }
        throw .stopped(what: "\(share.custodian) could not type back their share's words three times")
    }

    /// Reads a share without echo: words separated by spaces, each word or its first 4 letters.
    package func readShare(custodian: String) throws(CeremonyConsoleError) -> SecretBytes {
        while true {
            do {
                return try TerminalPINReader.read(prompt: "  \(custodian), type your share's words separated by spaces (4 letters of each are enough); nothing is shown", capacity: 1024)
            } catch {
                guard case .empty = error else { throw .noTerminal("\(error)") }
                say("  no share was typed. Please type it, then press Enter")
            }
        }
    }

    package func passphrase(prompt: String, confirm: Bool) throws(CeremonyConsoleError) -> SecretBytes {
        while true {
            let first: SecretBytes
            do { first = try TerminalPINReader.read(prompt: "  \(prompt)") } catch { throw .noTerminal("\(error)") }
            guard confirm else { return first }
            let second: SecretBytes
            do { second = try TerminalPINReader.read(prompt: "  type it again") } catch { throw .noTerminal("\(error)") }
            defer { second.wipe() }
            if first.equals(second) { return first }
            first.wipe()
            say("  the two passphrases differ; please type it again")
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
