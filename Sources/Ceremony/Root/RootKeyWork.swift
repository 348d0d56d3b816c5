import Foundation
import PKCS11
import TrustMetadata

/// The token work every root ceremony does with its root keys (and offline targets keys):
/// generate a key under policy and read it back, find an existing key by its public key, issue
/// Notary root certificates on the token, sign root metadata, and write the public keys and
/// certificates.
///
/// Dialect differences are answered by TrustMetadata (``MetadataKey/make(_:dialect:)``,
/// ``NotaryRootCertificate``); this type only decides which token does what.
final class RootKeyWork {
    /// Key name → the key on its token, as generated or found.
    private(set) var keys: [String: TokenKey] = [:]
    /// Key name → repository → the root certificate issued in this ceremony (Notary).
    private(set) var certificates: [String: [String: (pem: String, key: MetadataKey)]] = [:]

    /// Performs the steps every root ceremony does the same way: generating a key, issuing its
    /// root certificates, verifying the signed roots, and writing the public files.
    ///
    /// - Returns: false when `step` is none of them, so the procedure performs it.
    func performShared(_ step: CeremonyStep, drafts: RootDrafts?, context: CeremonyContext) throws -> Bool {
        switch step.action {
        case let .generateKey(name):
            try generate(name, context: context)
        case let .issueCertificate(name, repository):
            try issueCertificate(name, repository: repository, isLast: repository == context.plan.repositories.last, context: context)
        case .verify:
            try context.required(drafts, "the root metadata").verify(context: context)
        case .writeBundle:
            let drafts = try context.required(drafts, "the root metadata")
            try context.output.writePlan(context.plan.source)
            try writePublicFiles(roots: drafts.drafts.mapValues(\.root), context: context)
            try drafts.write(to: context.output)
        default:
            return false
        }
        return true
    }

    /// Generates `name`'s key on its open token under ``KeyPolicy`` and records what was read back.
    func generate(_ name: String, context: CeremonyContext) throws {
        let planned = try context.required(context.resolved.key(name), "key '\(name)' in the plan")
        let algorithm = try context.required(planned.key.algorithm, "the algorithm of key '\(name)'")
        let session = try context.desk.session(name, step: context.currentStep)
        // Read-back exceptions apply only as the site profile names them, for this token's maker.
        let exceptions = context.resolved.keyPolicyExceptions.policyExceptions(for: session.token.identity)
        // A key marked for backup is extractable so that it can be wrapped, once, in this visit.
        // It is generated modifiable, since only then can the token make it non-extractable for
        // good right after the wrap (PKCS#11 lets CKA_EXTRACTABLE go from true to false only).
        let policy = KeyPolicy(label: name, extractable: planned.key.backup, preferUnmodifiable: !planned.key.backup, exceptions: exceptions)
        let generate = { try session.generateKeyPair(algorithm, policy: policy) }
        let key = algorithm.isSlowToGenerate
            ? try ProgressTicker.run("generating \(algorithm.spokenName) key on the token", say: context.console.say, generate)
            : try generate()
        keys[name] = key
        let material = try PublicKeyMaterial(spki: key.subjectPublicKeyInfo)
        context.desk.recordCreated(name, key: key, spkiPEM: material.pem)
        // Where root keys are certificates, the key IDs are those of the certificates, issued next;
        // an offline targets key is listed as a bare key in every dialect.
        let certified = context.dialect.rootKeysAreCertificates && !Self.isTargetsKey(name, context: context)
        let keyIDs = certified ? [] : [MetadataKey.make(material, dialect: context.dialect).keyID]
        let used = key.exceptionsApplied.map { exception in
            let readBack: Bool?
            switch exception.attribute {
            case .local: readBack = key.attributes.local
            }
            return TranscriptEvent.PolicyExceptionUsed(attribute: exception.attribute.rawValue, required: true,
                                                       readBack: readBack ?? false, reason: exception.reason)
        }
        try context.transcript.append(.keyGenerated(.init(
            holder: planned.key.holder, key: name, algorithm: key.algorithm, label: key.label, ckaID: key.idHex,
            attributes: key.attributes, spkiPEM: material.pem, keyIDs: keyIDs, policyExceptions: used.isEmpty ? nil : used)))
        if planned.key.backup {
            context.console.say("  key '\(name)' generated: CKA_ID \(key.idHex); sensitive, extractable only to be wrapped for backup in this visit — read back and checked")
        } else if used.isEmpty {
            context.console.say("  key '\(name)' generated: CKA_ID \(key.idHex); sensitive, never extractable, local — read back and checked")
        } else {
            let named = used.map { "\($0.attribute)=\($0.readBack) accepted by the site profile: \($0.reason)" }.joined(separator: "; ")
            context.console.say("  key '\(name)' generated: CKA_ID \(key.idHex); sensitive, never extractable — read back and checked; \(named)")
        }
        // Where root keys are certificates, the token stays logged in: they are issued next, on the same visit.
        // A key marked for backup is wrapped on the same visit, which closes the token.
        if !certified && !planned.key.backup { context.desk.close(name) }
    }

    /// Whether `name` is one of the plan's offline top-level targets keys (`targets:`), which
    /// sign targets.json and never the root.
    static func isTargetsKey(_ name: String, context: CeremonyContext) -> Bool {
        context.plan.body.offlineTargets?.keys.contains { $0.name == name } ?? false
    }

