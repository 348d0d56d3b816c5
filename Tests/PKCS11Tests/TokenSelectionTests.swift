import Foundation
import PKCS11
import Testing
import TestSupport

@Suite("Token selection, login and errors in words")
struct TokenSelectionTests {
    @Test("a wrong PIN is a named error that names the token, never a number")
    func wrongPIN() throws {
        let token = try SoftHSMSandbox.makeToken("pin")
        let session = try token.session(loggedIn: false)
        defer { session.close() }
        #expect {
            try session.login(pin: SecretBytes(utf8: "not-the-pin"))
        } throws: { error in
            guard case let .wrongPIN(identity, _) = error as? PKCS11Error else { return false }
            let text = "\(error)"
            return identity.label == token.label && text.hasPrefix("wrong PIN for token '\(token.label)' (serial \(token.info.identity.serial))")
                && !text.contains("not-the-pin") && !text.contains("0xa0")
        }
        // The right PIN still works afterwards.
        try session.login(pin: SecretBytes(utf8: token.userPIN))
    }

    @Test("a wrong PIN is caught even while another session on the token is logged in")
    func wrongPINWhileLoggedIn() throws {
        let token = try SoftHSMSandbox.makeToken("pin2")
        let first = try token.session()
        defer { first.close() }
        let second = try token.session(loggedIn: false)
        defer { second.close() }
        #expect { try second.login(pin: SecretBytes(utf8: "not-the-pin")) } throws: {
            if case .wrongPIN = $0 as? PKCS11Error { return true } else { return false }
        }
        try second.login(pin: SecretBytes(utf8: token.userPIN))
    }

    @Test("an unknown selector lists the tokens present")
    func unknownToken() throws {
        let token = try SoftHSMSandbox.makeToken("present")
        #expect {
            _ = try SoftHSMSandbox.module().token(matching: .label("no-such-token"))
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("no token matches label 'no-such-token'; tokens present:") && text.contains("'\(token.label)'")
        }
    }

    @Test("an ambiguous selector lists every match")
    func ambiguousToken() throws {
        let a = try SoftHSMSandbox.makeToken("amb")
        let b = try SoftHSMSandbox.makeToken("amb")
        let selector = try TokenSelector.parse("pkcs11:manufacturer=SoftHSM%20project")
        #expect {
            _ = try SoftHSMSandbox.module().token(matching: selector)
        } throws: { error in
            let text = "\(error)"
            return text.contains("more than one token matches") && text.contains(a.label) && text.contains(b.label)
        }
    }

    @Test("tokens are selected by label, serial and pkcs11: URI")
    func selectors() throws {
        let token = try SoftHSMSandbox.makeToken("sel")
        let module = try SoftHSMSandbox.module()
        let serial = token.info.identity.serial
        #expect(try module.token(matching: .label(token.label)).identity == token.info.identity)
        #expect(try module.token(matching: .serial(serial)).identity == token.info.identity)
        #expect(try module.token(matching: TokenSelector.parse("pkcs11:token=\(token.label);serial=\(serial)")).identity == token.info.identity)
        #expect(try module.token(matching: TokenSelector.parse("serial=\(serial)")).identity == token.info.identity)
    }

    @Test("URIs are parsed strictly and never carry a PIN")
    func uriParsing() throws {
        let uri = try PKCS11URI("pkcs11:token=root%2Da;object=root%20key;id=%01%02;type=private")
        #expect(uri.token == "root-a")
        #expect(uri.object == "root key")
        #expect(uri.id == [1, 2])
        #expect(uri.type == "private")
        #expect(throws: PKCS11Error.self) { try PKCS11URI("pkcs11:token=a?pin-value=1234") }
        // A PIN put in a URI by mistake is refused and never echoed back.
        for uri in ["pkcs11:token=a?pin-value=918273", "pkcs11:token=a;pin-value=918273", "pkcs11:token=a?module-name=x&PIN-VALUE=918273"] {
            #expect { try PKCS11URI(uri) } throws: { "\($0)".contains("must not be given") && !"\($0)".contains("918273") }
        }
        #expect(throws: PKCS11Error.self) { try PKCS11URI("pkcs11:token=a;colour=red") }
        #expect(throws: PKCS11Error.self) { try PKCS11URI("pkcs11:object=x") }
        #expect(throws: PKCS11Error.self) { try PKCS11URI("pkcs11:token=%zz") }
        #expect(throws: PKCS11Error.self) { try PKCS11URI("https://example.com") }
    }

    @Test("a module that does not exist, or is not PKCS#11, is a plain error")
    func badModule() throws {
        #expect { _ = try PKCS11Module.open("/nonexistent/module.so") } throws: { "\($0)".contains("no such file") }
        #expect { _ = try PKCS11Module.open("/usr/lib/x86_64-linux-gnu/libc.so.6") } throws: { "\($0)".contains("not a PKCS#11 module") }
    }

    @Test("token state flags are reported")
    func tokenFlags() throws {
        let token = try SoftHSMSandbox.makeToken("flags")
        #expect(token.info.initialized)
        #expect(token.info.loginRequired)
        #expect(token.info.userPINInitialized)
        #expect(!token.info.userPIN.locked)
    }
}

@Suite("Token labels and URI attributes compare as bytes")
struct TokenLabelBytesTests {
    @Test("a label in NFD does not select the token whose label is NFC, by label or by URI")
    func nfcNFDLabels() throws {
        let token = try SoftHSMSandbox.makeToken("caf\u{E9}")
        let nfc = token.label
        let nfd = nfc.replacingOccurrences(of: "\u{E9}", with: "e\u{301}")
        #expect(nfc == nfd)  // Swift's String == calls them equal; the token stores other bytes.
        #expect(Array(nfc.utf8) != Array(nfd.utf8))
        let module = try SoftHSMSandbox.module()
        #expect(try module.token(matching: .label(nfc)).identity.serial == token.info.identity.serial)
        #expect(throws: PKCS11Error.self) { try module.token(matching: .label(nfd)) }
        func percentEncoded(_ text: String) -> String {
            text.utf8.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
        }
        let byNFC = try TokenSelector.parse("pkcs11:token=\(percentEncoded(nfc))")
        let byNFD = try TokenSelector.parse("pkcs11:token=\(percentEncoded(nfd))")
        #expect(try module.token(matching: byNFC).identity.label == nfc)
        #expect(throws: PKCS11Error.self) { try module.token(matching: byNFD) }
        #expect(byNFC.matches(token.info) && !byNFD.matches(token.info))
    }
}
