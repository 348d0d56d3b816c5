import Foundation
import PKCS11
import Testing
import TestSupport

@Suite("Signing on SoftHSM2, checked by swift-crypto and by openssl")
struct SigningTests {
    @Test("signatures verify with the openssl CLI", arguments: KeyAlgorithm.allCases)
    func opensslVerifies(algorithm: KeyAlgorithm) throws {
        let token = try SoftHSMSandbox.makeToken("sign")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(algorithm, policy: KeyPolicy(label: "signer"))
        let message = Array("{\"signed\":{\"_type\":\"root\",\"version\":1}}".utf8)
        let signature = try session.sign(message, with: key)
        #expect(SignatureCheck.verify(signature.raw, over: message, algorithm: algorithm, subjectPublicKeyInfo: key.subjectPublicKeyInfo) != nil)

        let dir = try TemporaryDirectory("openssl").url
        defer { try? FileManager.default.removeItem(at: dir) }
        let pem = "-----BEGIN PUBLIC KEY-----\n" + Data(key.subjectPublicKeyInfo).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed]) + "\n-----END PUBLIC KEY-----\n"
        try pem.write(to: dir.appendingPathComponent("pub.pem"), atomically: true, encoding: .utf8)
        try Data(message).write(to: dir.appendingPathComponent("msg"))
        try Data(signature.der).write(to: dir.appendingPathComponent("sig"))
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        var arguments: [String]
        switch algorithm {
        case .ed25519:
            arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", p("pub.pem"), "-rawin", "-in", p("msg"), "-sigfile", p("sig")]
        case .ecdsaP384:
            arguments = ["dgst", "-sha384", "-verify", p("pub.pem"), "-signature", p("sig"), p("msg")]
        case .ecdsaP256:
            arguments = ["dgst", "-sha256", "-verify", p("pub.pem"), "-signature", p("sig"), p("msg")]
        case .rsa3072, .rsa4096:
            arguments = ["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                         "-sigopt", "rsa_mgf1_md:sha256", "-verify", p("pub.pem"), "-signature", p("sig"), p("msg")]
        }
        let good = try ProcessRunner.run("openssl", arguments)
        #expect(good.status == 0, "openssl: \(good.output)")

        // The same check fails on a changed message, so it is really checking.
        try Data(message + [0x20]).write(to: dir.appendingPathComponent("msg"))
        let bad = try ProcessRunner.run("openssl", arguments)
        #expect(bad.status != 0)
    }

    @Test("ECDSA signatures come back both raw (r||s) and as DER")
    func ecdsaForms() throws {
        let token = try SoftHSMSandbox.makeToken("forms")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "k"))
        let signature = try session.sign(Array("payload".utf8), with: key)
        #expect(signature.raw.count == 64)
        #expect(signature.der.first == 0x30)
    }

    @Test("many concurrent tasks signing through one module and shared sessions stay correct")
    func concurrentSigning() async throws {
        let tokens = try (0..<2).map { _ in try SoftHSMSandbox.makeToken("conc") }
        let sessions = try tokens.map { try $0.session() }
        defer { sessions.forEach { $0.close() } }
        let keys = try sessions.map { try $0.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "c")) }
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                let session = sessions[i % 2], key = keys[i % 2]
                group.addTask {
                    let message = Array("message \(i)".utf8)
                    let signature = try session.sign(message, with: key)
                    return SignatureCheck.verify(signature.raw, over: message, algorithm: .ecdsaP256, subjectPublicKeyInfo: key.subjectPublicKeyInfo) != nil
                }
                group.addTask {
                    // Opening sessions and listing tokens concurrently with signing.
                    let module = try SoftHSMSandbox.module()
                    let other = try module.openSession(on: .label(tokens[i % 2].label))
                    defer { other.close() }
                    return try module.tokens().contains { $0.identity.label == tokens[i % 2].label }
                }
            }
            var all: [Bool] = []
            for try await ok in group { all.append(ok) }
            return all
        }
        #expect(results.count == 128)
        #expect(results.allSatisfy { $0 })
    }
}
