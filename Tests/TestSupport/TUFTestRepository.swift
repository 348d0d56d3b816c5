import Crypto
import Foundation
import TrustMetadata

/// A TUF repository written entirely by this project: root chain 1→2→3 with rotated
/// root keys of every supported algorithm, targets with a delegation, snapshot and
/// timestamp, laid out with consistent-snapshot names as python-tuf's client fetches them.
public struct TUFTestRepository {
    public let a: SoftwareSigner  // P-256
    public let b: SoftwareSigner  // Ed25519
    public let c: SoftwareSigner  // P-384
    public let d: SoftwareSigner  // RSA 3072
    public let online: [String: SoftwareSigner]
    public let delegate: SoftwareSigner
    public private(set) var roots: [SignedMetadata] = []
    public private(set) var files: [String: [UInt8]] = [:]

    public static let delegatedTarget = "releases/app-1.0.tar.gz"

    public init() throws {
        a = try SoftwareSigner(generating: .ecdsaP256)
        b = try SoftwareSigner(generating: .ed25519)
        c = try SoftwareSigner(generating: .ecdsaP384)
        d = try SoftwareSigner(generating: .rsa)
        online = [
            "targets": try SoftwareSigner(generating: .ecdsaP256),
            "snapshot": try SoftwareSigner(generating: .ed25519),
            "timestamp": try SoftwareSigner(generating: .ed25519),
        ]
        delegate = try SoftwareSigner(generating: .ecdsaP256)

        // v1: root {a, b} threshold 2. v2: root {b, c} threshold 2. v3: root {c, d} threshold 1.
        let v1 = try root(version: 1, rootSigners: [a, b], threshold: 2)
        var s1 = v1.signedMetadata()
        try s1.sign(all: [a, b], dialect: .tuf)
        let v2 = try root(version: 2, rootSigners: [b, c], threshold: 2)
        var s2 = v2.signedMetadata()
        try s2.sign(all: [a, b, c], dialect: .tuf)
        let v3 = try root(version: 3, rootSigners: [c, d], threshold: 1)
        var s3 = v3.signedMetadata()
        try s3.sign(all: [b, c, d], dialect: .tuf)
        roots = [s1, s2, s3]
        for (i, root) in roots.enumerated() {
            files["\(i + 1).root.json"] = try root.fileBytes(dialect: .tuf)
        }
        try writeTopLevel()
    }

    /// A root listing the online keys and the given root keys.
    public func root(version: Int64, rootSigners: [SoftwareSigner], threshold: Int64) throws -> RootMetadata {
        var root = RootMetadata(dialect: .tuf, version: version, expires: TestTimes.expires, keys: [:], roles: [:])
        let rootIDs = rootSigners.map { root.addKey(.tuf($0.publicKey)) }
        root.roles["root"] = RoleKeys(keyIDs: rootIDs, threshold: threshold)
        for (role, signer) in online {
            root.roles[role] = RoleKeys(keyIDs: [root.addKey(.tuf(signer.publicKey))], threshold: 1)
        }
        return root
    }

    private mutating func writeTopLevel() throws {
        let payload = Array("app 1.0\n".utf8)
        let delegatedKey = MetadataKey.tuf(delegate.publicKey)
        let delegation = DelegatedRole(name: "releases", keyIDs: [delegatedKey.keyID], threshold: 1,
                                       terminating: true, paths: ["releases/*"])
        var targets = TargetsMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires,
                                      delegations: Delegations(keys: [delegatedKey.keyID: delegatedKey], roles: [delegation]))
        targets.targets["README"] = Self.targetEntry(Array("readme\n".utf8))
        var targetsFile = targets.signedMetadata()
        try targetsFile.sign(all: [online["targets"]!], dialect: .tuf)
        files["1.targets.json"] = try targetsFile.fileBytes(dialect: .tuf)

        var releases = TargetsMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires)
        releases.targets[Self.delegatedTarget] = Self.targetEntry(payload)
        var releasesFile = releases.signedMetadata()
        try releasesFile.sign(all: [delegate], dialect: .tuf)
        files["1.releases.json"] = try releasesFile.fileBytes(dialect: .tuf)

        var snapshot = SignedMetadata(signed: [
            "_type": "snapshot", "spec_version": .string(RootMetadata.tufSpecVersion), "version": 1,
            "expires": .string(TestTimes.expires.text),
            "meta": ["targets.json": ["version": 1], "releases.json": ["version": 1]],
        ])
        try snapshot.sign(all: [online["snapshot"]!], dialect: .tuf)
        files["1.snapshot.json"] = try snapshot.fileBytes(dialect: .tuf)

        var timestamp = SignedMetadata(signed: [
            "_type": "timestamp", "spec_version": .string(RootMetadata.tufSpecVersion), "version": 1,
            "expires": .string(TestTimes.expires.text),
            "meta": ["snapshot.json": ["version": 1]],
        ])
        try timestamp.sign(all: [online["timestamp"]!], dialect: .tuf)
        files["timestamp.json"] = try timestamp.fileBytes(dialect: .tuf)
    }

    public static func targetEntry(_ bytes: [UInt8]) -> JSONValue {
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return ["length": .integer(Int64(bytes.count)), "hashes": ["sha256": .string(digest)]]
    }

    /// Writes the repository (optionally with replaced or removed files) into `directory`.
    public func write(to directory: TemporaryDirectory, replacing overrides: [String: [UInt8]?] = [:]) throws {
        var all = files.mapValues { Optional($0) }
        for (name, bytes) in overrides { all[name] = bytes }
        for (name, bytes) in all {
            if let bytes { try directory.write(bytes, to: name) }
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}
