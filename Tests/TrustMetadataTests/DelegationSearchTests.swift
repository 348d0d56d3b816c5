import Foundation
import Testing
import TestSupport
@testable import TrustMetadata

/// Issue 16: `verify` searches delegations as the clients do. Its verdict per target is
/// compared with python-tuf 7.0.1's ngclient on graphs python-tuf writes, and the shared
/// delegation cases (fixtures/delegations, see its README) get their right answers.
@Suite("delegations searched as the clients search them")
struct DelegationSearchTests {
    /// Before the notary timestamps of fixtures/delegations expire (2026-12-13).
    static let at = "2026-12-01T00:00:00Z"

    struct Output: Decodable {
        struct Finding: Decodable {
            let severity: String
            let file: String
            let role: String?
            let check: String
            let detail: String
        }
        struct Target: Decodable {
            let path: String
            let resolved: Bool
            let role: String?
            let error: String?
        }
        let passed: Bool
        let files: [String]
        let findings: [Finding]
        let targets: [Target]

        var errors: [Finding] { findings.filter { $0.severity == "error" } }
        func target(_ path: String) -> Target? { targets.first { $0.path == path } }
    }

    /// `keyceremony verify PATH --json`, with its exit status.
    static func verify(_ path: String, _ extra: [String] = [], at time: String = at) throws -> (status: Int32, output: Output) {
        let result = try ProcessRunner.run(try TestPaths.keyceremony, ["verify", path, "--at", time, "--json"] + extra)
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        return (result.status, output)
    }

    static func fixture(_ name: String) -> String { TestPaths.path("fixtures/delegations/\(name)") }

