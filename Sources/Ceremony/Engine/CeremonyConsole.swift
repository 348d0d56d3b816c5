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
    /// Reads the user PIN of `token` for `holder` (`step` is nil outside a ceremony, as in `cleanup`).
    func pin(holder: String, token: TokenIdentity, step: CeremonyStep?) throws(CeremonyConsoleError) -> SecretBytes
    /// Whether this console is a rehearsal (PINs from a file, no confirmations).
    var isRehearsal: Bool { get }
    /// Whether a person types the PIN, so that asking again after a wrong PIN can get a different
    /// answer. A PIN file would only repeat itself (and count down the token's retry counter).
    var canAskAgain: Bool { get }
    /// Shows `request` ("Alice: insert token 'root-a', then press Enter") and waits.
    ///
    /// - Throws: ``CeremonyConsoleError/declined(what:)`` when the person chooses to stop.
    func awaitRetry(_ request: String) throws(CeremonyConsoleError)
    /// Asks `question` of `who`; true only for an explicit yes. An unattended console says no.
    func ask(_ question: String, who: String) throws(CeremonyConsoleError) -> Bool
    /// Each witness's name, as typed by that witness after seeing `statement`; empty without witnesses.
    func witnessConfirmations(_ witnesses: [String], statement: String) throws(CeremonyConsoleError) -> [String]
    /// Shows one custodian their SLIP-39 share privately (never through ``say(_:)``, which may
    /// be logged) and has them prove their copy; returns how, for the transcript.
    func handOutShare(_ share: ShareHandout) throws(CeremonyConsoleError) -> String
    /// Reads `custodian`'s share as typed (words or 4-letter prefixes), without echo.
    func readShare(custodian: String) throws(CeremonyConsoleError) -> SecretBytes
    /// Reads a SLIP-39 passphrase without echo; with `confirm`, typed twice and compared.
    func passphrase(prompt: String, confirm: Bool) throws(CeremonyConsoleError) -> SecretBytes
}

extension CeremonyConsole {
    package var canAskAgain: Bool { false }
    package func awaitRetry(_ request: String) throws(CeremonyConsoleError) { throw .cannotAskAgain }
    package func ask(_ question: String, who: String) throws(CeremonyConsoleError) -> Bool { false }
    package func witnessConfirmations(_ witnesses: [String], statement: String) throws(CeremonyConsoleError) -> [String] { [] }
    package func handOutShare(_ share: ShareHandout) throws(CeremonyConsoleError) -> String {
        throw .noTerminal("no terminal to hand out \(share.custodian)'s share on")
    }
    package func readShare(custodian: String) throws(CeremonyConsoleError) -> SecretBytes {
        throw .noTerminal("no terminal for \(custodian) to type a share on")
    }
    package func passphrase(prompt: String, confirm: Bool) throws(CeremonyConsoleError) -> SecretBytes {
        throw .noTerminal("no terminal to type the backup passphrase on")
    }
}

package enum CeremonyConsoleError: Error, CustomStringConvertible {
    case declined(step: CeremonyStep)
    /// Someone chose to stop rather than try again; `what` says at what.
    case stopped(what: String)
    case noTerminal(String)
    case pinUnavailable(String)
    /// The console cannot ask a person again (an unattended rehearsal).
    case cannotAskAgain

    package var description: String {
        switch self {
        case let .declined(step): return "\(step.actor) chose to stop the ceremony at step \(step.number)/\(step.total); keys already made stay on their tokens"
        case let .stopped(what): return "the ceremony was stopped at the holder's request (\(what)); keys already made stay on their tokens"
        case let .noTerminal(reason): return reason
        case let .pinUnavailable(reason): return reason
        case .cannotAskAgain: return "an unattended rehearsal cannot ask again"
        }
    }
}