    /// Finds the key of `name` on its open token: the private key whose public key is `spki`
    /// (the key the current root lists), found by its CKA_ID, with its attributes read back.
    func find(_ name: String, spki: [UInt8], keyIDs: [String], context: CeremonyContext) throws {
        let planned = try context.required(context.resolved.key(name), "key '\(name)' in the plan")
        let session = try context.desk.session(name, step: context.currentStep)
        guard let key = try? session.key(withPublicKey: spki) else {
            throw CeremonyFailure(step: context.currentStep, holder: planned.key.holder, token: session.token.identity,
                                  reason: "this token holds no private key whose public key is key '\(name)' of the current root (\(keyIDs.joined(separator: ", "))); check that this is the right token")
        }
        guard key.attributes.sensitive == true, key.attributes.extractable == false else {
            throw CeremonyFailure(step: context.currentStep, holder: planned.key.holder, token: session.token.identity,
                                  reason: "key '\(name)' (CKA_ID \(key.idHex)) is not sensitive and non-extractable on this token; a root key must never leave its token")
        }
        keys[name] = key
        try context.transcript.append(.keyFound(.init(holder: planned.key.holder, key: name, label: key.label, ckaID: key.idHex,
                                                      attributes: key.attributes, spkiPEM: try PublicKeyMaterial(spki: spki).pem,
                                                      keyIDs: keyIDs)))
        context.console.say("  key '\(name)' found on the token: CKA_ID \(key.idHex), public key matches \(keyIDs.joined(separator: ", ")); attributes read back")
    }

    /// Issues `name`'s root certificate for `repository` on its open token (Notary).
    func issueCertificate(_ name: String, repository: String, isLast: Bool, context: CeremonyContext) throws {
        let session = try context.desk.session(name, step: context.currentStep)
        let key = try context.required(keys[name], "key '\(name)'")
        let notBefore = context.started.addingTimeInterval(-60)
        let certificate = try NotaryRootCertificate.issue(gun: repository, signer: try TokenSigner(session: session, key: key),
                                                          notBefore: notBefore, notAfter: context.expiry)
        certificates[name, default: [:]][repository] = certificate
        try context.transcript.append(.certificate(.init(
            key: name, keyID: certificate.key.keyID, repository: repository, pem: certificate.pem,
            notBefore: RFC3339.format(notBefore), notAfter: RFC3339.format(context.expiry))))
        context.console.say("  root certificate of '\(name)' for '\(repository)': key ID \(certificate.key.keyID), valid until \(RFC3339.format(context.expiry))")
        if isLast && context.resolved.key(name)?.key.backup != true { context.desk.close(name) }
    }

    /// The metadata key `name` is listed under in `repository`'s new root: its certificate for
    /// that repository (Notary) or its public key (TUF).
    func metadataKey(_ name: String, repository: String, context: CeremonyContext) throws -> MetadataKey {
        if context.dialect.rootKeysAreCertificates && !Self.isTargetsKey(name, context: context) {
            return try context.required(certificates[name]?[repository], "the certificate of key '\(name)' for '\(repository)'").key
        }
        let key = try context.required(keys[name], "key '\(name)'")
        return MetadataKey.make(try PublicKeyMaterial(spki: key.subjectPublicKeyInfo), dialect: context.dialect)
    }

    /// Signs every repository's root with `name`'s key, after checking that the key on the token
    /// is the one generated or found earlier in this ceremony.
    func sign(_ name: String, drafts: RootDrafts, context: CeremonyContext) throws {
        let (signer, holder) = try signer(name, context: context)
        try drafts.sign(name: name, holder: holder, with: signer, transcript: context.transcript)
        doneSigning(name, holder: holder, signer: signer, context: context)
    }

    /// A signer for `name`'s key on its open token, after checking that the key there is the one
    /// generated or found earlier in this ceremony.
    func signer(_ name: String, context: CeremonyContext) throws -> (signer: TokenSigner, holder: String) {
        let planned = try context.required(context.resolved.key(name), "key '\(name)' in the plan")
        let session = try context.desk.session(name, step: context.currentStep)
        let key: TokenKey
        if let recorded = keys[name] {
            key = try session.key(.id(recorded.id))
            guard key.subjectPublicKeyInfo == recorded.subjectPublicKeyInfo else {
                throw CeremonyFailure(step: context.currentStep, holder: planned.key.holder, token: session.token.identity,
                                      reason: "the key with CKA_ID \(recorded.idHex) on this token is not the key '\(name)' used earlier in this ceremony")
            }
        } else {
            throw CeremonyFailure(step: context.currentStep, holder: planned.key.holder, token: session.token.identity,
                                  reason: "internal error: key '\(name)' was neither generated nor found before signing; nothing is published")
        }
        return (try TokenSigner(session: session, key: key), planned.key.holder)
    }

    /// Closes `name`'s token after it signed, and tells its holder.
    func doneSigning(_ name: String, holder: String, signer: TokenSigner, context: CeremonyContext) {
        context.console.say("  signed by '\(name)'; every signature verified in software")
        context.desk.close(name)
        context.console.say("  \(holder), you are done with token \(signer.session.token.identity): you may remove it now")
    }

    /// Writes the public key of every root key (and its certificates) and of every online key.
    func writePublicFiles(roots: [String: RootMetadata], context: CeremonyContext) throws {
        var written = Set<String>()
        let output = context.output!
        for (_, root) in roots.sorted(by: { $0.key < $1.key }) {
            for (keyID, key) in root.keys.sorted(by: { $0.key < $1.key }) where written.insert(keyID).inserted {
                guard let material = try? key.material(dialect: context.dialect) else { continue }
                try output.writePublicKey(pem: material.pem, keyID: keyID)
                if key.isCertificate, let pem = key.publicValue.flatMap({ Data(base64Encoded: $0) }) {
                    try output.writeCertificate(pem: String(decoding: pem, as: UTF8.self), keyID: keyID)
                }
            }
        }
    }
}
