import Foundation
import PKCS11
import Testing
import TestSupport

@Suite("Key generation on SoftHSM2")
struct KeyGenerationTests {
    @Test("every algorithm generates a key whose read-back attributes match the policy", arguments: KeyAlgorithm.allCases)
    func generatesUnderPolicy(algorithm: KeyAlgorithm) throws {
        let token = try SoftHSMSandbox.makeToken("gen")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(algorithm, policy: KeyPolicy(label: "root-\(algorithm)"))
        #expect(key.algorithm == algorithm)
        #expect(key.id.count == 16)
        #expect(key.attributes.sensitive == true)
        #expect(key.attributes.alwaysSensitive == true)
        #expect(key.attributes.extractable == false)
        #expect(key.attributes.neverExtractable == true)
        #expect(key.attributes.local == true)
        #expect(key.attributes.sign == true)
        #expect(key.attributes.decrypt == false)
        #expect(key.attributes.unwrap == false)
        #expect(key.attributes.derive == false)

        // Found again by label, the key is the same key.
        let again = try session.key(.label("root-\(algorithm)"))
        #expect(again.subjectPublicKeyInfo == key.subjectPublicKeyInfo)
        #expect(again.id == key.id)
    }

    @Test("an extractable policy is honoured and read back as such")
    func extractablePolicy() throws {
        let token = try SoftHSMSandbox.makeToken("gen")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "backup-me", extractable: true))
        #expect(key.attributes.extractable == true)
        #expect(key.attributes.neverExtractable == false)
        #expect(key.attributes.sensitive == true)
    }

    @Test("a label already on the token is refused and no second key appears")
    func duplicateLabelRefused() throws {
        let token = try SoftHSMSandbox.makeToken("dup")
        let session = try token.session()
        defer { session.close() }
        _ = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "root"))
        #expect {
            _ = try session.generateKeyPair(.ed25519, policy: KeyPolicy(label: "root"))
        } throws: { error in
            guard case .duplicateObject = error as? PKCS11Error else { return false }
            return "\(error)".contains("already holds an object with label 'root'") && "\(error)".contains(token.label)
        }
        #expect(try session.keyObjects().filter { $0.label == "root" }.count == 2) // one private, one public
    }

    @Test("pkcs11-tool independently reports a generated key as sensitive, always sensitive, never extractable and local")
    func pkcs11ToolAgrees() throws {
        let token = try SoftHSMSandbox.makeToken("inspect")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "inspected"))
        let result = try ProcessRunner.run("pkcs11-tool", [
            "--module", SoftHSMSandbox.modulePath, "--token-label", token.label,
            "--login", "--pin", token.userPIN, "--list-objects", "--type", "privkey",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("label:      inspected"))
        #expect(result.stdout.contains("ID:         \(key.idHex)"))
        let access = result.stdout.split(separator: "\n").first { $0.contains("Access:") }.map(String.init) ?? ""
        for word in ["sensitive", "always sensitive", "never extractable", "local"] {
            #expect(access.contains(word), "pkcs11-tool says: \(access)")
        }
        let flags = access.split(separator: ":", maxSplits: 1).last.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        #expect(!flags.contains("extractable"), "pkcs11-tool lists the key as extractable: \(access)")
    }

    @Test("a key is found again by a pkcs11: URI's object= or id=")
    func keyByURI() throws {
        let token = try SoftHSMSandbox.makeToken("uri")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "root key"))
        let hexID = key.id.map { "%" + String($0, radix: 16).leftPad(2) }.joined()
        let byID = try #require(KeySelector(uri: try PKCS11URI("pkcs11:token=\(token.label);id=\(hexID);type=private")))
        #expect(try session.key(byID).subjectPublicKeyInfo == key.subjectPublicKeyInfo)
        let byObject = try #require(KeySelector(uri: try PKCS11URI("pkcs11:token=\(token.label);object=root%20key")))
        #expect(try session.key(byObject).id == key.id)
        #expect(KeySelector(uri: try PKCS11URI("pkcs11:token=\(token.label)")) == nil)
        #expect(throws: PKCS11Error.self) { _ = try session.key(.label("no such key")) }
    }
}

private extension String {
    func leftPad(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
