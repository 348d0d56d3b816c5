import Crypto
import Foundation
import Testing
import TestSupport
import TrustMetadata

@Suite("keyceremony publish: into notary-server and a TUF repository, refusing what must not go online")
struct PublishTests {
    /// Runs `keyceremony`, or `keyceremony-online` for the commands that live there (`publish`,
    /// `notary-keys`): the ceremony room's executable has no network code.
    static func keyceremony(_ arguments: [String]) throws -> ProcessResult {
        let online = ["publish", "notary-keys"].contains(arguments.first ?? "")
        return try ProcessRunner.run(try online ? TestPaths.keyceremonyOnline : TestPaths.keyceremony, arguments, environment: ["SOFTHSM2_CONF": nil])
    }

    @Test("Notary: the lifecycle's roots reach notary-server one publish at a time, and a client that cached version 1 follows; rehearsals, plain HTTP, stale roots and tampered bundles are refused")
    func notary() throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let scratch = try TemporaryDirectory("publish-notary")
        defer { scratch.remove() }
        let gun = "example.com/publish-\(UUID().uuidString.prefix(6).lowercased())"
        let out = scratch.path("r")
        let keys = try Self.keyceremony(["notary-keys", "--notary-server", server.url, "--gun", gun, "--out", scratch.path("keys"), "--insecure-http"])
        try #require(keys.status == 0, "\(keys.output)")
        let rehearse = try Self.keyceremony(["rehearse", "--out", out, "--online-keys", scratch.path("keys"), "--gun", gun])
        try #require(rehearse.status == 0, "\(rehearse.output)")

