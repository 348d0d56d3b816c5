import Foundation
import PKCS11

/// Finds, compares, opens, logs in and closes the tokens of one ceremony, for every procedure.
///
/// Tokens are named by the plan's key names. The desk remembers which physical token each key
/// was first seen on (at preflight), so a different token at a later visit is refused, and so is
/// one physical token named twice (say, by label and by serial): a 2-of-3 root must never quietly
/// become 2 of 2 tokens. Every token shown is recorded in the transcript with its holder.
///
/// Mistakes at a visit are recovered in place when a person can answer: an absent or wrong token
/// asks the holder to insert the right one; a wrong or empty PIN asks again, with the token's
/// own retry counter as the limit (read before each try; a final try needs an explicit yes, a
/// locked PIN stops the ceremony). The desk itself never spends a token's last try.
final class TokenDesk {
    /// Nil for a ceremony that uses no token.
    private let module: PKCS11Module?
    private let keys: [String: ResolvedPlan.ResolvedKey]
    private let order: [String]
    private var sessions: [String: Session] = [:]
    private(set) var identities: [String: TokenIdentity] = [:]
    /// Key objects this ceremony made, in the order made: what a failure leaves on the tokens.
    private(set) var created: [TranscriptEvent.ObjectsLeft.Object] = []

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
        order = resolved.keys.map(\.key.name)
    }

    /// The planned key entry named `name`.
    func planned(_ name: String) -> ResolvedPlan.ResolvedKey? { keys[name] }

    /// The module's path, for the transcript (cleanup finds the module again from it).
    var modulePath: String? { module?.path }

    /// The module's manufacturer as it reports itself.
    var moduleManufacturer: String? { (try? module?.info())?.manufacturer }

    /// Whether the module is SoftHSM2, a software token: its keys are files on this disk.
    var isSoftwareModule: Bool {
        guard let module else { return false }
        if let info = try? module.info(), info.manufacturer.contains("SoftHSM") { return true }
        return module.path.contains("softhsm")
    }

    // MARK: Preflight

    /// Checks every planned token without creating anything: present and matching its selector,
    /// not one physical token for two keys, a user PIN that allows a login, and no object already
    /// labelled as one the ceremony will create (`labels`: key name → labels made on its token).
    ///
    /// Every token found is remembered, so a different one at a later visit is refused.
    ///
    /// - Returns: every problem found, in plain words naming holder and token; empty when all is well.
    func preflight(labels: [String: [String]]) -> [String] {
        guard let module else { return [] }
        var problems: [String] = []
        var seen: [TokenIdentity: String] = [:]
        for name in order {
            guard let planned = keys[name] else { continue }
            let who = "holder \(planned.key.holder), key '\(name)'"
            let token: TokenInfo
            do {
                token = try TokenCheck.find(planned.token, in: module)
            } catch {
                problems.append("\(who): \(error)")
                continue
            }
            if let other = seen[token.identity] {
                problems.append("\(who): token \(token.identity) is also planned for key '\(other)' of \(keys[other]?.key.holder ?? other); each root key needs a token of its own")
                continue
            }
            seen[token.identity] = name
            identities[name] = token.identity
            if !token.userPINInitialized {
                problems.append("\(who): token \(token.identity) has no user PIN set; initialise it before the ceremony")
            }
            if token.userPIN.locked {
                problems.append("\(who): the user PIN of token \(token.identity) is locked; the security officer must reset it before the ceremony")
            } else if token.userPIN.finalTry {
                problems.append("\(who): token \(token.identity) reports ONE user PIN try left; have the security officer reset the counter before the ceremony")
            }
            let wanted = labels[name] ?? []
            guard !wanted.isEmpty else { continue }
            do {
                let session = try module.openSession(on: token)
                defer { session.close() }
                for label in wanted {
                    guard try session.hasObject(label: label) else { continue }
                    problems.append("\(who): token \(token.identity) already holds an object labelled '\(label)', which this ceremony would create; it is probably left from an earlier failed ceremony: run 'keyceremony cleanup' on that ceremony's failed folder (see README), then run again")
                }
            } catch {
                problems.append("\(who): token \(token.identity) could not be checked: \(error)")
            }
        }
        return problems
    }

    /// Whether the token preflight found for `name` holds the public key `spki`; a problem in
    /// words when it does not (the key a rotation keeps is on another token, or was deleted).
    func missingKey(_ name: String, spki: [UInt8], keyIDs: [String]) -> String? {
        guard let module, let identity = identities[name], let planned = keys[name] else { return nil }
        let who = "holder \(planned.key.holder), key '\(name)'"
        do {
            let session = try module.openSession(on: try TokenCheck.find(planned.token, in: module))
            defer { session.close() }
            if try session.holdsPublicKey(spki) { return nil }
            return "\(who): token \(identity) holds no key whose public key is the current root's \(keyIDs.joined(separator: ", ")); check that this is the right token"
        } catch {
            return "\(who): token \(identity) could not be checked: \(error)"
        }
    }

    /// Planned keys whose tokens cannot generate or sign with their algorithm (``TokenCapabilityCheck``).
    func capabilityProblems(_ resolved: ResolvedPlan) -> [String] {
        guard let module else { return [] }
        return TokenCapabilityCheck.problems(resolved, module: module).map(\.message)
    }

    // MARK: Visits

    /// Finds the token planned for `name`, checks it is the same token as at any earlier visit
    /// and not another key's, records it, opens a session and logs in with the holder's PIN.
    ///
    /// An absent or wrong token asks the holder to insert the right one and try again; a wrong or
    /// empty PIN asks again (see the type's discussion). "PIN accepted" is said after the login.
    ///
    /// - Throws: ``CeremonyFailure`` naming step, holder and token when the PIN is locked, the
    ///   holder declines a final try or chooses to stop, or the console cannot ask again (the
    ///   original problem is then the reason).
    func open(_ name: String, step: CeremonyStep, console: CeremonyConsole, transcript: TranscriptWriter) throws -> Session {
        guard let planned = keys[name], let module else {
            throw CeremonyFailure(step: step, reason: "internal error: key '\(name)' is not in the plan; the ceremony stops and nothing is published")
        }
        let holder = planned.key.holder
        while true {
            var shown: TokenIdentity?
            do {
                let token = try TokenCheck.find(planned.token, in: module)
                shown = token.identity
                if let earlier = identities[name], earlier != token.identity {
                    throw TokenMismatch.changed(key: name, generatedOn: earlier, inserted: token.identity)
                }
                if let other = identities.first(where: { $0.key != name && $0.value == token.identity }) {
                    throw TokenMismatch.alreadyUsed(token: token.identity, byKey: other.key, holder: keys[other.key]?.key.holder ?? other.key)
                }
                identities[name] = token.identity
                try transcript.append(.token(.init(holder: holder, key: name, label: token.identity.label,
                                                   serial: token.identity.serial, manufacturer: token.identity.manufacturer,
                                                   model: token.identity.model)))
                close(name)
                let session = try module.openSession(on: token)
                sessions[name] = session
                try Self.login(session, module: module, holder: holder, step: step, console: console)
                console.say("  PIN accepted: \(holder) is logged in to token \(token.identity)")
                return session
            } catch let error where Self.isTokenProblem(error) {
                close(name)
                console.say("  \(holder): \(error)")
                let expected = identities[name].map { "token \($0)" } ?? planned.token.spoken
                do {
                    try console.awaitRetry("\(holder): insert \(expected), then press Enter")
                    // Look for tokens afresh: some modules never see a token that comes back.
                    if sessions.isEmpty { try? module.reinitialize() }
                } catch .cannotAskAgain {
                    throw CeremonyFailure(step: step, holder: holder, token: shown ?? identities[name], reason: "\(error)")
                } catch {
                    throw CeremonyFailure(step: step, holder: holder, token: shown ?? identities[name], reason: "\(error)")
                }
            }
        }
    }

    /// Logs in, asking again after a wrong or empty PIN while the token's counter allows: the
    /// PIN flags are read before each try, a final try needs `holder`'s explicit yes, a locked PIN stops.
    ///
    /// - Throws: ``PKCS11Error/tokenRemoved(token:during:)`` when the token is gone before a try;
    ///   ``CeremonyFailure`` naming `step`, holder and token for anything else.
    static func login(_ session: Session, module: PKCS11Module, holder: String, step: CeremonyStep?,
                       console: CeremonyConsole) throws {
        let token = session.token.identity
        while true {
            guard let state = module.currentInfo(of: session.token) else {
                throw PKCS11Error.tokenRemoved(token: token, during: "login")
            }
            if state.userPIN.locked {
                throw CeremonyFailure(step: step, holder: holder, token: token, reason: PKCS11Error.pinLocked(token: token).description)
            }
            if state.userPIN.finalTry {
                console.say("  token \(token) reports ONE user PIN try left: a wrong PIN now locks it")
                guard try console.ask("make the final PIN try on token \(token)?", who: holder) else {
                    throw CeremonyFailure(step: step, holder: holder, token: token,
                                          reason: "\(holder) chose not to make the final PIN try, so token \(token) is not locked; keys already made stay on their tokens")
                }
            }
            let pin = try console.pin(holder: holder, token: token, step: step)
            defer { pin.wipe() }
            do {
                try session.login(pin: pin)
                return
            } catch let error {
                guard case let .wrongPIN(_, after) = error, console.canAskAgain else {
                    throw CeremonyFailure(step: step, holder: holder, token: token, reason: "\(error)")
                }
                var text = "  wrong PIN for token \(token); please try again"
                if after.countLow && !after.finalTry { text += " (the token reports few tries left)" }
                console.say(text)
            }
        }
    }

    /// Problems a holder can fix by inserting the right token.
    private static func isTokenProblem(_ error: Error) -> Bool {
        if error is TokenMismatch { return true }
        guard let error = error as? PKCS11Error else { return false }
        switch error {
        case .tokenNotFound, .ambiguousToken, .tokenRemoved: return true
        default: return false
        }
    }

    /// Records a key object this ceremony made on `name`'s token, for the failure report and `cleanup`.
    func recordCreated(_ name: String, key: TokenKey, spkiPEM: String) {
        guard let token = identities[name] else { return }
        created.append(.init(holder: keys[name]?.key.holder ?? name, key: name, tokenLabel: token.label, serial: token.serial,
                             label: key.label, ckaID: key.idHex, spkiPEM: spkiPEM))
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
