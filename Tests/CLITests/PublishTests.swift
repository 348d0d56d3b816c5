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

    /// The rehearsal's release key, as a signer (the file starts with its REHEARSAL marker line).
    static func releaseSigner(_ out: String) throws -> SoftwareSigner {
        let text = try String(contentsOfFile: "\(out)/online/releases.key.pem", encoding: .utf8)
        let begin = try #require(text.range(of: "-----BEGIN")).lowerBound
        return try SoftwareSigner(privateKeyPEM: String(text[begin...]))
    }

    /// A Notary `targets/releases` file listing `paths`, signed by `signer` under `keyID` (unsigned when nil).
    static func notaryReleases(_ paths: [String], version: Int64 = 1, signer: SoftwareSigner?, keyID: String) throws -> [UInt8] {
        var role = TargetsMetadata(dialect: .notary, version: version, expires: MetadataTime(Date().addingTimeInterval(30 * 86_400)))
        for path in paths {
            let payload = Array("\(path)\n".utf8)
            role.targets[path] = ["length": .integer(Int64(payload.count)),
                                  "hashes": ["sha256": .string(Data(SHA256.hash(data: payload)).base64EncodedString())]]
        }
        var file = role.signedMetadata()
        if let signer { try file.sign(with: signer, keyID: keyID, dialect: .notary) }
        return try file.fileBytes(dialect: .notary)
    }

    @Test("Notary: one publish carries the delegation bundle (root and targets.json) into notary-server; notary delegation list shows the role and its key; a target the real notary client adds with the rehearsal's release key is listed by a fresh client; a target outside the role's paths, a delegation signed by the wrong key and an unsigned one are refused by notary and keyceremony verify alike; a client that cached version 1 follows the rotation and the re-sign; rehearsals, plain HTTP, stale roots and tampered bundles are refused")
    func notary() async throws {
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

        let first = "\(out)/01-root-generation", delegation = "\(out)/02-targets-delegation"
        let noTargets = try Self.keyceremony(["publish", first, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(noTargets.status == 1)
        #expect(noTargets.stderr.contains("its first publication needs a targets.json beside the root"), "\(noTargets.stderr)")
        let refusedRehearsal = try Self.keyceremony(["publish", delegation, "--notary-server", server.url, "--gun", gun, "--insecure-http"])
        #expect(refusedRehearsal.status == 1)
        #expect(refusedRehearsal.stderr.contains("is a rehearsal bundle"), "\(refusedRehearsal.stderr)")
        let refusedHTTP = try Self.keyceremony(["publish", delegation, "--notary-server", server.url, "--gun", gun, "--allow-rehearsal"])
        #expect(refusedHTTP.status == 1)
        #expect(refusedHTTP.stderr.contains("is plain HTTP"), "\(refusedHTTP.stderr)")
        try scratch.write("{}", to: "other-targets.json")
        let twoTargets = try Self.keyceremony(["publish", delegation, "--notary-server", server.url, "--gun", gun, "--insecure-http",
                                               "--allow-rehearsal", "--targets", scratch.path("other-targets.json")])
        #expect(twoTargets.status == 2 && twoTargets.stderr.contains("the bundle carries its own targets.json"), "\(twoTargets.output)")

        // From the ceremony room to the server with one publish.
        let published = try Self.keyceremony(["publish", delegation, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(published.status == 0, "\(published.output)")
        #expect(published.stdout.contains("root.json and targets.json accepted"), "\(published.stdout)")
        let again = try Self.keyceremony(["publish", delegation, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(again.status == 0 && again.stdout.contains("already holds this bundle's root.json and targets.json"), "\(again.output)")

        let cached = try TemporaryDirectory("publish-client")
        defer { cached.remove() }
        let list = try server.client(cached.path("trust"), ["list", gun])
        #expect(list.status == 0, "\(list.output)")
        // notary lists a certificate's delegation key by the ID of its bare public key (its "canonical" key ID).
        let certificate = try NotaryCertificateKey(pemBytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/online/releases.crt.pem"))))
        let canonicalID = MetadataKey.notary(certificate.material).keyID
        let delegations = try server.client(cached.path("trust"), ["delegation", "list", gun])
        #expect(delegations.status == 0, "\(delegations.output)")
        let row = delegations.stdout.split(separator: "\n").first { $0.hasPrefix("targets/releases") }.map(String.init) ?? ""
        #expect(row.contains("releases/") && row.contains(canonicalID), "\(delegations.output)")

        // The release team adds a target with the real client and the rehearsal's release key.
        let team = try TemporaryDirectory("publish-team")
        defer { team.remove() }
        let payload = try team.write("release 1.0\n", to: "app-1.0.txt")
        let imported = try server.client(team.path("trust"), ["key", "import", "\(out)/online/releases.key.pem", "--role", "targets/releases", "--gun", gun])
        #expect(imported.status == 0, "\(imported.output)")
        let add = try server.client(team.path("trust"), ["add", gun, "releases/app-1.0.txt", payload.path, "--roles", "targets/releases"])
        #expect(add.status == 0, "\(add.output)")
        let teamPublish = try server.client(team.path("trust"), ["publish", gun])
        #expect(teamPublish.status == 0, "\(teamPublish.output)")
        // Outside the role's paths: the notary client refuses to publish it.
        let outside = try server.client(team.path("trust"), ["add", gun, "other/app.txt", payload.path, "--roles", "targets/releases"])
        #expect(outside.status == 0, "\(outside.output)")
        let refusedOutside = try server.client(team.path("trust"), ["publish", gun])
        #expect(refusedOutside.status != 0 && refusedOutside.output.contains("Could not add all targets"), "\(refusedOutside.output)")
        _ = try server.client(team.path("trust"), ["reset", gun, "--all"])

        // Signed by a key the delegation does not list, or by none: notary-server refuses both.
        let api = "\(server.url)/v2/\(gun)/_trust/tuf/"
        let targets = try TargetsMetadata(signed: try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(delegation)/public/metadata/\(gun)/targets.json")))).signed)
        let releasesKeyID = try #require(targets.delegations?.roles?.first?.keyIDs.first)
        let wrong = try SoftwareSigner(generating: .ecdsaP256)
        let wrongFile = try Self.notaryReleases(["releases/evil.txt"], version: 2, signer: wrong, keyID: MetadataKey.notary(wrong.publicKey).keyID)
        let unsignedFile = try Self.notaryReleases(["releases/evil.txt"], version: 2, signer: nil, keyID: releasesKeyID)
        for (name, file) in [("wrong key", wrongFile), ("unsigned", unsignedFile)] {
            let upload = try await HTTP.postMetadata(api, files: [("targets/releases", file)])
            #expect(upload.status == 400 && upload.text.contains("ErrBadTargets"), "\(name): \(upload.status) \(upload.text)")
        }
        let fresh = try TemporaryDirectory("publish-fresh")
        defer { fresh.remove() }
        let listed = try server.client(fresh.path("trust"), ["list", gun])
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.stdout.contains("releases/app-1.0.txt") && listed.stdout.contains("targets/releases"), "\(listed.stdout)")
        #expect(!listed.stdout.contains("other/app.txt") && !listed.stdout.contains("evil"), "\(listed.stdout)")

        // keyceremony verify agrees with notary on each delegated file, and accepts the good one.
        let release = try Self.releaseSigner(out)
        let cases: [(String, [UInt8], String?)] = [
            ("good", try Self.notaryReleases(["releases/app.txt"], signer: release, keyID: releasesKeyID), nil),
            ("outside", try Self.notaryReleases(["other/app.txt"], signer: release, keyID: releasesKeyID), "outside the paths delegated to targets/releases"),
            ("wrong", try Self.notaryReleases(["releases/app.txt"], signer: wrong, keyID: MetadataKey.notary(wrong.publicKey).keyID), "the threshold is 1"),
            ("unsigned", try Self.notaryReleases(["releases/app.txt"], signer: nil, keyID: releasesKeyID), "the threshold is 1"),
        ]
        for (name, file, finding) in cases {
            for metadata in ["root.json", "targets.json"] {
                try scratch.write(Array(try Data(contentsOf: URL(fileURLWithPath: "\(delegation)/public/metadata/\(gun)/\(metadata)"))), to: "verify-\(name)/\(metadata)")
            }
            try scratch.write(file, to: "verify-\(name)/targets/releases.json")
            let verify = try Self.keyceremony(["verify", scratch.path("verify-\(name)"), "--gun", gun])
            if let finding {
                #expect(verify.status == 1 && verify.stdout.contains(finding), "\(name): \(verify.output)")
            } else {
                #expect(verify.status == 0, "\(name): \(verify.output)")
            }
        }

        // The rotation and the re-sign, each with one publish; the client that cached version 1 follows.
        for (index, stage) in ["03-root-rotation", "04-root-resign"].enumerated() {
            let next = try Self.keyceremony(["publish", "\(out)/\(stage)", "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
            #expect(next.status == 0, "\(stage): \(next.output)")
            let follow = try server.client(cached.path("trust"), ["list", gun])
            #expect(follow.status == 0 && follow.stdout.contains("releases/app-1.0.txt"), "\(follow.output)")
            let root = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: cached.path("trust/tuf/\(gun)/metadata/root.json")))))
            #expect(root.signed["version"] == .integer(Int64(index + 2)), "\(stage)")
        }
        // The delegation bundle again, after version 3: only its targets.json is compared, and the server already holds it.
        let afterRotation = try Self.keyceremony(["publish", delegation, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(afterRotation.status == 0 && afterRotation.stdout.contains("newer than this bundle's version 1"), "\(afterRotation.output)")

        // Version 1 again, after version 3: the server refuses it and says why.
        let stale = try Self.keyceremony(["publish", first, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(stale.status == 1, "\(stale.output)")
        #expect(stale.stderr.contains("notary-server refused the upload of root with HTTP 400"), "\(stale.stderr)")
        #expect(!stale.stderr.contains(".swift"))

        // A bundle changed after the ceremony is refused before anything is sent.
        let copy = scratch.path("tampered")
        _ = try ProcessRunner.run("cp", ["-a", "\(out)/04-root-resign", copy])
        try Data("tampered\n".utf8).write(to: URL(fileURLWithPath: "\(copy)/public/plan.yaml"))
        let tampered = try Self.keyceremony(["publish", copy, "--notary-server", server.url, "--gun", gun, "--insecure-http", "--allow-rehearsal"])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("is not a complete, consistent ceremony bundle"), "\(tampered.stderr)")
    }

    @Test("TUF: the delegation bundle is published into an empty metadata directory with one command (roots and N.targets.json), python-tuf's ngclient resolves a target through the delegated role, and follows the rotation and the re-sign; forks and repositories already past the bundle are refused and nothing is written")
    func tuf() throws {
        let scratch = try TemporaryDirectory("publish-tuf")
        defer { scratch.remove() }
        let out = scratch.path("r")
        let rehearse = try Self.keyceremony(["rehearse", "--out", out, "--dialect", "tuf"])
        try #require(rehearse.status == 0, "\(rehearse.output)")
        let repo = scratch.path("repo")
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        let delegation = "\(out)/02-targets-delegation"

        let published = try Self.keyceremony(["publish", delegation, "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(published.status == 0, "\(published.output)")
        #expect(published.stdout.contains("1.root.json") && published.stdout.contains("1.targets.json"), "\(published.stdout)")
        #expect(published.stdout.contains("re-sign snapshot.json listing targets.json version 1") && published.stdout.contains("(releases)"), "\(published.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(repo)/1.targets.json")) == Data(contentsOf: URL(fileURLWithPath: "\(delegation)/public/metadata/rehearsal/targets.json")))
        // The online side: the release team signs releases.json, snapshot and timestamp are signed with the online keys.
        let online = try PythonTUF.serveBundle(repo, online: "\(out)/online", into: repo, targets: "\(repo)/1.targets.json",
                                               role: "releases", paths: ["releases/app-1.0.txt"], signWith: ["\(out)/online/releases.key.pem"])
        try #require(online.status == 0, "\(online.output)")
        let walked = try PythonTUF.walk(repo, target: "releases/app-1.0.txt")
        #expect(walked.ok && walked.root_version == 1 && walked.target_found == true, "\(walked.error ?? "")")
        let again = try Self.keyceremony(["publish", delegation, "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(again.status == 0 && again.stdout.contains("Already there, byte for byte: 1.root.json, 1.targets.json"), "\(again.output)")

        // targets.json forks: another version 1, or a repository already at version 2.
        let targetsFork = scratch.path("targets-fork")
        _ = try ProcessRunner.run("cp", ["-a", repo, targetsFork])
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(targetsFork)/1.targets.json"))
        let forked = try Self.keyceremony(["publish", delegation, "--tuf-repo", targetsFork, "--allow-rehearsal"])
        #expect(forked.status == 1 && forked.stderr.contains("already holds a different targets.json"), "\(forked.output)")
        try FileManager.default.removeItem(atPath: "\(targetsFork)/1.targets.json")
        var newer = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(delegation)/public/metadata/rehearsal/targets.json"))))
        newer.signed["version"] = .integer(2)
        try Data(try newer.fileBytes(dialect: .tuf)).write(to: URL(fileURLWithPath: "\(targetsFork)/2.targets.json"))
        let behind = try Self.keyceremony(["publish", delegation, "--tuf-repo", targetsFork, "--allow-rehearsal"])
        #expect(behind.status == 1 && behind.stderr.contains("is targets.json version 2, newer than this bundle's version 1"), "\(behind.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(targetsFork)/1.targets.json"), "nothing is written when anything is refused")

        // A root fork: a different version 2 already in the repository.
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(repo)/2.root.json"))
        let fork = try Self.keyceremony(["publish", "\(out)/04-root-resign", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(fork.status == 1)
        #expect(fork.stderr.contains("already holds a different version 2 of the root"), "\(fork.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(repo)/3.root.json"), "nothing is written when anything is refused")
        try FileManager.default.removeItem(atPath: "\(repo)/2.root.json")

        let rotation = try Self.keyceremony(["publish", "\(out)/03-root-rotation", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(rotation.status == 0, "\(rotation.output)")
        #expect(rotation.stdout.contains("2.root.json"))
        #expect(rotation.stdout.contains("keeps the online keys"), "\(rotation.stdout)")
        let second = try PythonTUF.walk(repo, target: "releases/app-1.0.txt")
        #expect(second.ok && second.root_version == 2 && second.target_found == true, "\(second.error ?? "")")

        let resign = try Self.keyceremony(["publish", "\(out)/04-root-resign", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(resign.status == 0, "\(resign.output)")
        #expect(resign.stdout.contains("Already there, byte for byte: 1.root.json, 2.root.json"), "\(resign.stdout)")
        let walk = try PythonTUF.walk(repo, target: "releases/app-1.0.txt")
        #expect(walk.ok && walk.root_version == 3 && walk.target_found == true, "\(walk.error ?? "")")

        // An older bundle is never published over a newer repository.
        let older = try Self.keyceremony(["publish", "\(out)/03-root-rotation", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(older.status == 1, "\(older.output)")
        #expect(older.stderr.contains("is already at root version 3"), "\(older.stderr)")
        // An unversioned root.json holding another version 2 is a fork too.
        let secondRepo = scratch.path("repo2")
        _ = try ProcessRunner.run("cp", ["-a", repo, secondRepo])
        try FileManager.default.removeItem(atPath: "\(secondRepo)/2.root.json")
        try FileManager.default.removeItem(atPath: "\(secondRepo)/3.root.json")
        try FileManager.default.removeItem(atPath: "\(secondRepo)/root.json")
        var other = try SignedMetadata(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/03-root-rotation/public/metadata/rehearsal/2.root.json"))))
        other.signatures.removeLast()
        try Data(try other.fileBytes(dialect: .tuf)).write(to: URL(fileURLWithPath: "\(secondRepo)/root.json"))
        let unversionedFork = try Self.keyceremony(["publish", "\(out)/04-root-resign", "--tuf-repo", secondRepo, "--allow-rehearsal"])
        #expect(unversionedFork.status == 1, "\(unversionedFork.output)")
        #expect(unversionedFork.stderr.contains("root.json already holds a different version 2"), "\(unversionedFork.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(secondRepo)/2.root.json"))

        let notFolder = try Self.keyceremony(["publish", "\(out)/04-root-resign", "--tuf-repo", "\(repo)/1.root.json", "--allow-rehearsal"])
        #expect(notFolder.status == 2 && notFolder.stderr.contains("is not a folder"), "\(notFolder.output)")
        let publicOnly = try Self.keyceremony(["publish", "\(out)/04-root-resign/public", "--tuf-repo", repo, "--allow-rehearsal"])
        #expect(publicOnly.status == 1 && publicOnly.stderr.contains("give the ceremony output directory that holds it"), "\(publicOnly.output)")

        let wrongDialect = try Self.keyceremony(["publish", "\(out)/04-root-resign", "--notary-server", "http://127.0.0.1:9", "--gun", "x/y", "--allow-rehearsal", "--insecure-http"])
        #expect(wrongDialect.status == 2, "\(wrongDialect.output)")
    }
}
