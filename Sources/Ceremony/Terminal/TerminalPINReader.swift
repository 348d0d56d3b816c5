import Foundation
import Glibc
import PKCS11

/// Reads a PIN from the controlling terminal with echo off, straight into ``SecretBytes``.
///
/// It opens `/dev/tty` rather than reading standard input, so a PIN can never be piped in from
/// a file or a script by accident, and without a terminal it fails at once instead of hanging.
package enum TerminalPINReader {
    package enum Failure: Error, CustomStringConvertible {
        case noTerminal(prompt: String)
        case empty(prompt: String)
        case echoNotDisabled(prompt: String)

        package var description: String {
            switch self {
            case let .noTerminal(prompt):
                return "no terminal to read a PIN from (\(prompt)); a production ceremony needs an officer at a terminal, a rehearsal can use --rehearsal --pins FILE"
            case let .empty(prompt):
                return "no PIN was entered (\(prompt))"
            case let .echoNotDisabled(prompt):
                return "the terminal would not turn echo off, so no PIN was asked for (\(prompt))"
            }
        }
    }

    /// - Parameter capacity: the most bytes read (a PIN: 256; a typed SLIP-39 share: more).
    package static func read(prompt: String, capacity: Int = 256) throws(Failure) -> SecretBytes {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw .noTerminal(prompt: prompt) }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw .noTerminal(prompt: prompt) }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        silent.c_lflag |= tcflag_t(ICANON)
        // Echo goes off before the prompt appears, so nothing typed after it is ever shown, and
        // TCSAFLUSH drops anything typed ahead. If echo cannot be turned off, no PIN is read.
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { throw .echoNotDisabled(prompt: prompt) }
        let saved = original
        let restore = {
            var terminal = saved
            tcsetattr(fd, TCSANOW, &terminal)
            _ = write(fd, "\n", 1)
        }
        defer { restore() }
        let pin = Interruption.whilePrompting(restore: restore) {
            let text = Array("\(prompt): ".utf8)
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            return SecretBytes(capacity: capacity) { buffer in
                var count = 0
                var byte: UInt8 = 0
                while count < buffer.count, Glibc.read(fd, &byte, 1) == 1, byte != 0x0A, byte != 0x0D {
                    buffer[count] = byte
                    count += 1
                }
                byte = 0
                return count
            }
        }
        guard !pin.isEmpty else { throw .empty(prompt: prompt) }
        return pin
    }
}
