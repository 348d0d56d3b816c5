import Foundation
import Testing
@testable import Ceremony

@Suite("Bad plans are rejected at file:line:column")
struct PlanParserTests {
    @Test("the valid base plan parses")
    func validBase() throws {
        let plan = try validPlan()
        #expect(plan.dialect == .tuf)
        #expect(plan.ceremony == .rootGeneration)
        #expect(plan.repositories == ["example"])
        #expect(plan.root?.threshold == 2)
        #expect(plan.root?.keys.map(\.name) == ["root-a", "root-b"])
        #expect(plan.root?.keys[0].token == .label("root-a"))
        #expect(plan.root?.keys[1].algorithm == .ed25519)
        #expect(plan.module == .alias(.softhsm))
        #expect(plan.expires == .duration(years: 1, months: 0, days: 0))
        #expect(plan.onlineKeys["targets"]?.path == "/tmp/keys/targets.pem")
        #expect(plan.witnesses == ["Wendy"])
        #expect(plan.warnings.isEmpty)
    }

    @Test("unknown top-level key")
    func unknownKey() {
        let yaml = validTUFPlan + "colour: blue\n"
        #expect(errorLines(yaml) == [
            "plan.yaml:25:1: unknown key 'colour' in the plan; expected one of 'version', 'ceremony', 'dialect', 'description', 'repositories', 'expires', 'module', 'module_parameters', 'witnesses', 'expiry_margin', 'root', 'targets', 'online_keys', 'backup'",
        ])
    }

    @Test("misspelt nested key is unknown, and the real one is missing")
    func misspeltThreshold() {
        let yaml = replacing("  threshold: 2", with: "  threshhold: 2", in: validTUFPlan)
        #expect(errorLines(yaml) == [
            "plan.yaml:10:3: unknown key 'threshhold' in root; expected one of 'threshold', 'keys'",
            "plan.yaml:10:3: root is missing 'threshold'; expected the number of root keys that must sign, at least 1",
        ])
    }

    @Test("wrong type: text where a number is expected")
    func wrongTypeThreshold() {
        let yaml = replacing("threshold: 2", with: "threshold: two", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:10:14: root threshold must be a whole number, found the text 'two'"])
    }

    @Test("wrong type: quoted number is text, not a number")
    func quotedVersion() {
        let yaml = replacing("version: 1", with: "version: \"1\"", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:1:10: version must be a whole number, found the text '1'"])
    }

    @Test("wrong type: text where a list is expected")
    func wrongTypeRepositories() {
        let yaml = replacing("repositories:\n  - example", with: "repositories: example", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:5:15: repositories must be a list, found the text 'example'"])
    }

    @Test("wrong type: list where text is expected, mapping where a list is expected")
    func wrongTypeOthers() {
        let module = replacing("module: softhsm", with: "module: [softhsm]", in: validTUFPlan)
        #expect(errorLines(module) == ["plan.yaml:8:9: module must be text, found a list"])
        let witnesses = replacing("witnesses: [Wendy]", with: "witnesses: {Wendy: yes}", in: validTUFPlan)
        #expect(errorLines(witnesses) == ["plan.yaml:24:12: witnesses must be a list, found a mapping"])
    }

    @Test("missing field")
    func missingDialect() {
        let yaml = replacing("dialect: tuf\n", with: "", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:1:1: the plan is missing 'dialect'; expected one of 'tuf', 'notary'"])
    }

    @Test("missing field inside a key")
    func missingAlgorithm() {
        let yaml = replacing("      algorithm: ed25519\n", with: "", in: validTUFPlan)
        #expect(errorLines(yaml) == [
            "plan.yaml:16:7: a root key is missing 'algorithm'; expected one of 'ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-3072', 'rsa-4096'",
        ])
    }

    @Test("field with no value")
    func emptyDescription() {
        let yaml = replacing("description: Test root", with: "description:", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:4:13: 'description' in the plan has no value; expected a sentence saying what the ceremony is for"])
    }

    @Test("threshold above the key count")
    func thresholdTooHigh() {
        let yaml = replacing("threshold: 2", with: "threshold: 3", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:10:14: root threshold is 3 but only 2 keys are listed; expected at most 2"])
    }

    @Test("threshold below one")
    func thresholdZero() {
        let yaml = replacing("threshold: 2", with: "threshold: 0", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:10:14: root threshold is 0; expected at least 1"])
    }

    @Test("duplicate token")
    func duplicateToken() {
        let yaml = replacing("token: { label: root-b }", with: "token: { label: root-a }", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:18:14: token 'root-a' is already used by key 'root-a'; each key needs its own token"])
    }

    @Test("duplicate holder")
    func duplicateHolder() {
        let yaml = replacing("holder: Bob", with: "holder: Alice", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:17:15: holder 'Alice' already holds a key (line 13); each holder holds one key, on one token"])
    }

    @Test("duplicate key name")
    func duplicateKeyName() {
        let yaml = replacing("- name: root-b", with: "- name: root-a", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:16:13: key name 'root-a' is already used at line 12; key names must be unique"])
    }

    @Test("a pin: key is refused wherever it is")
    func pinKey() {
        let yaml = replacing("      algorithm: ecdsa-p256\n", with: "      algorithm: ecdsa-p256\n      pin: 123456\n", in: validTUFPlan)
        let errors = errorLines(yaml)
        #expect(errors.contains("plan.yaml:16:7: 'pin' looks like a secret; plans and profiles must never hold PINs, passwords or other secrets (PINs are typed at the holder's step)"))
    }

    @Test("secret-looking keys: case, suffixes, nesting, inside backup", arguments: [
        ("user_pin", true), ("SO-PIN", true), ("userPin", true), ("Password", true), ("db_passphrase", true),
        ("client_secret", true), ("secrets", true), ("userpin", true), ("passwd", true),
        ("holder", false), ("label", false), ("pinned_by", false), ("description", false), ("spinner", false),
    ])
    func secretNames(name: String, secret: Bool) {
        #expect(SecretKeyScanner.looksSecret(name) == secret)
    }

    /// The TUF plan with Alice's ECDSA key marked for backup and a 2-of-3 backup section.
    static let backupPlan = replacing("      algorithm: ecdsa-p256\n", with: "      algorithm: ecdsa-p256\n      backup: true\n", in: validTUFPlan) + """
    backup:
      group_threshold: 1
      groups:
        - threshold: 2
          custodians: [Erin, Frank, Grace]
      drill:
        holder: Oscar
        token: { label: drill }

    """

    @Test("a backup section is read: groups, custodians, defaults, and the drill token as a token entry")
    func backupRead() throws {
        let plan = try validPlan(Self.backupPlan)
        let backup = try #require(plan.body.backup)
        #expect(backup.groupThreshold == 1 && backup.groups == [BackupPlan.Group(threshold: 2, custodians: ["Erin", "Frank", "Grace"])])
        #expect(backup.iterationExponent == 1 && !backup.passphrase && !backup.shareCards)
        #expect(plan.root?.keys.map(\.backup) == [true, false])
        #expect(plan.body.tokenKeys.last?.source == .recoveryDrill && plan.body.tokenKeys.last?.holder == "Oscar")
    }

    @Test("backup refusals are errors at their lines, in words", arguments: [
        // SLIP-39 refuses a 1-of-N group: any one custodian could recover alone.
        ("threshold: 2\n      custodians", "threshold: 1\n      custodians", "a 1-of-3 group lets any one custodian recover alone"),
        ("threshold: 2\n      custodians", "threshold: 4\n      custodians", "group threshold is 4 with 3 custodians"),
        ("group_threshold: 1", "group_threshold: 2", "group_threshold is 2 but there is 1 group"),
        ("custodians: [Erin, Frank, Grace]", "custodians: [Erin, Frank, Erin]", "'Erin' appears twice in custodians"),
        ("      backup: true\n", "", "no root key is marked 'backup: true'"),
        ("  drill:\n    holder: Oscar\n    token: { label: drill }\n", "", "backup is missing 'drill'"),
        ("group_threshold: 1", "group_threshold: 1\n  protection: sometimes", "protection 'sometimes' is not known"),
        ("group_threshold: 1", "group_threshold: 1\n  iteration_exponent: 9", "iteration_exponent is 9; expected 0 to 5"),
        ("group_threshold: 1", "group_threshold: 1\n  shares: []", "unknown key 'shares' in backup"),
    ])
    func backupRefused(old: String, new: String, message: String) {
        let errors = errorLines(replacing(old, with: new, in: Self.backupPlan))
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }

    @Test("an Ed25519 key cannot be backed up (tokens such as SoftHSM2 refuse to wrap it)")
    func ed25519NotBackedUp() {
        let yaml = replacing("      algorithm: ed25519\n", with: "      algorithm: ed25519\n      backup: true\n", in: Self.backupPlan)
        #expect(errorLines(yaml).contains { $0.hasPrefix("plan.yaml:20:") && $0.contains("is ed25519, which cannot be backed up") }, "\(errorLines(yaml))")
    }

    @Test("a secret inside the backup section is still refused, and a plan never names a passphrase")
    func secretInBackup() {
        let yaml = Self.backupPlan + "  extra:\n    Passphrase: hunter2\n"
        #expect(errorLines(yaml).contains("plan.yaml:35:5: 'Passphrase' looks like a secret; plans and profiles must never hold PINs, passwords or other secrets (PINs are typed at the holder's step)"), "\(errorLines(yaml))")
    }

    @Test("backup must be a mapping")
    func backupNotMapping() {
        let yaml = validTUFPlan + "backup: [a, b]\n"
        #expect(errorLines(yaml).contains("plan.yaml:25:9: backup must be a mapping of keys to values, found a list"))
    }

    @Test("bad expiry")
    func badExpiry() {
        let yaml = replacing("expires: 1y", with: "expires: next year", in: validTUFPlan)
        #expect(errorLines(yaml) == [
            "plan.yaml:7:10: expires 'next year' is neither an RFC 3339 time with seconds and zone (2031-01-01T00:00:00Z) nor a duration (90d, 52w, 5y, P1Y6M)",
        ])
    }

    @Test("expiry beyond 20 years is refused, with its location")
    func expiryTooFar() throws {
        let plan = try validPlan(replacing("expires: 1y", with: "expires: 21y", in: validTUFPlan))
        let now = RFC3339.parse("2026-11-25T12:00:00Z")!
        let finding = try #require(plan.expiryDiagnostic(at: now))
        #expect(finding.severity == .error)
        #expect(finding.description == "plan.yaml:7:10: expires 2047-11-25T12:00:00.000Z, more than 20 years after the ceremony; choose a shorter expiry")
    }

    @Test("expiry beyond 5 years warns, with its location")
    func expiryLong() throws {
        let plan = try validPlan(replacing("expires: 1y", with: "expires: P6Y", in: validTUFPlan))
        let now = RFC3339.parse("2026-11-25T12:00:00Z")!
        let finding = try #require(plan.expiryDiagnostic(at: now))
        #expect(finding.severity == .warning)
        #expect(finding.description.hasPrefix("plan.yaml:7:10: warning: expires 2032-11-25T12:00:00.000Z, more than 5 years after the ceremony"))
    }

    @Test("an expiry time already past is refused")
    func expiryPast() throws {
        let plan = try validPlan(replacing("expires: 1y", with: "expires: 2020-01-01T00:00:00Z", in: validTUFPlan))
        let finding = try #require(plan.expiryDiagnostic(at: RFC3339.parse("2026-11-25T12:00:00Z")!))
        #expect(finding.severity == .error)
        #expect(finding.line == 7 && finding.column == 10)
    }

    @Test("a key repeated in one mapping is reported where YAML finds it")
    func duplicateYAMLKey() {
        let yaml = replacing("dialect: tuf\n", with: "dialect: tuf\ndialect: notary\n", in: validTUFPlan)
        let errors = errorLines(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("duplicate key 'dialect'") == true)
        #expect(errors.first?.hasPrefix("plan.yaml:3:1:") == true)
    }

    @Test("YAML syntax errors carry a location")
    func syntaxError() {
        let yaml = replacing("  - example", with: "  - [example", in: validTUFPlan)
        let errors = errorLines(yaml)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("not valid YAML") == true)
        #expect(errors.first?.hasPrefix("plan.yaml:7:") == true)
    }

    @Test("a tuf plan names exactly one repository")
    func tufTwoRepositories() {
        let yaml = replacing("  - example", with: "  - example\n  - other", in: validTUFPlan)
        #expect(errorLines(yaml).contains { $0.hasPrefix("plan.yaml:6:3: a tuf plan names exactly one repository, found 2") })
    }

    @Test("a repository name cannot climb out of the bundle")
    func repositoryTraversal() {
        let yaml = replacing("  - example", with: "  - ../escape", in: validTUFPlan)
        #expect(errorLines(yaml).first?.hasPrefix("plan.yaml:6:5: repository '../escape' must be slash-separated parts") == true)
    }

    @Test("a token selector has exactly one of label, serial, uri")
    func selectorTwoKinds() {
        let yaml = replacing("token: { label: root-b }", with: "token: { label: root-b, serial: \"1234\" }", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:18:14: token must have exactly one of 'label', 'serial' or 'uri', found 'label' and 'serial'"])
    }

    @Test("a token uri must be a pkcs11: URI")
    func selectorBadURI() {
        let yaml = replacing("token: { label: root-b }", with: "token: { uri: \"https://x\" }", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:18:21: token uri must be a pkcs11: URI (RFC 7512) without spaces, such as 'pkcs11:token=root-a'"])
    }

    @Test("an unknown dialect lists the known ones")
    func unknownDialect() {
        let yaml = replacing("dialect: tuf", with: "dialect: x509", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:3:10: dialect 'x509' is not known; expected one of 'tuf', 'notary'"])
    }

    @Test("a ceremony name that is not a kind of its own says where that work is done")
    func elsewhereCeremony() {
        let yaml = replacing("ceremony: root-generation", with: "ceremony: backup", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:2:11: ceremony 'backup' is not a kind of its own: backups are made in a root-generation plan: mark root keys 'backup: true' and add a 'backup:' section (see ceremonies/README.md)"])
    }

    @Test("expiry_margin is an optional duration for the bundle's expiry calendar")
    func expiryMargin() throws {
        let good = replacing("witnesses: [Wendy]\n", with: "witnesses: [Wendy]\nexpiry_margin: 8w\n", in: validTUFPlan)
        #expect(try validPlan(good).expiryMargin?.text == "8w")
        #expect(try validPlan().expiryMargin == nil)
        let bad = replacing("witnesses: [Wendy]\n", with: "witnesses: [Wendy]\nexpiry_margin: 2031-01-01T00:00:00Z\n", in: validTUFPlan)
        #expect(errorLines(bad) == ["plan.yaml:25:16: expiry_margin '2031-01-01T00:00:00Z' is not a duration such as 60d, 8w, 1y or P3M"])
    }

    @Test("a relative module path is refused")
    func relativeModule() {
        let yaml = replacing("module: softhsm", with: "module: lib/softhsm2.so", in: validTUFPlan)
        #expect(errorLines(yaml) == ["plan.yaml:8:9: module 'lib/softhsm2.so' must be an absolute path to a PKCS#11 module or one of 'softhsm', 'p11-kit-proxy', 'opensc', 'tpm2', 'nss-softokn'"])
    }

    @Test("both dialects need all three online keys: root metadata lists a key for every top-level role")
    func onlineKeys() throws {
        let noSnapshot = replacing("  snapshot: keys/snapshot.pem\n", with: "", in: validTUFPlan)
        let missing = "plan.yaml:21:3: online_keys is missing 'snapshot'; expected a public key file for the snapshot role, relative to the plan"
        #expect(errorLines(noSnapshot) == [missing])
        let notary = replacing("algorithm: ed25519", with: "algorithm: ecdsa-p256",
                               in: replacing("dialect: tuf", with: "dialect: notary", in: noSnapshot))
        #expect(errorLines(notary) == [missing])
        let plan = try validPlan(validTUFPlan)
        #expect(plan.onlineKeys["timestamp"]?.path == "/tmp/keys/timestamp.pem")
    }

    @Test("Notary root keys must be ECDSA P-256, refused at plan time rather than after keys exist")
    func notaryAlgorithms() {
        // The example has one ECDSA P-256 key and one Ed25519 key: only the Ed25519 one is refused, at its line.
        let notary = replacing("dialect: tuf", with: "dialect: notary", in: validTUFPlan)
        #expect(errorLines(notary) == ["plan.yaml:19:18: Notary root keys must be ecdsa-p256, not ed25519: notary's clients accept only ECDSA P-256 root certificates signed with SHA-256"])
        #expect(errorLines(replacing("algorithm: ed25519", with: "algorithm: ecdsa-p256", in: notary)).isEmpty)
        #expect(errorLines(replacing("algorithm: ecdsa-p256", with: "algorithm: ed25519", in: validTUFPlan)).isEmpty)
    }

    @Test("many problems are all reported at once, in document order")
    func manyProblems() {
        var yaml = replacing("threshold: 2", with: "threshold: 5", in: validTUFPlan)
        yaml = replacing("dialect: tuf", with: "dialect: 7", in: yaml)
        yaml += "extra: true\n"
        let lines = errorLines(yaml).map { $0.split(separator: ":").prefix(3).joined(separator: ":") }
        #expect(lines == ["plan.yaml:3:10", "plan.yaml:10:14", "plan.yaml:25:1"])
    }

    @Test("malformed input never crashes", arguments: [
        "", "---\n", "[]", "just text", "version: [1, 2]", "root: {keys: 7}", "\u{0}\u{1}",
        "root:\n  keys:\n    - 1\n    - [a]\n    - {name: {x: y}}\n", "? [a, b]\n: c\n", "a: &x 1\nb: *x\n",
        "version: 99999999999999999999999\n", "expires: P999999999Y\n",
    ])
    func malformed(yaml: String) {
        #expect(!errorLines(yaml).isEmpty)
    }

    @Test("no witnesses is a warning")
    func noWitnesses() {
        let yaml = replacing("witnesses: [Wendy]\n", with: "witnesses: []\n", in: validTUFPlan)
        let found = diagnostics(yaml)
        #expect(found.count == 1)
        #expect(found.first?.severity == .warning)
    }
}
