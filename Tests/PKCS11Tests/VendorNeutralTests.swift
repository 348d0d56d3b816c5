import Foundation
import PKCS11
import Testing
import TestSupport

@Suite("Vendor-neutral token layer: module parameters, capabilities, selection advice, policy exceptions")
struct VendorNeutralTests {
    @Test("NSS-style LibraryParameters are accepted; secret-looking ones are refused without echoing the value")
    func libraryParameters() throws {
        let nss = "tokens=<0x10=[configdir='sql:/srv/nss/a' certPrefix='' keyPrefix='' secmod='secmod.db' tokenDescription='root-a']>"
        #expect(try LibraryParameters(nss).text == nss)
        #expect(LibraryParameters.problem("configdir='sql:/home/pinball/db' flags=readOnly") == nil, "a value is not a name")
        for bad in ["userPin=12345678", "x=1 tokens=<0x10=[secret=12345678]>", "flags=\nconfigdir=x", ""] {
            let problem = try #require(LibraryParameters.problem(bad), "\(bad)")
            #expect(!problem.contains("12345678"))
        }
        #expect(throws: PKCS11Error.self) { try LibraryParameters("credentials=abc") }
    }

    @Test("SoftHSM2 reports every algorithm a ceremony uses, and mechanism sizes are read")
    func softHSMCapabilities() throws {
        let token = try SoftHSMSandbox.makeToken("caps")
        let capabilities = try SoftHSMSandbox.module().capabilities(of: token.info)
        for algorithm in KeyAlgorithm.allCases {
            #expect(capabilities.problem(with: algorithm) == nil, "\(algorithm): \(capabilities.problem(with: algorithm) ?? "")")
        }
        let ecGeneration = try #require(capabilities.mechanisms[0x1040])
        #expect(ecGeneration.canGenerateKeyPair)
        #expect(ecGeneration.maximumKeySize >= 384)
    }

    @Test("ambiguity names the shared serial and suggests label or pkcs11:token=; distinct serials are suggested only when they differ")
    func selectionAdvice() {
        let shared = ["root-a", "root b"].map { TokenIdentity(label: $0, serial: "0000000000000000", manufacturer: "IBM", model: "SW   TPM") }
        let text = PKCS11Error.ambiguousToken(selector: "serial '0000000000000000'", matches: shared).description
        #expect(text.contains("these tokens all report serial 0000000000000000, so a serial cannot tell them apart"), "\(text)")
        #expect(text.contains("label 'root-a'") && text.contains("'pkcs11:token=root-a'"), "\(text)")
        #expect(!text.contains("select by serial"))
        let sameLabel = ["1111", "2222"].map { TokenIdentity(label: "root", serial: $0, manufacturer: "M", model: "X") }
        let other = PKCS11Error.ambiguousToken(selector: "label 'root'", matches: sameLabel).description
        #expect(other.contains("select each token by serial (such as serial '1111')"), "\(other)")
        let neither = [TokenIdentity](repeating: TokenIdentity(label: "root", serial: "0", manufacturer: "M", model: "X"), count: 2)
        #expect(PKCS11Error.ambiguousToken(selector: "label 'root'", matches: neither).description.contains("give each token its own label"))
    }

    @Test("a named CKA_LOCAL exception is not used when the token meets the policy: the read-back stays exact")
    func exceptionUnusedWhenNotNeeded() throws {
        let token = try SoftHSMSandbox.makeToken("exc")
        let session = try token.session()
        defer { session.close() }
        let policy = KeyPolicy(label: "root", exceptions: [KeyPolicyException(attribute: .local, reason: "test: softokn-style tokens")])
        let key = try session.generateKeyPair(.ecdsaP256, policy: policy)
        #expect(key.attributes.local == true)
        #expect(key.exceptionsApplied.isEmpty)
    }
}
