import Crypto
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// This project's Notary metadata against notary 0.7.0 and a private notary-server.
@Suite("notary 0.7.0 interop", .serialized)
struct NotaryInteropTests {
    @Test("a repository made by the notary client verifies with dialect notary, and only for its GUN")
    func notaryClientRepository() throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let trust = try TemporaryDirectory("notary-client")
        defer { trust.remove() }
        let gun = "example.com/client"
        try trust.write(Array("payload\n".utf8), to: "payload.txt")
        for arguments in [["init", gun], ["add", gun, "v1", trust.path("payload.txt")], ["publish", gun]] {
            let result = try server.client(trust.path("trust"), arguments)
            try #require(result.status == 0, "notary \(arguments): \(result.output)")
        }
        let metadata = trust.path("trust/tuf/\(gun)/metadata")
        let report = try PathVerifier(options: VerificationOptions(dialect: .notary, gun: gun)).verify(path: metadata)
        #expect(report.passed, "\(report.findings)")
        #expect(report.files.contains { $0.hasSuffix("root.json") } && report.files.contains { $0.hasSuffix("targets.json") })

        let wrongGUN = try PathVerifier(options: VerificationOptions(dialect: .notary, gun: "example.com/other")).verify(path: metadata)
        #expect(wrongGUN.findings.contains { $0.check == .certificate && $0.severity == .error })
        let asTUF = try PathVerifier(options: VerificationOptions(dialect: .tuf)).verify(path: metadata)
        #expect(!asTUF.passed)
    }

    @Test("a root signed here on SoftHSM2 is served by notary-server and followed through a rotation; a v3 without the old key is refused by both")
    func ceremonyRootThroughNotaryServer() async throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let gun = "example.com/ceremony"
        let api = "\(server.url)/v2/\(gun)/_trust/tuf"
        let now = Date()

        // Online keys as the server holds them, imported from its key API.
        let timestampKey = try MetadataKey.importKey(try await HTTP.get("\(api)/timestamp.key").body, dialect: .notary)
        let snapshotKey = try MetadataKey.importKey(try await HTTP.get("\(api)/snapshot.key").body, dialect: .notary)
        let targetsSigner = try SoftwareSigner(generating: .ecdsaP256)
        let targetsKey = MetadataKey.notary(targetsSigner.publicKey)

        let token = try SoftHSMToken.make()
        let rootSigners = try (1...3).map { try token.generateSigner(.ecdsaP256, label: "notary-root-\($0)") }
        let certificates = try rootSigners.map { try NotaryRootCertificate.issue(gun: gun, signer: $0, now: now).key }

        func root(version: Int64, rootKey: MetadataKey) -> RootMetadata {
            var root = RootMetadata(dialect: .notary, version: version, expires: MetadataTime(now.addingTimeInterval(10 * 365 * 86_400)),
                                    keys: [:], roles: [:])
            root.roles["root"] = RoleKeys(keyIDs: [root.addKey(rootKey)], threshold: 1)
            root.roles["targets"] = RoleKeys(keyIDs: [root.addKey(targetsKey)], threshold: 1)
            root.roles["snapshot"] = RoleKeys(keyIDs: [root.addKey(snapshotKey)], threshold: 1)
            root.roles["timestamp"] = RoleKeys(keyIDs: [root.addKey(timestampKey)], threshold: 1)
            return root
        }
        func signed(_ root: RootMetadata, by signers: [Int]) throws -> [UInt8] {
            var file = root.signedMetadata()
            for i in signers { try file.sign(with: rootSigners[i], keyID: certificates[i].keyID, dialect: .notary) }
            return try file.fileBytes(dialect: .notary)
        }

        let payload = Array("ceremony payload\n".utf8)
        var targets = TargetsMetadata(dialect: .notary, version: 1, expires: MetadataTime(now.addingTimeInterval(3 * 365 * 86_400)))
        targets.targets["v1"] = ["length": .integer(Int64(payload.count)),
                                 "hashes": ["sha256": .string(Data(SHA256.hash(data: payload)).base64EncodedString())]]
        var targetsFile = targets.signedMetadata()
        try targetsFile.sign(with: targetsSigner, keyID: targetsKey.keyID, dialect: .notary)

        // v1 and targets through the server's upload API; a fresh client trusts and lists it.
        let v1 = try signed(root(version: 1, rootKey: certificates[0]), by: [0])
        let upload = try await HTTP.postMetadata(api + "/", files: [("root", v1), ("targets", try targetsFile.fileBytes(dialect: .notary))])
        try #require(upload.status == 200, "upload v1: \(upload.status) \(upload.text)")
        let client = try TemporaryDirectory("notary-follower")
        defer { client.remove() }
        let list = try server.client(client.path("trust"), ["list", gun])
        #expect(list.status == 0, "\(list.output)")
        #expect(list.stdout.contains("v1"))

        let options = VerificationOptions(dialect: .notary, gun: gun, at: now.addingTimeInterval(60))
        let verifier = RootVerifier(options: options)
        #expect(verifier.verifySelfSigned(MetadataFile(name: "v1", bytes: v1)).findings.filter { $0.severity == .error }.isEmpty)

        // v2: signed by the old and the new root key; the client with v1 cached follows it.
        let v2 = try signed(root(version: 2, rootKey: certificates[1]), by: [0, 1])
        let rotate = try await HTTP.postMetadata(api + "/", files: [("root", v2)])
        try #require(rotate.status == 200, "upload v2: \(rotate.status) \(rotate.text)")
        let follow = try server.client(client.path("trust"), ["list", gun])
        #expect(follow.status == 0, "\(follow.output)")
        let cached = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: client.path("trust/tuf/\(gun)/metadata/root.json")))))
        #expect(cached.signed["version"] == .integer(2))
        let chain = verifier.verifyChain([MetadataFile(name: "1.root.json", bytes: v1), MetadataFile(name: "2.root.json", bytes: v2)])
        #expect(chain.findings.filter { $0.severity == .error }.isEmpty, "\(chain.findings)")
        #expect(chain.newest?.version == 2)

        // v3 signed only by a third key: the server refuses it and so do we.
        let v3 = try signed(root(version: 3, rootKey: certificates[2]), by: [2])
        let refused = try await HTTP.postMetadata(api + "/", files: [("root", v3)])
        #expect(refused.status == 400, "server accepted v3: \(refused.status) \(refused.text)")
        let bad = verifier.verifyChain([MetadataFile(name: "1.root.json", bytes: v1), MetadataFile(name: "2.root.json", bytes: v2),
                                        MetadataFile(name: "3.root.json", bytes: v3)])
        #expect(bad.findings.contains { $0.check == .threshold && $0.severity == .error && $0.file == "3.root.json" }, "\(bad.findings)")
        #expect(bad.newest?.version == 2)
        let stillTwo = try server.client(client.path("trust"), ["list", gun])
        #expect(stillTwo.status == 0, "\(stillTwo.output)")
    }

    @Test("the checked-in notary fixture verifies, and its timestamp key imports with the ID the root lists")
    func fixture() throws {
        let gun = try String(contentsOfFile: TestPaths.path("fixtures/notary/GUN"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let options = VerificationOptions(dialect: .notary, gun: gun, at: TestTimes.verificationTime)
        let report = try PathVerifier(options: options).verify(path: TestPaths.path("fixtures/notary/repository"))
        #expect(report.passed, "\(report.findings)")
        #expect(report.files.contains { $0.hasSuffix("targets/releases.json") })

        let key = try MetadataKey.importKey(Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.path("fixtures/notary/timestamp.key.json")))),
                                            dialect: .notary)
        let root = try RootMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.path("fixtures/notary/repository/root.json"))))).signed)
        #expect(root.roles["timestamp"]?.keyIDs == [key.keyID])
    }
}
