import Foundation
import Testing
import TestSupport
@testable import TrustMetadata

@Suite("Keys, times and Notary root certificates")
struct KeyTests {
    @Test("PEM, TUF JSON and Notary JSON imports agree on the key", arguments: [PublicKeyAlgorithm.ecdsaP256, .ecdsaP384, .ed25519, .rsa])
    func imports(_ algorithm: PublicKeyAlgorithm) throws {
        let signer = try SoftwareSigner(generating: algorithm)
        let material = signer.publicKey
        #expect(try PublicKeyMaterial(pem: material.pem) == material)
        let fromPEM = try MetadataKey.importKey(Array(material.pem.utf8), dialect: .tuf)
        #expect(fromPEM == MetadataKey.tuf(material))
        let tufJSON = PrettyJSONEncoder.encode(.object(MetadataKey.tuf(material).json))
        #expect(try MetadataKey.importKey(tufJSON, dialect: .tuf).material(dialect: .tuf) == material)
        let notaryJSON = try CanonicalJSONEncoder.encode(.object(MetadataKey.notary(material).json))
        let notaryKey = try MetadataKey.importKey(notaryJSON, dialect: .notary)
        #expect(try notaryKey.material(dialect: .notary) == material)
        #expect(notaryKey.keyID == MetadataKey.notary(material).keyID)
        #expect(throws: MetadataError.self) { try MetadataKey.importKey(tufJSON, dialect: .notary) }
    }

    /// securesystemslib dispatches on keytype and scheme together and then checks the material's
    /// type and curve; a key whose three parts disagree cannot verify anything there.
    @Test("a TUF key is refused unless keytype, scheme and material agree", arguments: [
        ("ecdsa", "rsassa-pss-sha256", PublicKeyAlgorithm.rsa),
        ("rsa", "ecdsa-sha2-nistp256", .ecdsaP256),
        ("ed25519", "ecdsa-sha2-nistp256", .ecdsaP256),
        ("ecdsa", "ecdsa-sha2-nistp256", .ecdsaP384),
        ("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp256", .ecdsaP256),
        ("ecdsa", "ed25519", .ed25519),
    ])
    func tufKeyTypeMismatch(_ keyType: String, _ scheme: String, _ algorithm: PublicKeyAlgorithm) throws {
        let material = try SoftwareSigner(generating: algorithm).publicKey
        let value = algorithm == .ed25519 ? ByteEncoding.hex(material.ed25519Raw ?? []) : material.pem
        let key = MetadataKey(json: ["keytype": .string(keyType), "scheme": .string(scheme), "keyval": ["public": .string(value)]])
        #expect(throws: KeyError.self) { try key.material(dialect: .tuf) }
    }

    @Test("the keytype/scheme pairs securesystemslib accepts, including the deprecated ECDSA keytypes", arguments: [
        ("ecdsa", "ecdsa-sha2-nistp256", PublicKeyAlgorithm.ecdsaP256),
        ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", .ecdsaP256),
        ("ecdsa", "ecdsa-sha2-nistp384", .ecdsaP384),
        ("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", .ecdsaP384),
        ("rsa", "rsassa-pss-sha256", .rsa),
    ])
    func tufKeyTypeMatch(_ keyType: String, _ scheme: String, _ algorithm: PublicKeyAlgorithm) throws {
        let material = try SoftwareSigner(generating: algorithm).publicKey
        let key = MetadataKey(json: ["keytype": .string(keyType), "scheme": .string(scheme), "keyval": ["public": .string(material.pem)]])
        #expect(try key.material(dialect: .tuf) == material)
    }

