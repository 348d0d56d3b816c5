import Foundation
import PKCS11

/// Finds, compares, opens, logs in and closes the tokens of one ceremony, for every procedure.
///
/// Tokens are named by the plan's key names. The desk remembers which physical token each key
/// was first seen on, so a different token at a later visit is refused, and so is one physical
/// token named twice (say, by label and by serial): a 2-of-3 root must never quietly become 2 of
/// 2 tokens. Every token shown is recorded in the transcript with its holder.
final class TokenDesk {
    /// Nil for a ceremony that uses no token.
    private let module: PKCS11Module?
    private let keys: [String: ResolvedPlan.ResolvedKey]
    private var sessions: [String: Session] = [:]
    private(set) var identities: [String: TokenIdentity] = [:]

    /// Opens the module of a resolved plan, when the plan uses any token.
    ///
    /// - Throws: ``CeremonyFailure`` (an input error) when the module is not installed or does not load.
    init(resolved: ResolvedPlan) throws {
        if let reference = resolved.module, !resolved.keys.isEmpty {
            guard let path = reference.resolvedPath() else {
                throw CeremonyFailure(step: nil, reason: "PKCS#11 module \(reference) is not installed on this machine", isInputError: true)
            }
            do {
                module = try PKCS11Module.open(path, libraryParameters: resolved.moduleParameters)
            } catch {
                throw CeremonyFailure(step: nil, reason: "\(error)", isInputError: true)
            }
        } else {
            module = nil
        }
        keys = Dictionary(resolved.keys.map { ($0.key.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The planned key entry named `name`.
    func planned(_ name: String) -> ResolvedPlan.ResolvedKey? { keys[name] }

    /// Finds the token planned for `name`, checks it is the same token as at any earlier visit
    /// and not another key's, records it, opens a session and logs in with the holder's PIN.
    func open(_ name: String, step: CeremonyStep, console: CeremonyConsole, transcript: TranscriptWriter) throws -> Session {
        guard let planned = keys[name], let module else {
            throw CeremonyFailure(step: step, reason: "internal error: key '\(name)' is not in the plan; the ceremony stops and nothing is published")
        }
        let token = try TokenCheck.find(planned.token, in: module)
        if let earlier = identities[name], earlier != token.identity {
            throw TokenMismatch.changed(key: name, generatedOn: earlier, inserted: token.identity)
        }
        if let other = identities.first(where: { $0.key != name && $0.value == token.identity }) {
            throw TokenMismatch.alreadyUsed(token: token.identity, byKey: other.key, holder: keys[other.key]?.key.holder ?? other.key)
        }
        identities[name] = token.identity
        try transcript.append(.token(.init(holder: planned.key.holder, key: name, label: token.identity.label,
                                           serial: token.identity.serial, manufacturer: token.identity.manufacturer,
                                           model: token.identity.model)))
        close(name)
        let session = try module.openSession(on: token)
        sessions[name] = session
        let pin = try console.pin(holder: planned.key.holder, token: token.identity, step: step)
        defer { pin.wipe() }
        try session.login(pin: pin)
        return session
    }

    /// The open, logged-in session for `name`.
    func session(_ name: String, step: CeremonyStep?) throws -> Session {
        guard let session = sessions[name] else {
            throw CeremonyFailure(step: step, reason: "internal error: the token of '\(name)' is not open at this step; the ceremony stops and nothing is published")
        }
        return session
    }

    /// Logs out and closes the session for `name`, if one is open.
    func close(_ name: String) {
        guard let session = sessions.removeValue(forKey: name) else { return }
        try? session.logout()
        session.close()
    }

    func closeAll() {
        for name in Array(sessions.keys) { close(name) }
    }
}
