import Crypto
import Foundation
import Testing
import TestSupport
@testable import TrustMetadata

/// The verifier's rules, one at a time, on metadata built here with software keys.
@Suite("Verification rules")
struct VerifierTests {
    static let at = MetadataTime("2030-01-01T00:00:00Z")!.date
    let verifier = RootVerifier(options: VerificationOptions(dialect: .tuf, at: VerifierTests.at))

    /// A TUF root with `count` Ed25519 root keys and the given threshold, plus one online key.
    static func root(version: Int64 = 1, rootSigners: [SoftwareSigner], threshold: Int64,
                     expires: MetadataTime = TestTimes.expires) throws -> RootMetadata {
        var root = RootMetadata(dialect: .tuf, version: version, expires: expires, keys: [:], roles: [:])
        root.roles["root"] = RoleKeys(keyIDs: rootSigners.map { root.addKey(.tuf($0.publicKey)) }, threshold: threshold)
        let online = MetadataKey.tuf(try PublicKeyMaterial(ed25519Raw: Array(repeating: 7, count: 32)))
        let onlineID = root.addKey(online)
        for role in ["targets", "snapshot", "timestamp"] { root.roles[role] = RoleKeys(keyIDs: [onlineID], threshold: 1) }
        return root
    }

    private func file(_ metadata: SignedMetadata, _ name: String = "root.json") throws -> MetadataFile {
        MetadataFile(name: name, bytes: try metadata.fileBytes(dialect: .tuf))
    }

    private func errors(_ findings: [Finding]) -> [Finding] { findings.filter { $0.severity == .error } }

