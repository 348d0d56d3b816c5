import Foundation
import PKCS11
import Testing
import TestSupport

@Suite("A token that goes away")
struct TokenRemovalTests {
    /// SoftHSM2 keeps each token in a directory; deleting it is the nearest thing to pulling the token.
    static func removeTokenFiles(label: String) throws {
        let tokens = SoftHSMSandbox.shared.appendingPathComponent("tokens")
        for directory in try FileManager.default.contentsOfDirectory(atPath: tokens.path) {
            let object = tokens.appendingPathComponent(directory).appendingPathComponent("token.object")
            guard let data = FileManager.default.contents(atPath: object.path),
                  data.range(of: Data(label.utf8)) != nil else { continue }
            try FileManager.default.removeItem(at: tokens.appendingPathComponent(directory))
            return
        }
        throw TestSupportError("no token directory holds \(label)")
    }

    @Test("an operation after the token is gone fails with an error naming the token")
    func removedMidSession() throws {
        let token = try SoftHSMSandbox.makeToken("pulled")
        let session = try token.session()
        defer { session.close() }
        let key = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "root"))
        try Self.removeTokenFiles(label: token.label)
        do {
            _ = try session.sign(Array("root metadata".utf8), with: key)
            _ = try session.generateKeyPair(.ecdsaP256, policy: KeyPolicy(label: "second"))
            Issue.record("the token kept working after its files were removed")
        } catch {
            #expect("\(error)".contains(token.label), "\(error)")
        }
    }
}
