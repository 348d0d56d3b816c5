import Crypto
import Foundation
import PKCS11
import Testing
import TestSupport
@testable import TrustMetadata

/// This project's TUF metadata against python-tuf 7.0.1, in both directions.
@Suite("python-tuf 7.0.1 interop")
struct PythonTUFInteropTests {
    static let options = VerificationOptions(dialect: .tuf, at: TestTimes.verificationTime)

    private func verify(_ directory: String) throws -> PathVerifier.Report {
        try PathVerifier(options: Self.options).verify(path: directory)
    }

    @Test("metadata written here loads in python-tuf, and its Updater walks the chain 1→2→3 and the delegation")
    func pythonLoadsAndWalksOurRepository() throws {
        let repository = try TUFTestRepository()
        let directory = try TemporaryDirectory("tuf-ours")
        defer { directory.remove() }
        try repository.write(to: directory)

        let names = repository.files.keys.sorted()
        let load = try PythonTUF.run(["load"] + names.map { directory.path($0) })
        #expect(load.status == 0, "\(load.output)")

        let walk = try PythonTUF.walk(directory.path, target: TUFTestRepository.delegatedTarget)
        #expect(walk.ok, "\(walk.error ?? "")")
        #expect(walk.root_version == 3)
        #expect(walk.target_found == true)

        let report = try verify(directory.path)
        #expect(report.passed, "\(report.findings)")
    }

    /// The tamperings the issue names, applied to our own chain at version 2.
    enum Tampering: String, CaseIterable, Sendable {
        case changedByte, removedSignature, swappedKeyID, versionSkip, missingOldThreshold
    }

