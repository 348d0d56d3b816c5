import Crypto
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// Notary root certificates made by openssl, uploaded to a private notary-server 0.7.0:
/// the server's verdict (notary's own `ValidateRoot`) and this tool's must agree.
@Suite("Notary root certificates: notary-server and verify agree", .serialized)
struct NotaryCertificateInteropTests {
    /// One root certificate case: how openssl makes it and the GUN it is uploaded for.
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let gun: String
        let subject: String
        /// Sign the leaf with an intermediate CA and append the CA to the key's PEM.
        let withIntermediate: Bool
        let digest: String
        let accepted: Bool
        let message: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "leaf + intermediate", gun: "example.com/chain", subject: "example.com/chain", withIntermediate: true,
             digest: "-sha256", accepted: true, message: ""),
        Case(name: "wildcard CN", gun: "example.com/wild/app", subject: "example.com/wild/*", withIntermediate: false,
             digest: "-sha256", accepted: true, message: ""),
        Case(name: "SHA-1 leaf", gun: "example.com/sha1", subject: "example.com/sha1", withIntermediate: false,
             digest: "-sha1", accepted: false, message: "signed with SHA-1"),
        Case(name: "CN in NFD, GUN in NFC", gun: "example.com/caf\u{E9}", subject: "example.com/cafe\u{301}", withIntermediate: false,
             digest: "-sha256", accepted: false, message: "does not match the GUN"),
    ]

    private func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws {
        let result = try ProcessRunner.run("/usr/bin/openssl", arguments, directory: directory.url)
        try #require(result.status == 0, "openssl \(arguments): \(result.output)")
    }

    @Test("notary-server accepts exactly the roots verify accepts", arguments: cases)
    func serverAndVerifyAgree(_ testCase: Case) async throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let work = try TemporaryDirectory("notary-cert")
        defer { work.remove() }
        let gun = testCase.gun
        let api = "\(server.url)/v2/\(gun.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)/_trust/tuf"
        let subject = "/CN=" + testCase.subject.replacingOccurrences(of: "/", with: "\\/")
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try work.write(Array("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=codeSigning\n".utf8),
                       to: "leaf.ext")
        var bundle: [UInt8]
        if testCase.withIntermediate {
            try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=Interop CA", "-days", "3650",
                         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"], in: work)
            try openssl(["req", "-new", "-utf8"] + ec + ["-keyout", "leaf.key", "-out", "leaf.csr", "-subj", subject], in: work)
            try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", testCase.digest,
                         "-days", "3650", "-extfile", "leaf.ext", "-out", "leaf.crt"], in: work)
            bundle = Array(try Data(contentsOf: work.url.appendingPathComponent("leaf.crt")))
                + Array(try Data(contentsOf: work.url.appendingPathComponent("ca.crt")))
        } else {
            try openssl(["req", "-x509", "-utf8"] + ec + ["-keyout", "leaf.key", "-out", "leaf.crt", "-subj", subject, testCase.digest,
                         "-days", "3650", "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=codeSigning"], in: work)
            bundle = Array(try Data(contentsOf: work.url.appendingPathComponent("leaf.crt")))
        }
        let rootSigner = try SoftwareSigner(privateKeyPEM: try String(contentsOf: work.url.appendingPathComponent("leaf.key"), encoding: .utf8))
        let rootKey = MetadataKey.notaryCertificate(pem: String(decoding: bundle, as: UTF8.self), algorithm: .ecdsaP256)

        let timestampKey = try MetadataKey.importKey(try await HTTP.get("\(api)/timestamp.key").body, dialect: .notary)
        let snapshotKey = try MetadataKey.importKey(try await HTTP.get("\(api)/snapshot.key").body, dialect: .notary)
        let targetsSigner = try SoftwareSigner(generating: .ecdsaP256)
        let targetsKey = MetadataKey.notary(targetsSigner.publicKey)
        let now = Date()
        var root = RootMetadata(dialect: .notary, version: 1, expires: MetadataTime(now.addingTimeInterval(5 * 365 * 86_400)), keys: [:], roles: [:])
        root.roles["root"] = RoleKeys(keyIDs: [root.addKey(rootKey)], threshold: 1)
        root.roles["targets"] = RoleKeys(keyIDs: [root.addKey(targetsKey)], threshold: 1)
        root.roles["snapshot"] = RoleKeys(keyIDs: [root.addKey(snapshotKey)], threshold: 1)
        root.roles["timestamp"] = RoleKeys(keyIDs: [root.addKey(timestampKey)], threshold: 1)
        var rootFile = root.signedMetadata()
        try rootFile.sign(with: rootSigner, keyID: rootKey.keyID, dialect: .notary)
        let rootBytes = try rootFile.fileBytes(dialect: .notary)
        let targets = TargetsMetadata(dialect: .notary, version: 1, expires: MetadataTime(now.addingTimeInterval(3 * 365 * 86_400)))
        var targetsFile = targets.signedMetadata()
        try targetsFile.sign(with: targetsSigner, keyID: targetsKey.keyID, dialect: .notary)

        let upload = try await HTTP.postMetadata(api + "/", files: [("root", rootBytes), ("targets", try targetsFile.fileBytes(dialect: .notary))])
        let findings = RootVerifier(options: VerificationOptions(dialect: .notary, gun: gun, at: now.addingTimeInterval(60)))
            .verifySelfSigned(MetadataFile(name: "root.json", bytes: rootBytes)).findings.filter { $0.severity == .error }
        #expect((upload.status == 200) == testCase.accepted, "notary-server: \(upload.status) \(upload.text)")
        #expect(findings.isEmpty == testCase.accepted, "\(findings)")
        if !testCase.message.isEmpty {
            #expect(findings.contains { $0.detail.contains(testCase.message) }, "\(findings)")
        }
        for finding in findings {
            #expect(!finding.detail.contains(".swift") && !finding.detail.contains("Error("), "\(finding.detail)")
        }
    }
}