    @Test("key IDs hash the whole key object as python-tuf does")
    func keyIDs() throws {
        // A key from python-tuf's fixture: its listed ID must be our computed ID.
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.path("fixtures/tuf/python-tuf/1.root.json"))))
        let root = try RootMetadata(signed: try SignedMetadata(bytes: bytes).signed)
        for (id, key) in root.keys {
            #expect(key.keyID == id)
            _ = try key.material(dialect: .tuf)
        }
    }

    @Test("times keep their text and parse nanoseconds and offsets", arguments: [
        ("2036-11-22T12:09:56.374360486Z", Int64(2_110_968_596), Int32(374_360_486)),
        ("2030-01-01T00:00:00Z", 1_893_456_000, 0),
        ("2030-01-01T01:00:00+01:00", 1_893_456_000, 0),
        ("1969-12-31T23:59:59Z", -1, 0),
    ])
    func times(_ text: String, _ seconds: Int64, _ nanos: Int32) throws {
        let time = try #require(MetadataTime(text))
        #expect(time.text == text)
        #expect(time.secondsSinceEpoch == seconds)
        #expect(time.nanoseconds == nanos)
        #expect(MetadataTime(secondsSinceEpoch: seconds).secondsSinceEpoch == seconds)
    }

    @Test("malformed times are refused", arguments: ["", "2030-01-01", "2030-13-01T00:00:00Z", "2030-01-01T00:00:00", "2030-01-01T00:00:00.Z",
                                                     "2030-01-01T00:00:00Zjunk", "2030-01-01T00:00:00.1234567890123Z"])
    func badTimes(_ text: String) {
        if text == "2030-01-01T00:00:00.1234567890123Z" {
            #expect(MetadataTime(text)?.nanoseconds == 123_456_789)
        } else {
            #expect(MetadataTime(text) == nil)
        }
    }

    /// The same verdicts as python-tuf's `datetime.strptime` (checked with the .venv's python 3.11).
    @Test("impossible calendar dates and times are refused; real leap days are kept", arguments: [
        ("2030-02-31T00:00:00Z", false), ("2030-04-31T00:00:00Z", false), ("2030-02-29T00:00:00Z", false),
        ("2100-02-29T00:00:00Z", false), ("2030-01-01T00:00:60Z", false), ("2030-01-01T24:00:00Z", false),
        ("2030-01-01T00:60:00Z", false), ("2028-02-29T00:00:00Z", true), ("2000-02-29T00:00:00Z", true),
        ("2030-12-31T23:59:59Z", true), ("2030-01-31T00:00:00Z", true),
    ])
    func calendarDates(_ text: String, _ valid: Bool) {
        #expect((MetadataTime(text) != nil) == valid, "\(text)")
    }

    @Test("issued Notary root certificates are what notary trusts, and only for their GUN")
    func notaryCertificate() throws {
        let signer = try SoftwareSigner(generating: .ecdsaP256)
        let (pem, key) = try NotaryRootCertificate.issue(gun: "example.com/app", signer: signer)
        #expect(key.keyType == "ecdsa-x509")
        #expect(try key.material(dialect: .notary) == signer.publicKey)
        let certificate = try NotaryCertificateKey(pemBytes: Array(pem.utf8))
        #expect(certificate.problems(gun: "example.com/app", at: Date()).isEmpty)
        #expect(certificate.problems(gun: "example.com/other", at: Date()).count == 1)
        #expect(certificate.problems(gun: "example.com/app", at: Date().addingTimeInterval(11 * 365 * 86_400)).count == 1)
        // openssl, an independent parser, sees the same extensions.
        let directory = try TemporaryDirectory("cert")
        defer { directory.remove() }
        try directory.write(Array(pem.utf8), to: "root.crt")
        let text = try ProcessRunner.run("/usr/bin/openssl", ["x509", "-in", directory.path("root.crt"), "-noout", "-text"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("CA:FALSE"))
        #expect(text.stdout.contains("Code Signing"))
        #expect(text.stdout.contains("Digital Signature, Key Encipherment"))
        #expect(text.stdout.contains("CN=example.com/app") || text.stdout.contains("CN = example.com/app"))
        let check = try ProcessRunner.run("/usr/bin/openssl", ["verify", "-CAfile", directory.path("root.crt"), "-partial_chain", directory.path("root.crt")])
        #expect(check.status == 0, "\(check.output)")
        #expect(throws: MetadataError.self) { try NotaryRootCertificate.issue(gun: "g", signer: try SoftwareSigner(generating: .ed25519)) }
    }

    @Test("a CA certificate made by openssl is not a usable Notary root key")
    func caCertificateRejected() throws {
        let directory = try TemporaryDirectory("ca")
        defer { directory.remove() }
        let result = try ProcessRunner.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", directory.path("ca.key"), "-out", directory.path("ca.crt"), "-days", "3650",
            "-subj", "/CN=example.com\\/app", "-addext", "basicConstraints=critical,CA:TRUE",
        ])
        try #require(result.status == 0, "\(result.output)")
        let signer = try SoftwareSigner(privateKeyPEM: try String(contentsOfFile: directory.path("ca.key"), encoding: .utf8))
        let key = try MetadataKey.importKey(Array(try Data(contentsOf: URL(fileURLWithPath: directory.path("ca.crt")))), dialect: .notary)
        var root = RootMetadata(dialect: .notary, version: 1, expires: TestTimes.expires, keys: [:], roles: [:])
        let id = root.addKey(key)
        for role in RootMetadata.topLevelRoles { root.roles[role] = RoleKeys(keyIDs: [id], threshold: 1) }
        var file = root.signedMetadata()
        try file.sign(with: signer, keyID: id, dialect: .notary)
        let findings = RootVerifier(options: VerificationOptions(dialect: .notary, gun: "example.com/app"))
            .verifySelfSigned(MetadataFile(name: "root.json", bytes: try file.fileBytes(dialect: .notary))).findings
        #expect(findings.contains { $0.check == .certificate && $0.detail.contains("CA") }, "\(findings)")
        #expect(findings.contains { $0.check == .threshold })
    }
}
