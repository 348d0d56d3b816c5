import Foundation
import PKCS11

/// Where a ceremony talks to its people: step announcements, confirmations and PINs.
///
/// Production runs use ``TerminalConsole``; rehearsals use ``RehearsalConsole``. Nothing
/// else can supply a PIN, so there is no way to run a production ceremony from a script.
package protocol CeremonyConsole: AnyObject {
    /// Shows a line to the people in the room.
    func say(_ text: String)
    /// Waits for `actor` to confirm; returns who confirmed and how, for the transcript.
    func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String
    /// Reads the user PIN of `token` for `holder`.
    func pin(holder: String, token: TokenIdentity, step: CeremonyStep) throws(CeremonyConsoleError) -> SecretBytes
    /// Whether this console is a rehearsal (PINs from a file, no confirmations).
    var isRehearsal: Bool { get }
}

package enum CeremonyConsoleError: Error, CustomStringConvertible {
    case declined(step: CeremonyStep)
    case noTerminal(String)
    case pinUnavailable(String)

    package var description: String {
        switch self {
        case let .declined(step): return "\(step.actor) did not confirm step \(step.number)/\(step.total); the ceremony stops here"
        case let .noTerminal(reason): return reason
        case let .pinUnavailable(reason): return reason
        }
    }
}
