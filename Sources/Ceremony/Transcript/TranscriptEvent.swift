/// What a transcript record says happened.
///
/// Every event has a fixed set of typed fields and none of them is free-form
/// key/value data, so there is no place in a record where a PIN could be put
/// "just for debugging". Field names in JSON are snake_case.
package enum TranscriptEvent: Sendable, Equatable {
    case ceremonyStart(CeremonyStart)
    case stepStart(StepStart)
    case stepEnd(StepEnd)
    case confirmation(Confirmation)
    case token(TokenIdentity)
    case keyGenerated(KeyGenerated)
    case keyFound(KeyFound)
    case currentRoot(CurrentRootRead)
    case certificate(CertificateIssued)
    case metadataDigest(MetadataDigest)
    case signature(SignatureMade)
    case error(ErrorReport)
    case seal(Seal)
    case preflight(Preflight)
    case objectsLeft(ObjectsLeft)
    case holderSkipped(HolderSkipped)
    case currentTargets(CurrentTargetsRead)
    case delegations(DelegationsShown)
    case keyWrapped(KeyWrapped)
    case backupSplit(BackupSplit)
    case shareHandedOut(ShareHandedOut)
    case recoveryDrill(RecoveryDrill)
    case sharesCombined(SharesCombined)
    case keyRestored(KeyRestored)

    /// The `event` string written in the record.
    package var type: String {
        switch self {
        case .ceremonyStart: return "ceremony-start"
        case .stepStart: return "step-start"
        case .stepEnd: return "step-end"
        case .confirmation: return "confirmation"
        case .token: return "token"
        case .keyGenerated: return "key-generated"
        case .keyFound: return "key-found"
        case .currentRoot: return "current-root"
        case .certificate: return "certificate"
        case .metadataDigest: return "metadata-digest"
        case .signature: return "signature"
        case .error: return "error"
        case .seal: return "seal"
        case .preflight: return "preflight"
        case .objectsLeft: return "objects-left"
        case .holderSkipped: return "holder-skipped"
        case .currentTargets: return "current-targets"
        case .delegations: return "delegations"
        case .keyWrapped: return "key-wrapped"
        case .backupSplit: return "backup-split"
        case .shareHandedOut: return "share-handed-out"
        case .recoveryDrill: return "recovery-drill"
        case .sharesCombined: return "shares-combined"
        case .keyRestored: return "key-restored"
        }
    }

    /// Every `event` string, for readers that list them.
    package static let allTypes = ["ceremony-start", "step-start", "step-end", "confirmation", "token",
                                  "key-generated", "key-found", "current-root", "certificate", "metadata-digest", "signature",
                                  "error", "seal", "preflight", "objects-left", "holder-skipped",
                                  "current-targets", "delegations",
                                  "key-wrapped", "backup-split", "share-handed-out", "recovery-drill", "shares-combined", "key-restored"]

    func encodePayload(to encoder: Encoder) throws {
        switch self {
        case .ceremonyStart(let payload): try payload.encode(to: encoder)
        case .stepStart(let payload): try payload.encode(to: encoder)
        case .stepEnd(let payload): try payload.encode(to: encoder)
        case .confirmation(let payload): try payload.encode(to: encoder)
        case .token(let payload): try payload.encode(to: encoder)
        case .keyGenerated(let payload): try payload.encode(to: encoder)
        case .keyFound(let payload): try payload.encode(to: encoder)
        case .currentRoot(let payload): try payload.encode(to: encoder)
        case .certificate(let payload): try payload.encode(to: encoder)
        case .metadataDigest(let payload): try payload.encode(to: encoder)
        case .signature(let payload): try payload.encode(to: encoder)
        case .error(let payload): try payload.encode(to: encoder)
        case .seal(let payload): try payload.encode(to: encoder)
        case .preflight(let payload): try payload.encode(to: encoder)
        case .objectsLeft(let payload): try payload.encode(to: encoder)
        case .holderSkipped(let payload): try payload.encode(to: encoder)
        case .currentTargets(let payload): try payload.encode(to: encoder)
        case .delegations(let payload): try payload.encode(to: encoder)
        case .keyWrapped(let payload): try payload.encode(to: encoder)
        case .backupSplit(let payload): try payload.encode(to: encoder)
        case .shareHandedOut(let payload): try payload.encode(to: encoder)
        case .recoveryDrill(let payload): try payload.encode(to: encoder)
        case .sharesCombined(let payload): try payload.encode(to: encoder)
        case .keyRestored(let payload): try payload.encode(to: encoder)
        }
    }

    static func decodePayload(type: String, from decoder: Decoder) throws -> TranscriptEvent? {
        switch type {
        case "ceremony-start": return .ceremonyStart(try CeremonyStart(from: decoder))
        case "step-start": return .stepStart(try StepStart(from: decoder))
        case "step-end": return .stepEnd(try StepEnd(from: decoder))
        case "confirmation": return .confirmation(try Confirmation(from: decoder))
        case "token": return .token(try TokenIdentity(from: decoder))
        case "key-generated": return .keyGenerated(try KeyGenerated(from: decoder))
        case "key-found": return .keyFound(try KeyFound(from: decoder))
        case "current-root": return .currentRoot(try CurrentRootRead(from: decoder))
        case "certificate": return .certificate(try CertificateIssued(from: decoder))
        case "metadata-digest": return .metadataDigest(try MetadataDigest(from: decoder))
        case "signature": return .signature(try SignatureMade(from: decoder))
        case "error": return .error(try ErrorReport(from: decoder))
        case "seal": return .seal(try Seal(from: decoder))
        case "preflight": return .preflight(try Preflight(from: decoder))
        case "objects-left": return .objectsLeft(try ObjectsLeft(from: decoder))
        case "holder-skipped": return .holderSkipped(try HolderSkipped(from: decoder))
        case "current-targets": return .currentTargets(try CurrentTargetsRead(from: decoder))
        case "delegations": return .delegations(try DelegationsShown(from: decoder))
        case "key-wrapped": return .keyWrapped(try KeyWrapped(from: decoder))
        case "backup-split": return .backupSplit(try BackupSplit(from: decoder))
        case "share-handed-out": return .shareHandedOut(try ShareHandedOut(from: decoder))
        case "recovery-drill": return .recoveryDrill(try RecoveryDrill(from: decoder))
        case "shares-combined": return .sharesCombined(try SharesCombined(from: decoder))
        case "key-restored": return .keyRestored(try KeyRestored(from: decoder))
        default: return nil
        }
    }
}