    @Test("tampered variants of our chain are rejected by python-tuf and by us", arguments: Tampering.allCases)
    func tamperedOurs(_ tampering: Tampering) throws {
        let repository = try TUFTestRepository()
        var second = repository.roots[1]
        switch tampering {
        case .changedByte:
            second.signed["expires"] = "2036-01-01T00:00:01Z"
        case .removedSignature:
            // Drop c's signature: v2's own threshold (2 of {b, c}) is no longer met.
            second.signatures.removeAll { $0.keyID == MetadataKey.tuf(repository.c.publicKey).keyID }
        case .swappedKeyID:
            let ka = MetadataKey.tuf(repository.a.publicKey).keyID
            let kb = MetadataKey.tuf(repository.b.publicKey).keyID
            for i in second.signatures.indices {
                if second.signatures[i].keyID == ka { second.signatures[i].keyID = kb }
                else if second.signatures[i].keyID == kb { second.signatures[i].keyID = ka }
            }
        case .versionSkip:
            var root = try RootMetadata(signed: second.signed)
            root.version = 3
            second = root.signedMetadata()
            try second.sign(all: [repository.a, repository.b, repository.c], dialect: .tuf)
        case .missingOldThreshold:
            second.signatures.removeAll()
            try second.sign(all: [repository.b, repository.c], dialect: .tuf)
        }
        let directory = try TemporaryDirectory("tuf-tampered")
        defer { directory.remove() }
        try repository.write(to: directory, replacing: ["2.root.json": try second.fileBytes(dialect: .tuf), "3.root.json": nil])

        let walk = try PythonTUF.walk(directory.path)
        #expect(!walk.ok)
        #expect(walk.root_version == 1, "python-tuf accepted the tampered root: \(walk.error ?? "")")

        let report = try verify(directory.path)
        #expect(!report.passed)
        let expected: Finding.Check = tampering == .versionSkip ? .version : .threshold
        #expect(report.findings.contains { $0.check == expected && $0.severity == .error && $0.file.hasSuffix("2.root.json") },
                "\(report.findings)")
    }

    @Test("a repository python-tuf writes now (rotations, delegations) passes our verifier")
    func freshPythonRepository() throws {
        let directory = try TemporaryDirectory("tuf-python")
        defer { directory.remove() }
        let make = try PythonTUF.run(["make-repo", directory.path])
        #expect(make.status == 0, "\(make.output)")
        let walk = try PythonTUF.walk(directory.path, target: "files/role1.txt")
        #expect(walk.ok && walk.root_version == 3 && walk.target_found == true, "\(walk)")
        let report = try verify(directory.path)
        #expect(report.passed, "\(report.findings)")
        #expect(report.files.contains { $0.hasSuffix("1.role1.json") })
        #expect(report.files.contains { $0.hasSuffix("1.role2.json") })
        for tampering in try FileManager.default.contentsOfDirectory(atPath: directory.path("tampered")) {
            let path = directory.path("tampered/\(tampering)")
            #expect(try PythonTUF.walk(path).root_version == 1, "\(tampering)")
            #expect(!(try verify(path)).passed, "\(tampering) passed our verifier")
        }
    }

    @Test("delegated targets: we flag exactly the ones python-tuf's Updater will not find through their role")
    func delegatedPaths() throws {
        let directory = try TemporaryDirectory("tuf-delegations")
        defer { directory.remove() }
        let make = try PythonTUF.run(["make-delegations", directory.path])
        try #require(make.status == 0, "\(make.output)")
        let expected = try JSONDecoder().decode([String: String].self,
                                                from: Data(contentsOf: URL(fileURLWithPath: directory.path("expected.json"))))
        let report = try verify(directory.path)
        var refused = 0
        for (target, role) in expected.sorted(by: { $0.key < $1.key }) {
            let found = try PythonTUF.walk(directory.path, target: target)
            try #require(found.ok, "\(found)")
            let flagged = report.findings.filter {
                $0.severity == .error && $0.check == .delegation && $0.role == role && $0.detail.hasPrefix("target \(target) ")
            }
            #expect(flagged.isEmpty == (found.target_found == true), "\(target) in \(role): python-tuf found it: \(found.target_found ?? false); ours: \(flagged)")
            if found.target_found != true { refused += 1 }
        }
        // The repository has in- and out-of-path targets, hash-prefix ones and one cut off by `terminating`.
        #expect(refused == 5)
        #expect(!report.passed)
    }

    @Test("path patterns and hash prefixes match as python-tuf's DelegatedRole.is_delegated_path")
    func pathPatterns() throws {
        let patterns = ["*", "files/*", "*/*", "files/*.txt", "f?les/*", "[a-c]*/x", "[!a-c]*/x", "[]]x", "[!]]x", "[a-]x",
                        "[-a]x", "[z-a]x", "[!z-a]x", "[a-c-e]x", "[", "a[b", "[!]", "x/**/y", "**", "files/", "", "\\*",
                        "fi*es/*.t?t", "*.tar.gz", "[0-9][0-9]/*", "[^a]x", "é/*"]
        let paths = ["files/a.txt", "files/sub/a.txt", "a/x", "d/x", "]x", "bx", "-x", "cx", "ex", "[", "a[b", "ab", "x/a/y",
                     "x/y", "files/", "", "\\a", "\\*", "fines/a.tot", "pkg.tar.gz", "12/a", "^x", "é/a", "e\u{301}/a",
                     "A/x", "files", "/files/a.txt"]
        var cases: [(String, [String]?, [String]?)] = []
        for pattern in patterns { for path in paths { cases.append((path, [pattern], nil)) } }
        for path in paths {
            let hash = ByteEncoding.hex(SHA256.hash(data: Array(path.utf8)))
            cases.append((path, nil, [String(hash.prefix(3))]))
            cases.append((path, nil, [String(hash.prefix(3)).uppercased(), "ffff"]))
            cases.append((path, nil, []))
        }
        let input = cases.map { path, paths, prefixes -> JSONValue in
            .array([.string(path), paths.map { .array($0.map(JSONValue.string)) } ?? .null,
                    prefixes.map { .array($0.map(JSONValue.string)) } ?? .null])
        }
        let result = try ProcessRunner.run(try TestPaths.python, [PythonTUF.script, "match"],
                                           stdin: PrettyJSONEncoder.encode(.array(input)))
        try #require(result.status == 0, "\(result.output)")
        let verdicts = try JSONDecoder().decode([Bool].self, from: Data(result.stdout.utf8))
        try #require(verdicts.count == cases.count)
        var disagreements: [String] = []
        for ((path, paths, prefixes), theirs) in zip(cases, verdicts) {
            let role = DelegatedRole(name: "r", keyIDs: [], threshold: 1, terminating: false, paths: paths, pathHashPrefixes: prefixes)
            if role.delegates(path, dialect: .tuf) != theirs {
                disagreements.append("\(path) vs \(paths ?? prefixes ?? []): python-tuf \(theirs)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(verdicts.contains(true) && verdicts.contains(false))
    }

    @Test("root rotation scenarios written by python-tuf: our verdict and the version reached match its Updater's")
    func rotationScenarios() throws {
        let directory = try TemporaryDirectory("tuf-rotations")
        defer { directory.remove() }
        let make = try PythonTUF.run(["make-rotations", directory.path])
        try #require(make.status == 0, "\(make.output)")
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(scenarios.count >= 16)
        #expect(scenarios.contains("signed-by-leaving-keys-only") && scenarios.contains("version-skipped"))
        // python-tuf judges expiry at the real time, so we do too (the scenarios expire in 2020 or 2036).
        let options = VerificationOptions(dialect: .tuf, at: Date())
        for scenario in scenarios {
            let path = directory.path(scenario)
            let walk = try PythonTUF.walk(path)
            let report = try PathVerifier(options: options).verify(path: path)
            if scenario == "version-skipped" {
                // The client asks for 2.root.json, finds none, and never sees version 3: it stays on
                // version 1 without an error. verify sees the file a client would never accept, and says so.
                #expect(walk.ok && walk.root_version == 1, "\(walk.error ?? "")")
                #expect(report.findings.contains { $0.check == .version && $0.severity == .error }, "\(report.findings)")
            } else {
                #expect(walk.ok == report.passed, "\(scenario): python-tuf \(walk.error ?? "ok"); ours \(report.findings)")
            }
            let roots = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".root.json") }
                .map { MetadataFile(name: $0, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(path)/\($0)")))) }
            let chain = RootVerifier(options: options).verifyChain(roots)
            #expect(chain.newest.map { Int($0.version) } == walk.root_version, "\(scenario)")
        }
    }

    @Test("the checked-in python-tuf fixtures pass, and their tampered variants fail, in both tools",
          arguments: ["", "changed-byte", "removed-signature", "swapped-keyid", "version-skip", "missing-old-threshold"])
    func fixtures(_ tampering: String) throws {
        let path = TestPaths.path("fixtures/tuf/python-tuf" + (tampering.isEmpty ? "" : "/tampered/\(tampering)"))
        let walk = try PythonTUF.walk(path)
        let report = try verify(path)
        if tampering.isEmpty {
            #expect(walk.ok && walk.root_version == 3)
            #expect(report.passed, "\(report.findings)")
        } else {
            #expect(walk.root_version == 1)
            #expect(!report.passed)
        }
    }

    @Test("a root whose keys live on SoftHSM2 tokens loads in python-tuf (every algorithm)")
    func tokenSignedRoot() throws {
        let token = try SoftHSMToken.make()
        let algorithms: [KeyAlgorithm] = [.ecdsaP256, .ed25519, .ecdsaP384, .rsa3072]
        let signers = try algorithms.map { try token.generateSigner($0) }
        let online = try SoftwareSigner(generating: .ed25519)
        var root = RootMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires, keys: [:], roles: [:])
        let rootIDs = signers.map { root.addKey(.tuf($0.publicKey)) }
        root.roles["root"] = RoleKeys(keyIDs: rootIDs, threshold: Int64(signers.count))
        let onlineID = root.addKey(.tuf(online.publicKey))
        for role in ["targets", "snapshot", "timestamp"] { root.roles[role] = RoleKeys(keyIDs: [onlineID], threshold: 1) }
        var file = root.signedMetadata()
        for (signer, id) in zip(signers, rootIDs) { try file.sign(with: signer, keyID: id, dialect: .tuf) }

        let directory = try TemporaryDirectory("tuf-token")
        defer { directory.remove() }
        try directory.write(try file.fileBytes(dialect: .tuf), to: "1.root.json")
        let load = try PythonTUF.run(["load", directory.path("1.root.json")])
        #expect(load.status == 0, "\(load.output)")
        let report = try verify(directory.path("1.root.json"))
        #expect(report.passed, "\(report.findings)")
    }
}
