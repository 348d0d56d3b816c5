import Foundation
import PKCS11
import TrustMetadata

/// The rehearsal console: confirmations are automatic (with `--yes`) and PINs come from the
/// rehearsal PIN file, and only for SoftHSM2 tokens, so a real token's PIN can never be read
/// from a file even by mistake.
package final class RehearsalConsole: CeremonyConsole {
    let pins: RehearsalPINFile
    let pinPath: String
    let assumeYes: Bool
    /// Where a rehearsal recovery reads each custodian's share (`<custodian>.txt`), as a
    /// rehearsed backup wrote them; nil when no share files were given.
    let sharesDirectory: URL?
    let terminal = TerminalConsole()
    private let output: (String) -> Void

    package init(pinFile path: String, assumeYes: Bool, sharesDirectory: URL? = nil,
                 output: @escaping (String) -> Void = { print($0); fflush(nil) }) throws {
        pins = try RehearsalPINFile.load(path)
        pinPath = path
        self.assumeYes = assumeYes
        self.sharesDirectory = sharesDirectory
        self.output = output
    }

    /// Rehearsal shares come from `sharesDirectory`, never a prompt: they are rehearsal secrets.
    package func readShare(custodian: String) throws(CeremonyConsoleError) -> SecretBytes {
        guard let sharesDirectory else {
            throw .pinUnavailable("a rehearsal recovery reads shares from files: give --shares DIR (the rehearsed backup's shares/ folder)")
        }
        let stem = ShareHandout.fileStem(custodian)
        let url = sharesDirectory.appendingPathComponent("\(stem).txt")
        guard let data = try? BoundedFile.read(url.path, limit: 4096, what: "share") else {
            throw .pinUnavailable("no rehearsal share for \(custodian): \(url.path) cannot be read")
        }
        var bytes = Array(data)
        defer { SecretBytes.zero(&bytes) }
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        return SecretBytes(bytes)
    }

    /// A rehearsal's passphrase comes from the PIN file's `slip39_passphrase`, the one file
    /// where rehearsal secrets may live.
    package func passphrase(prompt: String, confirm: Bool) throws(CeremonyConsoleError) -> SecretBytes {
        guard let passphrase = pins.slip39Passphrase else {
            throw .pinUnavailable("the rehearsal PIN file '\(pinPath)' has no slip39_passphrase for a backup with 'protection: passphrase'")
        }
        return SecretBytes(utf8: passphrase)
    }

    package var isRehearsal: Bool { true }

    /// Who confirms a step with `--yes`, as the transcript records it.
    package static let unattended = "rehearsal --yes"


    package func say(_ text: String) { output(text) }

    package func confirm(_ step: CeremonyStep) throws(CeremonyConsoleError) -> String {
        if assumeYes { return Self.unattended }
        return try terminal.confirm(step)
    }

    /// PINs come from the file, which would give the same wrong PIN again: a wrong PIN stops the rehearsal.
    package var canAskAgain: Bool { false }

    package func awaitRetry(_ request: String) throws(CeremonyConsoleError) {
        if assumeYes { throw .cannotAskAgain }
        try terminal.awaitRetry(request)
    }

    /// Unattended, the answer is no: a rehearsal never takes a risk nobody agreed to.
    package func ask(_ question: String, who: String) throws(CeremonyConsoleError) -> Bool {
        if assumeYes { return false }
        return try terminal.ask(question, who: who)
    }

    package func witnessConfirmations(_ witnesses: [String], statement: String) throws(CeremonyConsoleError) -> [String] {
        // Recorded under each witness's own name, as audit expects; the transcript says it is a rehearsal.
        if assumeYes { return witnesses }
        return try terminal.witnessConfirmations(witnesses, statement: statement)
    }

    package func pin(holder: String, token: TokenIdentity, step: CeremonyStep?) throws(CeremonyConsoleError) -> SecretBytes {
        guard token.manufacturer == RehearsalTokens.manufacturer else {
            throw .pinUnavailable("token \(token) is not a SoftHSM2 rehearsal token; rehearsal PIN files are only for SoftHSM2")
        }
        do {
            return try pins.userPIN(for: token.label, path: pinPath)
        } catch {
            throw .pinUnavailable("\(error)")
        }
    }
}