        // The first publication needs a targets.json, signed by the targets key the root lists.
        let rootBytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/01-root-generation/public/metadata/\(gun)/root.json")))
        let root = try RootMetadata(signed: try SignedMetadata(bytes: rootBytes).signed)
        let targetsSigner = try SoftwareSigner(privateKeyPEM: String(contentsOfFile: "\(out)/online/targets.key.pem", encoding: .utf8))
        let payload = Array("published payload\n".utf8)
        var targets = TargetsMetadata(dialect: .notary, version: 1, expires: MetadataTime(Date().addingTimeInterval(7 * 86_400)))
        targets.targets["v1"] = ["length": .integer(Int64(payload.count)),
                                 "hashes": ["sha256": .string(Data(SHA256.hash(data: payload)).base64EncodedString())]]
        var targetsFile = targets.signedMetadata()
        try targetsFile.sign(with: targetsSigner, keyID: try #require(root.roles["targets"]?.keyIDs.first), dialect: .notary)
        try scratch.write(try targetsFile.fileBytes(dialect: .notary), to: "targets.json")
        let targetsPath = scratch.path("targets.json")

        let first = "\(out)/01-root-generation"
        let refusedRehearsal = try Self.keyceremony(["publish", first, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--targets", targetsPath])
        #expect(refusedRehearsal.status == 1)
        #expect(refusedRehearsal.stderr.contains("is a rehearsal bundle"), "\(refusedRehearsal.stderr)")
        let refusedHTTP = try Self.keyceremony(["publish", first, "--notary-server", server.url, "--gun", gun, "--allow-rehearsal", "--targets", targetsPath])
        #expect(refusedHTTP.status == 1)
        #expect(refusedHTTP.stderr.contains("is plain HTTP"), "\(refusedHTTP.stderr)")

        let published = try Self.keyceremony(["publish", first, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal", "--targets", targetsPath])
        #expect(published.status == 0, "\(published.output)")
        let client = try TemporaryDirectory("publish-client")
        defer { client.remove() }
        let list = try server.client(client.path("trust"), ["list", gun])
        #expect(list.status == 0 && list.stdout.contains("v1"), "\(list.output)")

        for (index, stage) in ["02-root-rotation", "03-root-resign"].enumerated() {
            let next = try Self.keyceremony(["publish", "\(out)/\(stage)", "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
            #expect(next.status == 0, "\(stage): \(next.output)")
            let follow = try server.client(client.path("trust"), ["list", gun])
            #expect(follow.status == 0, "\(follow.output)")
            let cached = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: client.path("trust/tuf/\(gun)/metadata/root.json")))))
            #expect(cached.signed["version"] == .integer(Int64(index + 2)), "\(stage)")
        }

        // Version 1 again, after version 3: the server refuses it and says why.
        let stale = try Self.keyceremony(["publish", first, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(stale.status == 1, "\(stale.output)")
        #expect(stale.stderr.contains("notary-server refused the upload of root with HTTP 400"), "\(stale.stderr)")
        #expect(!stale.stderr.contains(".swift"))

        // A bundle changed after the ceremony is refused before anything is sent.
        let copy = scratch.path("tampered")
        _ = try ProcessRunner.run("cp", ["-a", "\(out)/03-root-resign", copy])
        try Data("tampered\n".utf8).write(to: URL(fileURLWithPath: "\(copy)/public/plan.yaml"))
        let tampered = try Self.keyceremony(["publish", copy, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("is not a complete, consistent ceremony bundle"), "\(tampered.stderr)")
    }

    @Test("TUF: the rotation and the re-sign are added to a repository python-tuf serves, which ngclient then follows; a fork is refused and nothing is written")
    func tuf() throws {
        let scratch = try TemporaryDirectory("publish-tuf")
        defer { scratch.remove() }
        let out = scratch.path("r")
        let rehearse = try Self.keyceremony(["rehearse", "--out", out, "--dialect", "tuf"])
        try #require(rehearse.status == 0, "\(rehearse.output)")
        let repo = scratch.path("repo")
        let serve = try PythonTUF.run(["serve-bundle", "\(out)/01-root-generation/public/metadata/rehearsal/1.root.json", "\(out)/online", repo])
        try #require(serve.status == 0, "\(serve.output)")

        // A fork: a different version 2 already in the repository.
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(repo)/2.root.json"))
        let fork = try Self.keyceremony(["publish", "\(out)/03-root-resign", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(fork.status == 1)
        #expect(fork.stderr.contains("already holds a different version 2 of the root"), "\(fork.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(repo)/3.root.json"), "nothing is written when anything is refused")
        try FileManager.default.removeItem(atPath: "\(repo)/2.root.json")

        let rotation = try Self.keyceremony(["publish", "\(out)/02-root-rotation", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(rotation.status == 0, "\(rotation.output)")
        #expect(rotation.stdout.contains("2.root.json"))
        #expect(rotation.stdout.contains("keeps the online keys"), "\(rotation.stdout)")
        #expect(try PythonTUF.walk(repo, target: "hello.txt").root_version == 2)

        let resign = try Self.keyceremony(["publish", "\(out)/03-root-resign", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(resign.status == 0, "\(resign.output)")
        #expect(resign.stdout.contains("Already there, byte for byte: 1.root.json, 2.root.json"), "\(resign.stdout)")
        let walk = try PythonTUF.walk(repo, target: "hello.txt")
        #expect(walk.ok && walk.root_version == 3 && walk.target_found == true, "\(walk.error ?? "")")

        // An older bundle is never published over a newer repository.
        let older = try Self.keyceremony(["publish", "\(out)/02-root-rotation", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(older.status == 1, "\(older.output)")
        #expect(older.stderr.contains("is already at root version 3"), "\(older.stderr)")
        // An unversioned root.json holding another version 2 is a fork too.
        let second = scratch.path("repo2")
        _ = try ProcessRunner.run("cp", ["-a", repo, second])
        try FileManager.default.removeItem(atPath: "\(second)/2.root.json")
        try FileManager.default.removeItem(atPath: "\(second)/3.root.json")
        try FileManager.default.removeItem(atPath: "\(second)/root.json")
        var other = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/02-root-rotation/public/metadata/rehearsal/2.root.json"))))
        other.signatures.removeLast()
        try Data(try other.fileBytes(dialect: .tuf)).write(to: URL(fileURLWithPath: "\(second)/root.json"))
        let unversionedFork = try Self.keyceremony(["publish", "\(out)/03-root-resign", "--tuf-repo", second, "--allow-rehearsal"])
        #expect(unversionedFork.status == 1, "\(unversionedFork.output)")
        #expect(unversionedFork.stderr.contains("root.json already holds a different version 2"), "\(unversionedFork.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(second)/2.root.json"))

        let notFolder = try Self.keyceremony(["publish", "\(out)/03-root-resign", "--tuf-repo", "\(repo)/1.root.json", "--allow-rehearsal"])
        #expect(notFolder.status == 2 && notFolder.stderr.contains("is not a folder"), "\(notFolder.output)")
        let publicOnly = try Self.keyceremony(["publish", "\(out)/03-root-resign/public", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(publicOnly.status == 1 && publicOnly.stderr.contains("give the ceremony output directory that holds it"), "\(publicOnly.output)")

        let wrongDialect = try Self.keyceremony(["publish", "\(out)/03-root-resign", "--notary-server", "http://127.0.0.1:9", "--gun", "x/y", "--allow-rehearsal", "--insecure-http"])
        #expect(wrongDialect.status == 2, "\(wrongDialect.output)")
    }
}
