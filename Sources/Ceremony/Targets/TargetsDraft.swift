import Foundation
import TrustMetadata

/// The targets.json a delegation ceremony builds and signs: signed by key reference with the
/// offline targets keys, tallied against the root's targets threshold, verified with the root
/// chain as `keyceremony verify` verifies a bundle, and written beside byte copies of the root
/// versions it is verified with.
final class TargetsDraft {
    let repository: String
    let dialect: Dialect
    let targets: TargetsMetadata
    private(set) var file: SignedMetadata
    /// The current root's targets role, whose threshold the signatures must meet.
    let role: RoleKeys
    private(set) var signedKeyIDs: Set<String> = []
    /// The exact bytes the verify step checked; exactly these are written.
    private(set) var verified: [UInt8]?

    init(repository: String, dialect: Dialect, targets: TargetsMetadata, role: RoleKeys) {
        self.repository = repository
        self.dialect = dialect
        self.targets = targets
        self.role = role
        file = targets.signedMetadata()
    }

    /// SHA-256 hex and length of the signed bytes (canonical JSON of `signed`).
    func signedDigest() throws -> (sha256: String, length: Int) {
        let bytes = try file.canonicalSignedBytes()
        return (ByteEncoding.sha256Hex(Data(bytes)), bytes.count)
    }

    /// Signs with `signer` under `keyID` (the key's ID in the root's targets role) and records it.
    /// The signature was verified in software by ``SignatureMaker`` before it is added.
    func sign(name: String, holder: String, keyID: String, with signer: some MetadataSigner, transcript: TranscriptWriter) throws {
        guard !signedKeyIDs.contains(keyID) else { return }
        try file.sign(with: signer, keyID: keyID, dialect: dialect)
        signedKeyIDs.insert(keyID)
        if let signature = file.signatures.last {
            try transcript.append(.signature(.init(holder: holder, key: name, keyID: keyID, repository: repository,
                                                   role: "targets", signature: signature.value)))
        }
    }

    var tally: ThresholdTally { ThresholdTally(role: role, signedKeyIDs: signedKeyIDs) }

    /// Verifies the root chain and the signed targets.json together, as `keyceremony verify`
    /// verifies a bundle (every signature by a listed key must verify), at `time`.
    ///
    /// - Returns: the errors found; empty when everything verifies (the bytes are then kept).
    func verify(root: CurrentRoot, at time: Date) throws -> [Finding] {
        var options = VerificationOptions(dialect: dialect, repository: repository, at: time)
        options.strictSignatures = true
        let chain = RootVerifier(options: options).verifyChain(root.chain, trusted: root.trusted)
        var errors = chain.findings.filter { $0.severity == .error }
        guard let newest = chain.newest else {
            return errors + [Finding(file: "\(repository)/root.json", role: "root", check: .role, detail: "the root chain does not verify")]
        }
        let bytes = try file.fileBytes(dialect: dialect)
        let report = TargetsVerifier(options: options).verify(MetadataFile(name: "\(repository)/targets.json", bytes: bytes), root: newest,
                                                              files: RoleFiles(byRole: [:], dialect: dialect))
        errors += report.findings.filter { $0.severity == .error }
        if errors.isEmpty { verified = bytes }
        return errors
    }
}
