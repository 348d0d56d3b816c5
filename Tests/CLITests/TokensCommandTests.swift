import Foundation
import Testing
import TestSupport

@Suite("keyceremony tokens and rehearsal tokens")
struct TokensCommandTests {
    /// Tokens made by softhsm2-util and a key made by pkcs11-tool: tools other than ours.
    private func foreignTokens(_ sandbox: CLISandbox) throws {
        for (label, pin) in [("alpha", "1111"), ("bravo", "2222")] {
            let made = try ProcessRunner.run("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "so-\(pin)", "--pin", pin],
                                             environment: sandbox.environment)
            #expect(made.status == 0, "\(made.output)")
        }
        let key = try ProcessRunner.run("pkcs11-tool", ["--module", SoftHSMSandbox.modulePath, "--token-label", "alpha", "--login", "--pin", "1111",
                                                        "--keypairgen", "--key-type", "EC:prime256v1", "--label", "foreign-ec", "--id", "a1b2"],
                                        environment: sandbox.environment)
        #expect(key.status == 0, "\(key.output)")
    }

    @Test("--json lists tokens made by softhsm2-util and a key made by pkcs11-tool, with its attributes")
    func jsonListsForeignTokens() throws {
        let sandbox = try CLISandbox("tokens-json")
        defer { sandbox.remove() }
        try foreignTokens(sandbox)
        let result = try sandbox.keyceremony(["tokens", "--module", SoftHSMSandbox.modulePath, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? Int == 1)
        let tokens = try #require(json["tokens"] as? [[String: Any]])
        #expect(tokens.compactMap { $0["label"] as? String } == ["alpha", "bravo"])
        let keys = try #require(tokens[0]["keys"] as? [[String: Any]])
        let key = try #require(keys.first { $0["label"] as? String == "foreign-ec" })
        #expect(key["class"] as? String == "public-key")
        #expect(key["id"] as? String == "a1b2")
        #expect(key["key_type"] as? String == "ec")
        #expect(key["curve"] as? String == "P-256")
        #expect(key["verify"] as? Bool == true)
        #expect(key["local"] as? Bool == true)
        #expect(key.keys.contains("sensitive"), "every field is present, null when not reported")
    }

    @Test("--login reads the PIN on a terminal without echo and shows the private key's protection")
    func loginOnTerminal() throws {
        let sandbox = try CLISandbox("tokens-login")
        defer { sandbox.remove() }
        try foreignTokens(sandbox)
        let result = try sandbox.onTerminal([try TestPaths.keyceremony, "tokens", "--token", "alpha", "--login", "--json"],
                                            answers: [("User PIN for token 'alpha'", "1111")])
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stdout.contains("1111"), "the PIN must not be echoed")
        let jsonText = String(result.stdout[result.stdout.firstIndex(of: "{")!...])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(jsonText.utf8)) as? [String: Any])
        let keys = try #require((json["tokens"] as? [[String: Any]])?.first?["keys"] as? [[String: Any]])
        let privateKey = try #require(keys.first { $0["class"] as? String == "private-key" })
        #expect(privateKey["sensitive"] as? Bool == true)
        #expect(privateKey["always_sensitive"] as? Bool == true)
        #expect(privateKey["never_extractable"] as? Bool == true)
        #expect(privateKey["extractable"] as? Bool == false)
        #expect(privateKey["local"] as? Bool == true)
        #expect(privateKey["sign"] as? Bool == true)
    }

    @Test("--login without a terminal fails at once instead of hanging")
    func loginWithoutTerminal() throws {
        let sandbox = try CLISandbox("tokens-notty")
        defer { sandbox.remove() }
        try foreignTokens(sandbox)
        let result = try sandbox.keyceremony(["tokens", "--login"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no terminal to read a PIN from"))
    }

    @Test("a wrong PIN at the terminal is reported in words naming the token")
    func wrongPIN() throws {
        let sandbox = try CLISandbox("tokens-wrongpin")
        defer { sandbox.remove() }
        try foreignTokens(sandbox)
        let result = try sandbox.onTerminal([try TestPaths.keyceremony, "tokens", "--token", "bravo", "--login"],
                                            answers: [("User PIN for token 'bravo'", "9999")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("error: wrong PIN for token 'bravo' (serial "))
        #expect(!result.stdout.contains("9999"))
    }

    @Test("an unknown token is a usage error listing the tokens present")
    func unknownToken() throws {
        let sandbox = try CLISandbox("tokens-unknown")
        defer { sandbox.remove() }
        try foreignTokens(sandbox)
        let result = try sandbox.keyceremony(["tokens", "--token", "charlie"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no token matches label 'charlie'; tokens present: 'alpha' (serial"))
        #expect(result.stderr.contains("'bravo' (serial"))
    }

    @Test("rehearsal tokens makes labelled tokens and a 0600 PIN file, and never overwrites")
    func rehearsalTokens() throws {
        let sandbox = try CLISandbox("rehearsal-tokens")
        defer { sandbox.remove() }
        let dir = sandbox.path("rh")
        let made = try sandbox.keyceremony(["rehearsal", "tokens", "--dir", dir, "--labels", "root-a,root-b,root-c"], environment: ["SOFTHSM2_CONF": nil])
        #expect(made.status == 0, "\(made.output)")
        #expect(made.stdout.contains("export SOFTHSM2_CONF=\(dir)/softhsm2.conf"))
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/pins.json")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let pins = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/pins.json"))) as? [String: Any])
        let entries = try #require(pins["tokens"] as? [String: [String: String]])
        #expect(Set(entries.keys) == ["root-a", "root-b", "root-c"])
        #expect(!made.output.contains(entries["root-a"]!["user_pin"]!), "PINs are not printed")

        // pkcs11-tool sees the tokens and logs in with the written PIN.
        let listed = try ProcessRunner.run("pkcs11-tool", ["--module", SoftHSMSandbox.modulePath, "--token-label", "root-b", "--login",
                                                           "--pin", entries["root-b"]!["user_pin"]!, "--list-objects"],
                                           environment: ["SOFTHSM2_CONF": "\(dir)/softhsm2.conf"])
        #expect(listed.status == 0, "\(listed.output)")

        let again = try sandbox.keyceremony(["rehearsal", "tokens", "--dir", dir, "--labels", "root-a"], environment: ["SOFTHSM2_CONF": nil])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
    }
}
