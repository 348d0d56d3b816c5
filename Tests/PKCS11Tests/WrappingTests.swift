import Crypto
import Foundation
import PKCS11
import Testing
import TestSupport

@Suite("Key wrapping between tokens")
struct WrappingTests {
    @Test("an extractable EC key wrapped on one token is restored on another and signs for the same public key", arguments: WrapMechanism.allCases)
    func wrapAndRestore(mechanism: WrapMechanism) throws {
        let source = try SoftHSMSandbox.makeToken("wrap-src")
        let target = try SoftHSMSandbox.makeToken("wrap-dst")
        let a = try source.session(), b = try target.session()
        defer { a.close(); b.close() }
        let key = try a.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "root", extractable: true))
        let aes = SecretBytes(try a.randomBytes(32))
        let wrapped = try a.wrap(key, with: try a.importWrappingKey(aes, label: "backup"), mechanism: mechanism)
        #expect(wrapped.count >= 72)

        let restored = try b.unwrap(wrapped, with: try b.importWrappingKey(aes, label: "backup"), mechanism: mechanism,
                                    algorithm: .ecdsaP256, subjectPublicKeyInfo: key.subjectPublicKeyInfo,
                                    policy: KeyPolicy(label: "root-restored"))
        #expect(restored.attributes.local == false)
        #expect(restored.attributes.sensitive == true)
        let message = Array("root metadata".utf8)
        let signature = try b.sign(message, with: restored)
        #expect(SignatureCheck.verify(signature.raw, over: message, algorithm: .ecdsaP256, subjectPublicKeyInfo: key.subjectPublicKeyInfo) != nil)

        // Under a different AES key the wrapped blob does not unwrap.
        let wrong = try b.importWrappingKey(SecretBytes(try b.randomBytes(32)), label: "wrong")
        #expect(throws: PKCS11Error.self) {
            _ = try b.unwrap(wrapped, with: wrong, mechanism: mechanism, algorithm: .ecdsaP256,
                             subjectPublicKeyInfo: key.subjectPublicKeyInfo, policy: KeyPolicy(label: "root-wrong"))
        }
    }

    @Test("a non-extractable key cannot be wrapped, and the error says so")
    func nonExtractableRefused() throws {
        let token = try SoftHSMSandbox.makeToken("nowrap")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "root"))
        let aes = try session.importWrappingKey(SecretBytes(try session.randomBytes(32)), label: "backup")
        #expect { _ = try session.wrap(key, with: aes) } throws: { "\($0)".contains("non-extractable") }
    }
}
