import Ceremony
import Crypto
import Foundation
import Testing
import TestSupport
import TrustMetadata

/// Issue 15: the room's executable has no network code, and says what it is — in `--version`, in
/// the transcript and in the audit — so the SHA-256 recorded can be checked against a release.
@Suite("The room's executable: no network code; its version, commit, build kind and SHA-256 in --version, the transcript and the audit")
struct ReleaseIdentityTests {
    static func sha256(ofFile path: String) throws -> String {
        ByteEncoding.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("keyceremony links neither FoundationNetworking nor libcurl; keyceremony-online, which publishes, does (ldd)")
    func networkCodeOnlyOnline() throws {
        let room = try ProcessRunner.run("ldd", [try TestPaths.keyceremony])
        try #require(room.status == 0, "\(room.output)")
        #expect(room.stdout.contains("libFoundation"), "ldd lists the Foundation libraries of a development build: \(room.stdout)")
        #expect(!room.stdout.contains("FoundationNetworking"), "\(room.stdout)")
        #expect(!room.stdout.contains("libcurl"), "\(room.stdout)")
        let online = try ProcessRunner.run("ldd", [try TestPaths.keyceremonyOnline])
        try #require(online.status == 0, "\(online.output)")
        #expect(online.stdout.contains("libFoundationNetworking"), "\(online.stdout)")
    }

    @Test("publish and rehearse --notary-server are refused by keyceremony with a pointer to keyceremony-online (exit 2)")
    func movedCommands() throws {
        let publish = try ProcessRunner.run(try TestPaths.keyceremony, ["publish", "/tmp/bundle", "--tuf-repo", "/tmp/repo", "--allow-rehearsal"])
        #expect(publish.status == 2, "\(publish.output)")
        #expect(publish.stderr.contains("keyceremony-online publish"), "\(publish.stderr)")
        let help = try ProcessRunner.run(try TestPaths.keyceremony, ["--help"])
        #expect(!help.stdout.contains("publish "), "publish is not listed among keyceremony's commands: \(help.stdout)")
        #expect(help.stdout.contains("digest"))

        let scratch = try TemporaryDirectory("moved")
        defer { scratch.remove() }
        let rehearse = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r"), "--notary-server", "http://127.0.0.1:9", "--gun", "example.com/x"])
        #expect(rehearse.status == 2, "\(rehearse.output)")
        #expect(rehearse.stderr.contains("keyceremony-online notary-keys"), "\(rehearse.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("r")))
    }

    @Test("--version names the version, the commit (unknown in a working tree) and the build kind; both executables agree")
    func version() throws {
        let expected = "\(KeyCeremonyVersion.current) (commit \(KeyCeremonyVersion.commit ?? "unknown"), development build)"
        let room = try ProcessRunner.run(try TestPaths.keyceremony, ["--version"])
        #expect(room.status == 0)
        #expect(room.stdout == "keyceremony \(expected)\n", "\(room.output)")
        let online = try ProcessRunner.run(try TestPaths.keyceremonyOnline, ["--version"])
        #expect(online.stdout == "keyceremony-online \(expected)\n", "\(online.output)")
    }

    @Test("the transcript records the executable's SHA-256, commit and build kind; audit prints them and checks --tool-sha256", arguments: ["notary", "tuf"])
    func auditShowsTool(dialect: String) throws {
        let bundle = try RehearsalBundles.directory(dialect).appendingPathComponent(RehearsalBundles.stages[0])
        let binary = try Self.sha256(ofFile: try TestPaths.keyceremony)
        let transcript = try String(contentsOf: bundle.appendingPathComponent("public/transcript.jsonl"), encoding: .utf8)
        let start = try #require(transcript.split(separator: "\n").first)
        #expect(start.contains("\"tool_sha256\":\"\(binary)\""), "\(start)")
        #expect(start.contains("\"tool_build\":\"development\""), "\(start)")
        #expect(start.contains("\"tool_commit\"") == (KeyCeremonyVersion.commit != nil), "\(start)")

        let text = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path])
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("Tool: keyceremony \(KeyCeremonyVersion.current), commit \(KeyCeremonyVersion.commit ?? "not recorded") (development build), executable SHA-256 \(binary), on "), "\(text.stdout)")
        #expect(text.stdout.contains("notice [tool]") && text.stdout.contains("development build of keyceremony"), "\(text.stdout)")

        let json = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path, "--json", "--tool-sha256", binary.uppercased()])
        #expect(json.status == 0, "\(json.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let tool = try #require(object["tool"] as? [String: Any])
        #expect(tool["sha256"] as? String == binary)
        #expect(tool["build"] as? String == "development")
        #expect(tool["version"] as? String == KeyCeremonyVersion.current)

        let other = String(repeating: "0", count: 64)
        let wrong = try ProcessRunner.run(try TestPaths.keyceremony, ["audit", bundle.path, "--tool-sha256", other])
        #expect(wrong.status == 1, "\(wrong.output)")
        #expect(wrong.stdout.contains("error [tool]") && wrong.stdout.contains("expected \(other); found \(binary)"), "\(wrong.stdout)")
    }

    @Test("digest prints what sha256sum prints, then the same bytes in PGP words; FIFOs, folders and missing files are refused without hanging")
    func digest() throws {
        let scratch = try TemporaryDirectory("digest")
        defer { scratch.remove() }
        try scratch.write(Array("the executable carried into the room\n".utf8), to: "file.bin")
        let file = scratch.path("file.bin")
        let coreutils = try ProcessRunner.run("sha256sum", [file])
        try #require(coreutils.status == 0)
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["digest", file])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first.map { $0 + "\n" } == coreutils.stdout, "the first line is sha256sum's: \(run.stdout)")
        let hex = String(coreutils.stdout.prefix(64))
        let digest = PlanDigest(bytes: try #require(ByteEncoding.decodeHex(hex)))
        #expect(Array(lines.dropFirst(2)) == digest.wordLines.enumerated().map { "  \($0.offset + 1). \($0.element)" }, "\(run.stdout)")
        #expect(digest.words.count == 32)

        let json = try ProcessRunner.run(try TestPaths.keyceremony, ["digest", file, try TestPaths.keyceremony, "--json"])
        #expect(json.status == 0, "\(json.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files.first?["sha256"] as? String == hex && files.first?["words"] as? [String] == digest.words)
        #expect(files.last?["sha256"] as? String == (try Self.sha256(ofFile: try TestPaths.keyceremony)))

        _ = try ProcessRunner.run("mkfifo", [scratch.path("fifo")])
        for refused in [scratch.path("fifo"), scratch.url.path, scratch.path("missing")] {
            let run = try ProcessRunner.run(try TestPaths.keyceremony, ["digest", refused])
            #expect(run.status == 2, "\(refused): \(run.output)")
            #expect(run.stderr.hasPrefix("error: \(refused): "), "\(run.stderr)")
        }
    }

    @Test("notary-keys refuses plain HTTP and bad URLs; rehearse --online-keys refuses a folder without the two keys, or with a file that is not a key")
    func onlineKeysInput() throws {
        let scratch = try TemporaryDirectory("online-keys")
        defer { scratch.remove() }
        let plain = try ProcessRunner.run(try TestPaths.keyceremonyOnline, ["notary-keys", "--notary-server", "http://127.0.0.1:9", "--gun", "example.com/x", "--out", scratch.path("keys")])
        #expect(plain.status == 2 && plain.stderr.contains("is plain HTTP"), "\(plain.output)")
        let bad = try ProcessRunner.run(try TestPaths.keyceremonyOnline, ["notary-keys", "--notary-server", "ftp://example.com", "--gun", "example.com/x", "--out", scratch.path("keys")])
        #expect(bad.status == 2 && bad.stderr.contains("is not an http:// or https:// URL"), "\(bad.output)")
        let closed = try ProcessRunner.run(try TestPaths.keyceremonyOnline, ["notary-keys", "--notary-server", "http://127.0.0.1:9", "--gun", "example.com/x", "--out", scratch.path("keys"), "--insecure-http"])
        #expect(closed.status == 1, "\(closed.output)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("keys")), "nothing is written when the server does not answer")

        let noGun = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r0"), "--online-keys", scratch.path("keys")])
        #expect(noGun.status == 2 && noGun.stderr.contains("--online-keys needs --gun"), "\(noGun.output)")
        let missing = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r1"), "--online-keys", scratch.path("keys"), "--gun", "example.com/x"],
                                            environment: ["SOFTHSM2_CONF": nil])
        #expect(missing.status == 2 && missing.stderr.contains("snapshot.key.json: no such file"), "\(missing.output)")
        try scratch.write(Array("{\"keytype\":\"ecdsa\",\"keyval\":{\"public\":\"AAAA\"}}".utf8), to: "keys/snapshot.key.json")
        try scratch.write(Array("{}".utf8), to: "keys/timestamp.key.json")
        let notKey = try ProcessRunner.run(try TestPaths.keyceremony, ["rehearse", "--out", scratch.path("r2"), "--online-keys", scratch.path("keys"), "--gun", "example.com/x"],
                                           environment: ["SOFTHSM2_CONF": nil])
        #expect(notKey.status == 2 && notKey.stderr.contains("is not a Notary public key"), "\(notKey.output)")
        for out in ["r0", "r1", "r2"] { #expect(!FileManager.default.fileExists(atPath: scratch.path(out)), "\(out) was not made") }
    }

    @Test("plan print: the script checks the executable before step 1, with the published digest and its words when --tool-sha256 is given")
    func scriptChecksExecutable() throws {
        let plan = try RehearsalBundles.directory("tuf").appendingPathComponent("plans/01-root-generation.yaml")
        let scratch = try TemporaryDirectory("script-tool")
        defer { scratch.remove() }
        let published = try Self.sha256(ofFile: try TestPaths.keyceremony)
        let run = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "print", plan.path, "--html", scratch.path("with.html"), "--tool-sha256", published])
        #expect(run.status == 0, "\(run.output)")
        let html = try String(contentsOfFile: scratch.path("with.html"), encoding: .utf8)
        let section = try #require(html.range(of: "<h2>The keyceremony executable</h2>"))
        let steps = try #require(html.range(of: "<h2>Steps</h2>"))
        #expect(section.upperBound < steps.lowerBound, "the check comes before step 1")
        let words = PlanDigest(bytes: try #require(ByteEncoding.decodeHex(published))).wordLines
        let checkPart = html[section.upperBound..<steps.lowerBound]
        #expect(checkPart.contains("sha256sum -c --ignore-missing SHA256SUMS") && checkPart.contains(published) && words.allSatisfy { checkPart.contains($0) }, "\(checkPart)")

        let blank = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "print", plan.path, "--html", scratch.path("without.html")])
        #expect(blank.status == 0, "\(blank.output)")
        let without = try String(contentsOfFile: scratch.path("without.html"), encoding: .utf8)
        #expect(without.contains("<h2>The keyceremony executable</h2>") && !without.contains(published))
        let short = try ProcessRunner.run(try TestPaths.keyceremony, ["plan", "print", plan.path, "--html", scratch.path("bad.html"), "--tool-sha256", "abc"])
        #expect(short.status == 2, "\(short.output)")
    }
}
