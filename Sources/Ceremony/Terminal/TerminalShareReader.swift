import Foundation
import Glibc
import PKCS11

/// Reads the words of one SLIP-39 share from the controlling terminal with echo off, straight
/// into ``SecretBytes``: nothing typed is shown, and nothing passes through a `String`.
///
/// The words may come on one line or several; after each line only the running word count is
/// shown, and an empty line ends the share. Like ``TerminalPINReader`` it opens `/dev/tty`, fails
/// at once without a terminal, turns echo off before the prompt appears, and gives the terminal
/// back its echo on Ctrl-C.
package enum TerminalShareReader {
    /// Longest input taken: 4 KiB, far above a 33-word share typed in full (about 300 bytes).
    package static let capacity = 4096

    package enum Failure: Error, CustomStringConvertible {
        case noTerminal
        case empty
        case echoNotDisabled
        case tooLong

        package var description: String {
            switch self {
            case .noTerminal: "no terminal to type a share at; pipe the share on standard input instead"
            case .empty: "no share words were entered"
            case .echoNotDisabled: "the terminal would not turn echo off, so no share was asked for"
            case .tooLong: "more than \(TerminalShareReader.capacity) characters were typed; a share is at most a few hundred"
            }
        }
    }

    /// Asks with `prompt`, then reads lines until an empty one (after at least one word).
    /// Returns the typed bytes, lines joined by newlines.
    package static func read(prompt: String) throws(Failure) -> SecretBytes {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw .noTerminal }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw .noTerminal }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        silent.c_lflag |= tcflag_t(ICANON)
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { throw .echoNotDisabled }
        let saved = original
        let restore = {
            var terminal = saved
            tcsetattr(fd, TCSANOW, &terminal)
            _ = write(fd, "\n", 1)
        }
        defer { restore() }
        func say(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
        var overflow = false
        let typed = Interruption.whilePrompting(restore: restore) {
            say("\(prompt): ")
            return SecretBytes(capacity: capacity) { buffer in
                var count = 0
                var words = 0
                var byte: UInt8 = 0
                while true {
                    // One line.
                    let lineStart = count
                    var inWord = false
                    var lineWords = 0
                    var ended = false
                    while Glibc.read(fd, &byte, 1) == 1 {
                        if byte == 0x0A || byte == 0x0D { ended = true; break }
                        guard count < buffer.count - 1 else { overflow = true; break }
                        buffer[count] = byte
                        count += 1
                        let space = byte == 0x20 || byte == 0x09
                        if !space && !inWord { lineWords += 1 }
                        inWord = !space
                    }
                    byte = 0
                    if overflow || !ended { break }
                    if lineWords == 0 {
                        count = lineStart
                        if words > 0 { break }
                        say("\n(no words yet) \(prompt): ")
                        continue
                    }
                    words += lineWords
                    buffer[count] = 0x0A
                    count += 1
                    say("\n  \(words) \(words == 1 ? "word" : "words") so far; type more, or press Enter on an empty line to finish: ")
                }
                return count
            }
        }
        if overflow {
            typed.wipe()
            throw .tooLong
        }
        guard !typed.isEmpty else { throw .empty }
        return typed
    }
}