    @Test("a repeated signature counts once; in TUF it makes the file unusable, as in python-tuf")
    func repeatedSignature() throws {
        let signers = try (0..<2).map { _ in try SoftwareSigner(generating: .ed25519) }
        var metadata = try Self.root(rootSigners: signers, threshold: 2).signedMetadata()
        try metadata.sign(all: [signers[0]], dialect: .tuf)
        let message = try metadata.canonicalSignedBytes()
        let root = try RootMetadata(signed: metadata.signed)
        var findings: [Finding] = []
        let ring = RootVerifier(options: verifier.options).ring(for: root, file: "r", findings: &findings)
        let twice = metadata.signatures + metadata.signatures
        #expect(SignatureCounter.count(twice, message: message, role: "root", roleKeys: root.roles["root"]!, ring: ring,
                                       dialect: .tuf, file: "r", findings: &findings) == 1)
        try metadata.sign(all: [signers[0], signers[1]], dialect: .tuf)
        let duplicated = errors(verifier.verifySelfSigned(try file(metadata)).findings)
        #expect(duplicated.map(\.check) == [.signature], "\(duplicated)")
        metadata.signatures.remove(at: 1)
        #expect(errors(verifier.verifySelfSigned(try file(metadata)).findings).isEmpty)
    }

    @Test("one key listed under two key IDs counts once")
    func sameKeyTwoIDs() throws {
        let signer = try SoftwareSigner(generating: .ecdsaP256)
        var root = try Self.root(rootSigners: [signer], threshold: 2)
        // The same key again with an extra field, hence another key ID.
        var json = MetadataKey.tuf(signer.publicKey).json
        json["x-note"] = "duplicate"
        let second = root.addKey(MetadataKey(json: json))
        root.roles["root"]!.keyIDs.append(second)
        var metadata = root.signedMetadata()
        try metadata.sign(with: signer, keyID: root.roles["root"]!.keyIDs[0], dialect: .tuf)
        try metadata.sign(with: signer, keyID: second, dialect: .tuf)
        let findings = errors(verifier.verifySelfSigned(try file(metadata)).findings)
        #expect(findings.contains { $0.check == .threshold })
        #expect(findings.contains { $0.check == .role && $0.detail.contains("distinct") })
    }

    @Test("signatures by key IDs the role does not list are ignored")
    func unknownKeyIDs() throws {
        let signer = try SoftwareSigner(generating: .ed25519)
        let stranger = try SoftwareSigner(generating: .ed25519)
        var metadata = try Self.root(rootSigners: [signer], threshold: 1).signedMetadata()
        try metadata.sign(all: [stranger, signer], dialect: .tuf)
        metadata.signatures.append(MetadataSignature(keyID: "00", value: "zz"))
        #expect(verifier.verifySelfSigned(try file(metadata)).findings.isEmpty)
    }

    @Test("a key listed under an ID that is not its hash is a finding and does not count")
    func keyIDMismatch() throws {
        let signer = try SoftwareSigner(generating: .ecdsaP256)
        var root = try Self.root(rootSigners: [signer], threshold: 1)
        let real = root.roles["root"]!.keyIDs[0]
        let fake = String(repeating: "ab", count: 32)
        root.keys[fake] = root.keys.removeValue(forKey: real)
        root.roles["root"]!.keyIDs = [fake]
        var metadata = root.signedMetadata()
        try metadata.sign(with: signer, keyID: fake, dialect: .tuf)
        let findings = errors(verifier.verifySelfSigned(try file(metadata)).findings)
        #expect(findings.contains { $0.check == .keyID && $0.keyID == fake })
        #expect(findings.contains { $0.check == .threshold })
    }

    @Test("expiry is checked at the given time")
    func expiry() throws {
        let signer = try SoftwareSigner(generating: .ed25519)
        var metadata = try Self.root(rootSigners: [signer], threshold: 1, expires: MetadataTime("2029-12-31T23:59:59Z")!).signedMetadata()
        try metadata.sign(all: [signer], dialect: .tuf)
        #expect(verifier.verifySelfSigned(try file(metadata)).findings.contains { $0.check == .expiry })
        let earlier = RootVerifier(options: VerificationOptions(dialect: .tuf, at: MetadataTime("2029-06-01T00:00:00Z")!.date))
        #expect(earlier.verifySelfSigned(try file(metadata)).findings.isEmpty)
    }

    @Test("a rotation needs both thresholds and exactly the next version")
    func rotation() throws {
        let old = try SoftwareSigner(generating: .ed25519)
        let new = try SoftwareSigner(generating: .ecdsaP256)
        let v1 = try Self.root(rootSigners: [old], threshold: 1)
        var v1File = v1.signedMetadata()
        try v1File.sign(all: [old], dialect: .tuf)
        for (version, signers, expected) in [(Int64(2), [old, new], nil as Finding.Check?), (2, [new], .threshold),
                                             (2, [old], .threshold), (3, [old, new], .version), (1, [old, new], .version)] {
            var v2 = try Self.root(version: version, rootSigners: [new], threshold: 1).signedMetadata()
            try v2.sign(all: signers, dialect: .tuf)
            let findings = errors(verifier.verifyChain([try file(v1File, "1.root.json"), try file(v2, "2.root.json")]).findings)
            if let expected {
                #expect(findings.contains { $0.check == expected }, "v\(version) signed by \(signers.count): \(findings)")
            } else {
                #expect(findings.isEmpty, "\(findings)")
            }
        }
    }

    /// notary's ECDSAVerifier hashes with SHA-256 on every curve; TUF (securesystemslib) uses
    /// SHA-384 on P-384. The same P-384 key must be checked differently in each dialect.
    @Test("Notary ECDSA P-384 signatures are over SHA-256, as notary checks them; TUF P-384 stays SHA-384")
    func notaryP384HashesWithSHA256() throws {
        let key = P384.Signing.PrivateKey()
        let material = try PublicKeyMaterial(spki: Array(key.publicKey.derRepresentation))
        let message = Array("{\"signed\":1}".utf8)
        let overSHA256 = Array(try key.signature(for: SHA256.hash(data: message)).rawRepresentation)
        let overSHA384 = Array(try key.signature(for: SHA384.hash(data: message)).rawRepresentation)
        func notary(_ raw: [UInt8]) -> String? {
            SignatureCounter.problem(with: MetadataSignature(keyID: "k", value: Data(raw).base64EncodedString(), method: "ecdsa"),
                                     material: material, scheme: nil, message: message, dialect: .notary)
        }
        #expect(notary(overSHA256) == nil)
        #expect(notary(overSHA384) == "signature does not verify")
        func tuf(_ raw: [UInt8]) throws -> String? {
            let der = try P384.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation
            return SignatureCounter.problem(with: MetadataSignature(keyID: "k", value: ByteEncoding.hex(der)),
                                            material: material, scheme: .ecdsaSHA2NISTP384, message: message, dialect: .tuf)
        }
        #expect(try tuf(overSHA384) == nil)
        #expect(try tuf(overSHA256) == "signature does not verify")
        // The method is the one SignatureMaker writes.
        let p256 = try SoftwareSigner(generating: .ecdsaP256)
        let made = try SignatureMaker.signature(over: message, with: p256, keyID: "k", dialect: .notary)
        #expect(made.method == "ecdsa")
        #expect(SignatureCounter.problem(with: made, material: p256.publicKey, scheme: nil, message: message, dialect: .notary) == nil)
    }

    @Test("a root chain of 1,000 versions verifies in one linear pass")
    func longChain() throws {
        let signers = try (0..<2).map { _ in try SoftwareSigner(generating: .ed25519) }
        var files: [MetadataFile] = []
        for version in 1...1_000 {
            // Alternate the key set so every step is a real rotation.
            let current = signers[version % 2]
            let previous = signers[(version + 1) % 2]
            var metadata = try Self.root(version: Int64(version), rootSigners: [current], threshold: 1).signedMetadata()
            try metadata.sign(all: version == 1 ? [current] : [previous, current], dialect: .tuf)
            files.append(try file(metadata, "\(version).root.json"))
        }
        let result = verifier.verifyChain(files.reversed())
        #expect(errors(result.findings).isEmpty, "\(result.findings.prefix(3))")
        #expect(result.newest?.version == 1_000)
    }

    @Test("roots that repeat their keys and roles share parsing and a key ring, yet each is reported under its own name")
    func repeatedKeySets() throws {
        let signer = try SoftwareSigner(generating: .ed25519)
        let stranger = try SoftwareSigner(generating: .ed25519)
        func chain(strayKey: Bool, lastSigner: SoftwareSigner) throws -> [MetadataFile] {
            try (1...4).map { version in
                var root = try Self.root(version: Int64(version), rootSigners: [signer], threshold: 1)
                // A key no role lists, under an ID it does not hash to: a notice for every root.
                if strayKey { root.keys[String(repeating: "cd", count: 32)] = .tuf(stranger.publicKey) }
                var metadata = root.signedMetadata()
                try metadata.sign(all: [version == 4 ? lastSigner : signer], dialect: .tuf)
                return try file(metadata, "\(version).root.json")
            }
        }
        let stray = verifier.verifyChain(try chain(strayKey: true, lastSigner: signer)).findings
        #expect(errors(stray).isEmpty, "\(stray)")
        #expect(Set(stray.filter { $0.check == .keyID }.map(\.file)) == ["1.root.json", "2.root.json", "3.root.json", "4.root.json"])
        // A shared ring still counts each root's own signatures.
        let forged = errors(verifier.verifyChain(try chain(strayKey: false, lastSigner: stranger)).findings)
        #expect(forged.contains { $0.file == "4.root.json" && $0.check == .threshold }, "\(forged)")
        #expect(!forged.contains { $0.file != "4.root.json" })
    }

    @Test("a targets file with 100,000 targets verifies, and a bad entry among them is found")
    func largeTargets() throws {
        let rootSigner = try SoftwareSigner(generating: .ed25519)
        let targetsSigner = try SoftwareSigner(generating: .ecdsaP256)
        var root = try Self.root(rootSigners: [rootSigner], threshold: 1)
        root.roles["targets"] = RoleKeys(keyIDs: [root.addKey(.tuf(targetsSigner.publicKey))], threshold: 1)
        var entries: [(String, JSONValue)] = []
        entries.reserveCapacity(100_000)
        let hash = JSONValue.string(String(repeating: "0f", count: 32))
        for i in 0..<100_000 {
            entries.append(("packages/p\(i).tar.gz", .object(["length": .integer(Int64(i)), "hashes": .object(["sha256": hash])])))
        }
        entries[54_321].1 = .object(["length": .integer(-1), "hashes": .object(["sha256": hash])])
        var targets = TargetsMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires, targets: JSONObject(entries))
        targets.version = 1
        var file = targets.signedMetadata()
        try file.sign(with: targetsSigner, keyID: MetadataKey.tuf(targetsSigner.publicKey).keyID, dialect: .tuf)
        let bytes = try file.fileBytes(dialect: .tuf)
        let findings = TargetsVerifier(options: VerificationOptions(dialect: .tuf, at: Self.at))
            .verify(MetadataFile(name: "targets.json", bytes: bytes), root: root)
        #expect(errors(findings).map(\.detail) == ["target packages/p54321.tar.gz: length is not a non-negative integer"])
    }

    @Test("delegation rules: names, paths, terminating, thresholds")
    func delegations() throws {
        let key = MetadataKey.tuf(try SoftwareSigner(generating: .ed25519).publicKey)
        let id = key.keyID
        func check(_ roles: [DelegatedRole], dialect: Dialect = .tuf, delegator: String = "targets") -> [String] {
            var findings: [Finding] = []
            let dialectKey = dialect == .tuf ? key : MetadataKey.notary(try! key.material(dialect: .tuf))
            let ring = KeyRing(keys: [dialectKey.keyID: dialectKey], dialect: dialect, keyIDsInUse: [], file: "t", role: nil,
                               gun: nil, at: Self.at, findings: &findings)
            let fixed = roles.map { role -> DelegatedRole in
                var role = role
                role.keyIDs = role.keyIDs.map { $0 == id ? dialectKey.keyID : $0 }
                return role
            }
            DelegationRules.check(Delegations(keys: [dialectKey.keyID: dialectKey], roles: fixed), delegator: delegator,
                                  dialect: dialect, ring: ring, file: "t", findings: &findings)
            return findings.map(\.detail)
        }
        let good = DelegatedRole(name: "releases", keyIDs: [id], threshold: 1, terminating: false, paths: ["r/*"])
        #expect(check([good]).isEmpty)
        var both = good
        both.pathHashPrefixes = ["ab"]
        #expect(check([both]) == ["paths and path_hash_prefixes cannot both be set"])
        var neither = good
        neither.paths = nil
        #expect(check([neither]) == ["one of paths or path_hash_prefixes must be set"])
        var badPrefix = neither
        badPrefix.pathHashPrefixes = ["xy"]
        #expect(check([badPrefix]) == ["path hash prefix \"xy\" is not hex"])
        var noTerminating = good
        noTerminating.terminating = nil
        #expect(check([noTerminating]) == ["terminating is missing"])
        var tooHigh = good
        tooHigh.threshold = 2
        #expect(check([tooHigh]).contains { $0.contains("exceeds") })
        var topLevel = good
        topLevel.name = "snapshot"
        #expect(check([topLevel]).contains { $0.contains("top-level") })
        #expect(check([good, good]).contains("role name is delegated twice"))
        var unknownKey = good
        unknownKey.keyIDs = ["feed"]
        #expect(check([unknownKey]).contains("key ID is not among the keys"))

        let notary = DelegatedRole(name: "targets/releases", keyIDs: [id], threshold: 1, terminating: nil, paths: [""])
        #expect(check([notary], dialect: .notary).isEmpty)
        var notaryBadName = notary
        notaryBadName.name = "releases"
        #expect(check([notaryBadName], dialect: .notary).contains { $0.contains("targets/<name>") })
        var notaryDeep = notary
        notaryDeep.name = "targets/a/b"
        #expect(check([notaryDeep], dialect: .notary).contains { $0.contains("directly below") })
        var dotDot = notary
        dotDot.name = "targets/../x"
        #expect(check([dotDot], dialect: .notary).contains { $0.contains("..") })
    }

    /// Targets metadata in `dialect` listing `paths`, delegating `delegations` to `delegate`, signed by `signer`.
    private static func targetsFile(_ dialect: Dialect, name: String, listing paths: [String], delegating delegations: [DelegatedRole] = [],
                                    to delegate: SoftwareSigner? = nil, signer: SoftwareSigner) throws -> MetadataFile {
        var keys: [String: MetadataKey] = [:]
        if let delegate { keys[MetadataKey.make(delegate.publicKey, dialect: dialect).keyID] = .make(delegate.publicKey, dialect: dialect) }
        var targets = TargetsMetadata(dialect: dialect, version: 1, expires: TestTimes.expires,
                                      delegations: Delegations(keys: keys, roles: delegations))
        for path in paths { targets.targets[path] = TUFTestRepository.targetEntry(Array(path.utf8)) }
        if dialect == .notary {
            // Notary hashes are base64.
            for path in paths { targets.targets[path] = ["length": 1, "hashes": ["sha256": .string(Data(SHA256.hash(data: Array(path.utf8))).base64EncodedString())]] }
        }
        var file = targets.signedMetadata()
        try file.sign(all: [signer], dialect: dialect)
        return MetadataFile(name: name, bytes: try file.fileBytes(dialect: dialect))
    }

    @Test("a delegated target outside its role's paths is an error: TUF narrows along the chain, Notary restricts prefixes", arguments: [Dialect.tuf, .notary])
    func delegatedTargetPaths(_ dialect: Dialect) throws {
        let top = try SoftwareSigner(generating: .ecdsaP256)
        let outer = try SoftwareSigner(generating: .ecdsaP256)
        let inner = try SoftwareSigner(generating: .ecdsaP256)
        func keyID(_ signer: SoftwareSigner) -> String { MetadataKey.make(signer.publicKey, dialect: dialect).keyID }
        var root = RootMetadata(dialect: dialect, version: 1, expires: TestTimes.expires, keys: [:], roles: [:])
        root.roles["targets"] = RoleKeys(keyIDs: [root.addKey(.make(top.publicKey, dialect: dialect))], threshold: 1)
        let outerName = dialect == .tuf ? "outer" : "targets/outer"
        let innerName = dialect == .tuf ? "inner" : "targets/outer/inner"
        // outer may sign for a/…; inner is delegated more than outer has, which only counts within a/.
        let outerPaths = dialect == .tuf ? ["a/*", "a/*/*"] : ["a/"]
        let innerPaths = dialect == .tuf ? ["*/x/*", "b/*"] : ["a/x/", "b/"]
        let terminating: Bool? = dialect == .tuf ? false : nil
        let targets = try Self.targetsFile(dialect, name: "targets.json", listing: ["anything/at/all"],
            delegating: [DelegatedRole(name: outerName, keyIDs: [keyID(outer)], threshold: 1, terminating: terminating, paths: outerPaths)],
            to: outer, signer: top)
        let outerFile = try Self.targetsFile(dialect, name: "outer.json", listing: ["a/1", "b/1"],
            delegating: [DelegatedRole(name: innerName, keyIDs: [keyID(inner)], threshold: 1, terminating: terminating, paths: innerPaths)],
            to: inner, signer: outer)
        let innerFile = try Self.targetsFile(dialect, name: "inner.json", listing: ["a/x/1", "b/2", "a/y/1"], signer: inner)
        let findings = TargetsVerifier(options: VerificationOptions(dialect: dialect, at: Self.at))
            .verify(targets, root: root, delegated: [outerName: outerFile, innerName: innerFile])
        let flagged = Set(errors(findings).filter { $0.check == .delegation }.map { "\($0.role ?? "") \($0.detail.split(separator: " ")[1])" })
        #expect(flagged == ["\(outerName) b/1", "\(innerName) b/2", "\(innerName) a/y/1"], "\(findings)")
        #expect(errors(findings).count == 3, "\(findings)")
    }

    @Test("a target cut off by an earlier terminating delegation is an error; without terminating it is reachable")
    func terminatingCutsOff() throws {
        let top = try SoftwareSigner(generating: .ed25519)
        let first = try SoftwareSigner(generating: .ed25519)
        let second = try SoftwareSigner(generating: .ed25519)
        var root = RootMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires, keys: [:], roles: [:])
        root.roles["targets"] = RoleKeys(keyIDs: [root.addKey(.tuf(top.publicKey))], threshold: 1)
        for terminating in [true, false] {
            var targets = TargetsMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires, delegations: Delegations(
                keys: [MetadataKey.tuf(first.publicKey).keyID: .tuf(first.publicKey), MetadataKey.tuf(second.publicKey).keyID: .tuf(second.publicKey)],
                roles: [DelegatedRole(name: "first", keyIDs: [MetadataKey.tuf(first.publicKey).keyID], threshold: 1, terminating: terminating, paths: ["a/*"]),
                        DelegatedRole(name: "second", keyIDs: [MetadataKey.tuf(second.publicKey).keyID], threshold: 1, terminating: false, paths: ["*/*"])]))
            targets.targets["top"] = TUFTestRepository.targetEntry([1])
            var file = targets.signedMetadata()
            try file.sign(all: [top], dialect: .tuf)
            let firstFile = try Self.targetsFile(.tuf, name: "first.json", listing: ["a/1"], signer: first)
            let secondFile = try Self.targetsFile(.tuf, name: "second.json", listing: ["a/2", "b/2"], signer: second)
            let findings = TargetsVerifier(options: VerificationOptions(dialect: .tuf, at: Self.at))
                .verify(MetadataFile(name: "targets.json", bytes: try file.fileBytes(dialect: .tuf)), root: root,
                        delegated: ["first": firstFile, "second": secondFile])
            if terminating {
                #expect(errors(findings).map(\.detail) == ["target a/2 is never reached in second: python-tuf's search for it stops at a terminating delegation (or after 32 roles) first"], "\(findings)")
            } else {
                #expect(errors(findings).isEmpty, "\(findings)")
            }
        }
    }

    @Test("Notary targets without delegations are refused, as notary-server's re-encoding would break clients")
    func notaryTargetsNeedDelegations() throws {
        var targets = TargetsMetadata(dialect: .notary, version: 1, expires: TestTimes.expires)
        #expect(targets.delegations == Delegations(keys: [:], roles: []))
        var findings: [Finding] = []
        let verifier = TargetsVerifier(options: VerificationOptions(dialect: .notary, at: Self.at))
        verifier.check(targets, role: "targets", file: "targets.json", findings: &findings)
        #expect(findings.isEmpty)
        targets.delegations = nil
        verifier.check(targets, role: "targets", file: "targets.json", findings: &findings)
        #expect(findings.map(\.check) == [.malformed])
    }

    @Test("a bundle marked as a rehearsal is reported, and its roots are verified")
    func rehearsalBundle() throws {
        let bundle = try TemporaryDirectory("bundle")
        defer { bundle.remove() }
        let signer = try SoftwareSigner(generating: .ed25519)
        var metadata = try Self.root(rootSigners: [signer], threshold: 1).signedMetadata()
        try metadata.sign(all: [signer], dialect: .tuf)
        try bundle.write(Array(#"{"rehearsal": true, "ceremony": "test"}"#.utf8), to: "public/manifest.json")
        try bundle.write(try metadata.fileBytes(dialect: .tuf), to: "public/metadata/repo-a/1.root.json")
        try bundle.write(try metadata.fileBytes(dialect: .tuf), to: "public/metadata/repo-b/1.root.json")
        let report = try PathVerifier(options: VerificationOptions(at: Self.at)).verify(path: bundle.path)
        #expect(report.rehearsal)
        #expect(report.passed)
        #expect(report.files.count == 2)
        #expect(report.findings.contains { $0.check == .rehearsal && $0.severity == .notice })
    }

    @Test("malformed files are findings with the byte offset, not crashes")
    func malformedFile() throws {
        let directory = try TemporaryDirectory("malformed")
        defer { directory.remove() }
        try directory.write(Array(#"{"signed": {"_type": "root",}, "signatures": []}"#.utf8), to: "1.root.json")
        let report = try PathVerifier(options: VerificationOptions(at: Self.at)).verify(path: directory.path)
        #expect(!report.passed)
        #expect(report.findings.contains { $0.check == .malformed && $0.detail.contains("byte 28") }, "\(report.findings)")
        #expect(throws: PathVerifier.InputError.self) { try PathVerifier(options: VerificationOptions()).verify(path: directory.path("missing")) }
    }
}
