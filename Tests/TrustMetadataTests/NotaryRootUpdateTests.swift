import Crypto
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// Root updates judged by notary-server and by our verifier, case by case: both must agree.
@Suite("notary-server and our verifier agree on root updates", .serialized)
struct NotaryRootUpdateTests {
    enum Update: String, CaseIterable, Sendable {
        case rotateSignedByBoth, signedByNewOnly, signedByOldOnly, versionSkipped, certificateForOtherGUN,
             expiredCertificate, newThresholdUnmet
    }

    @Test("each candidate v2 is accepted or refused by both", arguments: Update.allCases)
    func update(_ update: Update) async throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let gun = "example.com/update"
        let api = "\(server.url)/v2/\(gun)/_trust/tuf"
        let now = Date()
        let timestampKey = try MetadataKey.importKey(try await HTTP.get("\(api)/timestamp.key").body, dialect: .notary)
        let snapshotKey = try MetadataKey.importKey(try await HTTP.get("\(api)/snapshot.key").body, dialect: .notary)
        let targetsSigner = try SoftwareSigner(generating: .ecdsaP256)
        let targetsKey = MetadataKey.notary(targetsSigner.publicKey)
        let signers = try (0..<3).map { _ in try SoftwareSigner(generating: .ecdsaP256) }
        let certificates = try signers.map { try NotaryRootCertificate.issue(gun: gun, signer: $0, now: now).key }

        func root(version: Int64, rootKeys: [MetadataKey], threshold: Int64 = 1) -> RootMetadata {
            var root = RootMetadata(dialect: .notary, version: version, expires: MetadataTime(now.addingTimeInterval(5 * 365 * 86_400)),
                                    keys: [:], roles: [:])
            root.roles["root"] = RoleKeys(keyIDs: rootKeys.map { root.addKey($0) }, threshold: threshold)
            root.roles["targets"] = RoleKeys(keyIDs: [root.addKey(targetsKey)], threshold: 1)
            root.roles["snapshot"] = RoleKeys(keyIDs: [root.addKey(snapshotKey)], threshold: 1)
            root.roles["timestamp"] = RoleKeys(keyIDs: [root.addKey(timestampKey)], threshold: 1)
            return root
        }
        func signed(_ root: RootMetadata, _ pairs: [(SoftwareSigner, MetadataKey)]) throws -> [UInt8] {
            var file = root.signedMetadata()
            for (signer, key) in pairs { try file.sign(with: signer, keyID: key.keyID, dialect: .notary) }
            return try file.fileBytes(dialect: .notary)
        }

        var targets = TargetsMetadata(dialect: .notary, version: 1, expires: MetadataTime(now.addingTimeInterval(365 * 86_400)))
        targets.version = 1
        var targetsFile = targets.signedMetadata()
        try targetsFile.sign(with: targetsSigner, keyID: targetsKey.keyID, dialect: .notary)
        let v1 = try signed(root(version: 1, rootKeys: [certificates[0]]), [(signers[0], certificates[0])])
        let first = try await HTTP.postMetadata(api + "/", files: [("root", v1), ("targets", try targetsFile.fileBytes(dialect: .notary))])
        try #require(first.status == 200, "\(first.text)")

        let v2: [UInt8]
        switch update {
        case .rotateSignedByBoth:
            v2 = try signed(root(version: 2, rootKeys: [certificates[1]]), [(signers[0], certificates[0]), (signers[1], certificates[1])])
        case .signedByNewOnly:
            v2 = try signed(root(version: 2, rootKeys: [certificates[1]]), [(signers[1], certificates[1])])
        case .signedByOldOnly:
            v2 = try signed(root(version: 2, rootKeys: [certificates[1]]), [(signers[0], certificates[0])])
        case .versionSkipped:
            v2 = try signed(root(version: 3, rootKeys: [certificates[1]]), [(signers[0], certificates[0]), (signers[1], certificates[1])])
        case .certificateForOtherGUN:
            let other = try NotaryRootCertificate.issue(gun: "example.com/other", signer: signers[1], now: now).key
            v2 = try signed(root(version: 2, rootKeys: [other]), [(signers[0], certificates[0]), (signers[1], other)])
        case .expiredCertificate:
            let expired = try NotaryRootCertificate.issue(gun: gun, signer: signers[1], notBefore: now.addingTimeInterval(-7200),
                                                          notAfter: now.addingTimeInterval(-3600)).key
            v2 = try signed(root(version: 2, rootKeys: [expired]), [(signers[0], certificates[0]), (signers[1], expired)])
        case .newThresholdUnmet:
            v2 = try signed(root(version: 2, rootKeys: [certificates[1], certificates[2]], threshold: 2),
                            [(signers[0], certificates[0]), (signers[1], certificates[1])])
        }
        let server2 = try await HTTP.postMetadata(api + "/", files: [("root", v2)])
        let ours = RootVerifier(options: VerificationOptions(dialect: .notary, gun: gun, at: now))
            .verifyChain([MetadataFile(name: "1.root.json", bytes: v1), MetadataFile(name: "2.root.json", bytes: v2)])
        let oursAccepts = !ours.findings.contains { $0.severity == .error }
        #expect((server2.status == 200) == oursAccepts,
                "\(update): notary-server \(server2.status) \(server2.text); ours \(ours.findings)")
        #expect(oursAccepts == (update == .rotateSignedByBoth), "\(update): \(ours.findings)")
    }
}