    /// Every `.json` file of `directory` (and below) is either checked or reported as matching no role.
    static func expectNothingUnchecked(_ directory: String, _ output: Output, ignoring: Set<String> = []) throws {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".json"), !ignoring.contains(relative) else { continue }
            let path = URL(fileURLWithPath: directory).appendingPathComponent(relative).path
            let checked = output.files.contains(path)
            let reported = output.findings.contains { $0.check == "unmatched" && $0.file == path }
            #expect(checked != reported, "\(relative): checked \(checked), reported as unmatched \(reported)")
        }
    }

    @Test("tuf-one-role-two-parents verifies: each target is reached through its own chain")
    func twoParents() throws {
        let (status, output) = try Self.verify(Self.fixture("tuf-one-role-two-parents"))
        #expect(status == 0, "\(output.findings)")
        #expect(output.target("a/1")?.role == "C")
        #expect(output.target("b/1")?.role == "C")
        try Self.expectNothingUnchecked(Self.fixture("tuf-one-role-two-parents"), output)
    }

    @Test("tuf-succinct-bin-wrong-key is refused: bin-0 is signed by 0 of its 1 key, and its target is lost")
    func succinctBins() throws {
        let directory = Self.fixture("tuf-succinct-bin-wrong-key")
        let (status, output) = try Self.verify(directory)
        #expect(status == 1)
        #expect(output.errors.contains { $0.role == "bin-0" && $0.check == "threshold" && $0.detail.hasPrefix("signed by 0 of the 1 keys") },
                "\(output.findings)")
        #expect(!output.errors.contains { $0.role != "bin-0" }, "\(output.errors)")
        #expect(output.target("pkg/a.tgz")?.resolved == false)
        #expect(output.target("pkg/b.tgz")?.role == "bin-2")
        for bin in 0..<4 { #expect(output.files.contains("\(directory)/bin-\(bin).json")) }
        try Self.expectNothingUnchecked(directory, output)
    }

    @Test("tuf-role-names-needing-encoding is refused for team/app and 2024.releases, each read as itself")
    func encodedNames() throws {
        let directory = Self.fixture("tuf-role-names-needing-encoding")
        let (status, output) = try Self.verify(directory)
        #expect(status == 1)
        let thresholds = Set(output.errors.filter { $0.check == "threshold" }.map { "\($0.role ?? "") \(URL(fileURLWithPath: $0.file).lastPathComponent)" })
        #expect(thresholds == ["team/app team%2Fapp.json", "2024.releases 2024.releases.json"], "\(output.findings)")
        #expect(output.target("plain/pkg.tgz")?.role == "plain")
        #expect(output.target("team/pkg.tgz")?.resolved == false)
        #expect(output.target("rel/pkg.tgz")?.resolved == false)
        try Self.expectNothingUnchecked(directory, output)
    }

    @Test("tuf-delegated-role-not-in-snapshot is refused: A is not listed, so a.txt and x.txt (in B, after A) are lost")
    func notInSnapshot() throws {
        let directory = Self.fixture("tuf-delegated-role-not-in-snapshot")
        let (status, output) = try Self.verify(directory)
        #expect(status == 1)
        #expect(output.errors.contains { $0.check == "snapshot" && $0.role == "A" }, "\(output.findings)")
        let lost = try #require(output.errors.first { $0.detail.hasPrefix("a client's search fails at A") })
        #expect(lost.detail.hasSuffix("it cannot resolve a.txt, x.txt"), "\(lost.detail)")
        #expect(output.target("a.txt")?.resolved == false)
        #expect(output.target("x.txt")?.resolved == false)
        try Self.expectNothingUnchecked(directory, output)
    }

    @Test("notary-delegation-without-paths verifies, noting the role can sign nothing")
    func notaryWithoutPaths() throws {
        let (status, output) = try Self.verify(Self.fixture("notary-delegation-without-paths"), ["--gun", "example.com/app"])
        #expect(status == 0, "\(output.findings)")
        #expect(output.findings.contains { $0.severity == "notice" && $0.role == "targets/releases" && $0.detail.contains("can sign nothing") })
    }

    @Test("notary-delegation-keys-purged is refused for the lockout itself, and the rest is still checked")
    func notaryKeysPurged() throws {
        let directory = Self.fixture("notary-delegation-keys-purged")
        let (status, output) = try Self.verify(directory, ["--gun", "example.com/app"])
        #expect(status == 1)
        #expect(!output.findings.contains { $0.check == "malformed" }, "\(output.findings)")
        #expect(output.errors.contains { $0.role == "targets/releases" && $0.detail.contains("threshold 1 and 0 usable keys") },
                "\(output.findings)")
        #expect(output.target("v1")?.resolved == false)
        for file in ["root.json", "targets.json", "snapshot.json", "timestamp.json", "targets/releases.json"] {
            #expect(output.files.contains("\(directory)/\(file)"), "\(file) not checked")
        }
    }

    @Test("Notary delegation names are notary's: targets/ and [-a-z0-9_/] parts")
    func notaryNames() throws {
        for (name, accepted) in [("targets/releases", true), ("targets/re-l_3/x", true), ("targets/Releases", false),
                                 ("targets/rel.eases", false), ("targets/", false), ("releases", false)] {
            let parent = name == "targets/re-l_3/x" ? "targets/re-l_3" : "targets"
            let problem = DelegationRules.problem(withName: name, delegator: parent, dialect: .notary)
            #expect((problem == nil) == accepted, "\(name): \(problem ?? "accepted")")
        }
    }

    /// The fixed cases for each kind of issue 16 and 30 random graphs (seed 16), written by
    /// python-tuf and resolved target by target by a fresh ngclient `Updater` each.
    @Test("on every generated delegation graph, verify resolves every target as ngclient's get_targetinfo does")
    func generatedGraphs() throws {
        let directory = try TemporaryDirectory("delegation-graphs")
        defer { directory.remove() }
        let made = try ProcessRunner.run(try TestPaths.python,
                                         [TestPaths.path("scripts/fixtures/delegation_graphs.py"), directory.path, "16", "30"])
        try #require(made.status == 0, "\(made.output)")
        let graphs = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(graphs.count == 40)
        var compared = 0, resolved = 0, failedSearches = 0
        for graph in graphs {
            let path = directory.path(graph)
            let expected = try JSONDecoder().decode([String: Expected].self,
                                                    from: Data(contentsOf: URL(fileURLWithPath: "\(path)/expected.json")))
            let (status, output) = try Self.verify(path, ["--dialect", "tuf"])
            for (target, theirs) in expected.sorted(by: { $0.key < $1.key }) {
                let ours = output.target(target)
                #expect(ours?.role == theirs.role,
                        "\(graph) \(target): ngclient \(theirs.role ?? "nothing") \(theirs.error ?? ""); verify \(ours?.role ?? "nothing") \(ours?.error ?? "")")
                compared += 1
                if theirs.role != nil { resolved += 1 }
                if theirs.error != nil {
                    failedSearches += 1
                    #expect(status == 1, "\(graph): ngclient fails on \(target) but verify passes")
                }
            }
            try Self.expectNothingUnchecked(path, output, ignoring: ["expected.json"])
        }
        // The generator must exercise both answers and the client's errors.
        #expect(resolved > 40 && compared - resolved > 100 && failedSearches > 10, "\(compared) \(resolved) \(failedSearches)")
    }

    /// Delegations made with the notary 0.7.0 client through notary-server (nested roles,
    /// a role added without --paths, a role whose only key was purged), then read by a fresh
    /// notary client: verify resolves each target exactly when `notary lookup` does.
    @Test("on a repository the notary client writes, verify resolves a target exactly when a fresh notary client does")
    func notaryClientAgrees() throws {
        let server = try NotaryServer()
        defer { server.stop() }
        let work = try TemporaryDirectory("notary-delegations")
        defer { work.remove() }
        let gun = "example.com/app"
        let trust = work.path("trust")
        try work.write(Array("payload\n".utf8), to: "payload.txt")
        func notary(_ arguments: [String], in directory: String = trust) throws -> ProcessResult {
            try server.client(directory, arguments)
        }
        func must(_ arguments: [String]) throws -> String {
            let result = try notary(arguments)
            try #require(result.status == 0, "notary \(arguments): \(result.output)")
            return result.output
        }
        /// A delegation key and certificate, imported for `role`; returns the certificate path.
        func delegationKey(_ role: String) throws -> String {
            let name = role.replacingOccurrences(of: "/", with: "_")
            let key = work.path("\(name).key"), certificate = work.path("\(name).crt")
            for arguments in [["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", work.path("\(name).ec")],
                              ["pkcs8", "-topk8", "-nocrypt", "-in", work.path("\(name).ec"), "-out", key],
                              ["req", "-new", "-x509", "-key", key, "-subj", "/CN=\(name)", "-days", "365", "-out", certificate]] {
                let result = try ProcessRunner.run("openssl", arguments)
                try #require(result.status == 0, "openssl \(arguments): \(result.output)")
            }
            return certificate
        }
        _ = try must(["init", gun])
        _ = try must(["add", gun, "v1", work.path("payload.txt")])
        _ = try must(["publish", gun])
        var keyIDs: [String: String] = [:]
        for (role, paths) in [("targets/releases", ["--paths", "rel/"]), ("targets/releases/beta", ["--paths", "rel/beta/"]),
                              ("targets/nopaths", []), ("targets/locked", ["--paths", "lock/"])] {
            let certificate = try delegationKey(role)
            let output = try must(["delegation", "add", "-p", gun, role, certificate] + paths)
            keyIDs[role] = output.firstMatch(of: /[0-9a-f]{64}/).map { String($0.output) }
            let key = work.path("\(role.replacingOccurrences(of: "/", with: "_")).key")
            _ = try must(["key", "import", key, "--role", role])
        }
        _ = try must(["add", "-p", gun, "rel/1", work.path("payload.txt"), "--roles", "targets/releases"])
        _ = try must(["add", "-p", gun, "rel/beta/1", work.path("payload.txt"), "--roles", "targets/releases/beta"])
        _ = try must(["add", "-p", gun, "lock/1", work.path("payload.txt"), "--roles", "targets/locked"])
        let locked = try #require(keyIDs["targets/locked"])
        _ = try must(["delegation", "purge", gun, "--key", locked, "-p"])

        let fresh = work.path("fresh")
        var theirs: [String: Bool] = [:]
        for target in ["v1", "rel/1", "rel/beta/1", "lock/1", "rel/none"] {
            theirs[target] = try notary(["lookup", gun, target], in: fresh).status == 0
        }
        #expect(theirs == ["v1": true, "rel/1": true, "rel/beta/1": true, "lock/1": false, "rel/none": false])
        let metadata = "\(fresh)/tuf/\(gun)/metadata"
        let (status, output) = try Self.verify(metadata, ["--dialect", "notary", "--gun", gun], at: MetadataTime(Date()).text)
        for (target, resolved) in theirs.sorted(by: { $0.key < $1.key }) {
            #expect((output.target(target)?.resolved ?? false) == resolved, "\(target): notary \(resolved), verify \(String(describing: output.target(target)))")
        }
        #expect(status == 1, "the purged role is a lockout: \(output.findings)")
        #expect(output.errors.contains { $0.role == "targets/locked" && $0.detail.contains("0 usable keys") }, "\(output.findings)")
        #expect(output.findings.contains { $0.role == "targets/nopaths" && $0.detail.contains("can sign nothing") })
    }

    struct Expected: Decodable {
        let role: String?
        let error: String?
    }
}
