import Foundation
import TestSupport
import Testing
import TrustMetadata

/// `keyceremony verify` as an operator runs it: the built executable as a child process.
@Suite("keyceremony verify (CLI)")
struct VerifyCommandTests {
    private var at: String { MetadataTime(TestTimes.verificationTime).text }

    private func verify(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(try TestPaths.keyceremony, ["verify"] + arguments)
    }

    @Test("exit 0 for good metadata in both dialects, 1 with findings, 2 for input errors")
    func exitCodes() throws {
        let good = try verify([TestPaths.path("fixtures/tuf/python-tuf"), "--at", at])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.stdout.contains("verified"))
        let notary = try verify([TestPaths.path("fixtures/notary/repository"), "--dialect", "notary", "--gun", "example.com/app", "--at", at])
        #expect(notary.status == 0, "\(notary.output)")
        let wrongGUN = try verify([TestPaths.path("fixtures/notary/repository"), "--gun", "example.com/other", "--at", at])
        #expect(wrongGUN.status == 1)
        let tampered = try verify([TestPaths.path("fixtures/tuf/python-tuf/tampered/missing-old-threshold"), "--at", at])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("[threshold]"))
        let expired = try verify([TestPaths.path("fixtures/tuf/python-tuf"), "--at", "2040-01-01T00:00:00Z"])
        #expect(expired.status == 1)
        #expect(expired.stdout.contains("[expiry]"))
        #expect(try verify(["/nonexistent/keyceremony"]).status == 2)
        #expect(try verify([TestPaths.path("fixtures"), "--at", "yesterday"]).status == 2)
    }

    @Test("--trusted-root starts the chain at a root the client already trusts")
    func trustedRoot() throws {
        let directory = TestPaths.path("fixtures/tuf/python-tuf")
        let result = try verify([directory, "--trusted-root", "\(directory)/2.root.json", "--at", at])
        #expect(result.status == 0, "\(result.output)")
        // Trusting v1 and skipping straight to a v3 that v1 never endorsed fails.
        let scratch = try TemporaryDirectory("trusted")
        defer { scratch.remove() }
        try scratch.write(Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/3.root.json"))), to: "3.root.json")
        let skip = try verify([scratch.path, "--trusted-root", "\(directory)/1.root.json", "--at", at])
        #expect(skip.status == 1)
        #expect(skip.stdout.contains("[version]"))
    }

    /// A client that trusts version N ignores N and older, so a file that does not move
    /// forward from the trusted root cannot be reported as verified.
    @Test("with --trusted-root, a different root of the same version is a fork and an older one a rollback")
    func trustedRootForkAndRollback() throws {
        let directory = TestPaths.path("fixtures/tuf/python-tuf")
        let trusted = "\(directory)/2.root.json"
        let same = try verify(["\(directory)/2.root.json", "--trusted-root", trusted, "--at", at])
        #expect(same.status == 0, "\(same.output)")
        let newer = try verify(["\(directory)/3.root.json", "--trusted-root", trusted, "--at", at])
        #expect(newer.status == 0, "\(newer.output)")
        // The same version 2 with one changed byte in `signed`.
        let fork = try verify(["\(directory)/tampered/changed-byte/2.root.json", "--trusted-root", trusted, "--at", at])
        #expect(fork.status == 1, "\(fork.output)")
        #expect(fork.stdout.contains("[version] fork: version 2 differs"), "\(fork.stdout)")
        let rollback = try verify(["\(directory)/1.root.json", "--trusted-root", trusted, "--at", at])
        #expect(rollback.status == 1, "\(rollback.output)")
        #expect(rollback.stdout.contains("[version] rollback: version 1 is older"), "\(rollback.stdout)")
        // A directory whose newest root is older than the trusted one is a rollback too.
        let scratch = try TemporaryDirectory("rollback")
        defer { scratch.remove() }
        for name in ["1.root.json", "2.root.json"] {
            try scratch.write(Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))), to: name)
        }
        let behind = try verify([scratch.path, "--trusted-root", "\(directory)/3.root.json", "--at", at])
        #expect(behind.status == 1, "\(behind.output)")
        #expect(behind.stdout.contains("rollback: version 2 is older"), "\(behind.stdout)")
    }

    @Test("--json prints machine-readable findings")
    func json() throws {
        let result = try verify([TestPaths.path("fixtures/tuf/python-tuf/tampered/version-skip"), "--json", "--at", at])
        #expect(result.status == 1)
        let value = try JSONParser.parse(result.stdout)
        #expect(value.objectValue?["passed"] == .bool(false))
        let findings = value.objectValue?["findings"]?.arrayValue ?? []
        #expect(findings.contains { $0.objectValue?["check"] == "version" && $0.objectValue?["role"] == "root" })
    }

    /// A FIFO blocks a plain open or read forever and /dev/zero never ends. `timeout` only
    /// guards the suite against a hang (it would turn one into exit 124, a failure here);
    /// nothing is asserted about speed.
    @Test("a FIFO or a device is refused with exit 2, as a file, in a directory and as --trusted-root")
    func nonRegularFiles() throws {
        let scratch = try TemporaryDirectory("fifo")
        defer { scratch.remove() }
        let fifo = scratch.path("pipe.json")
        try #require(mkfifo(fifo, 0o600) == 0)
        try FileManager.default.createDirectory(atPath: scratch.path("repo"), withIntermediateDirectories: true)
        try #require(mkfifo(scratch.path("repo/1.root.json"), 0o600) == 0)
        let good = TestPaths.path("fixtures/tuf/python-tuf")
        let cases: [(arguments: [String], culprit: String, kind: String)] = [
            (["/dev/zero"], "/dev/zero", "a character device"),
            ([fifo], fifo, "a FIFO"),
            ([scratch.path("repo")], scratch.path("repo/1.root.json"), "a FIFO"),
            ([good, "--trusted-root", fifo], fifo, "a FIFO"),
            ([good, "--trusted-root", "/dev/zero"], "/dev/zero", "a character device"),
        ]
        for (arguments, culprit, kind) in cases {
            let result = try ProcessRunner.run(try ProcessRunner.which("timeout"),
                                               ["60", try TestPaths.keyceremony, "verify"] + arguments + ["--at", at])
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.stderr.contains("\(culprit): not a regular file (\(kind))"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("hostile input never crashes the command", arguments: [
        "", "{", "[]", "null", String(repeating: "[", count: 50_000), #"{"signed":[],"signatures":{}}"#,
        #"{"signed":{"_type":"root","version":1e400,"expires":"x","keys":{},"roles":{}},"signatures":[]}"#,
        #"{"signed":{"_type":"Root","version":1,"expires":"2030-01-01T00:00:00Z","keys":{"a":{"keytype":"ecdsa-x509","keyval":{"public":"!!"}}},"roles":{"root":{"keyids":["a"],"threshold":-5}}},"signatures":[{"keyid":"a","sig":"@@"}]}"#,
    ])
    func hostileInput(_ text: String) throws {
        let scratch = try TemporaryDirectory("hostile")
        defer { scratch.remove() }
        try scratch.write(Array(text.utf8), to: "1.root.json")
        let result = try verify([scratch.path("1.root.json")])
        #expect(result.status == 1, "\(result.output)")
        if text == "{" { #expect(result.stdout.contains("byte 1")) }
    }
}
