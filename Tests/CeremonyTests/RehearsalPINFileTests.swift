import Foundation
import Testing
import TestSupport
@testable import Ceremony

@Suite("Rehearsal PIN files name tokens by the bytes of their labels")
struct RehearsalPINFileTests {
    static let nfc = "caf\u{E9}-a", nfd = "cafe\u{301}-a"

    @Test("a PIN written for an NFC label is not handed out for its NFD twin, nor the other way")
    func lookupIsByBytes() throws {
        let scratch = try TemporaryDirectory("pins")
        defer { scratch.remove() }
        for (written, asked) in [(Self.nfc, Self.nfd), (Self.nfd, Self.nfc)] {
            let path = scratch.path("pins-\(Array(written.utf8).count).json")
            try RehearsalPINFile(tokens: [written: .init(userPIN: "1234", soPIN: "5678")]).write(to: path)
            let file = try RehearsalPINFile.load(path)
            #expect(throws: RehearsalPINFile.Failure.self) { try file.userPIN(for: asked, path: path) }
            #expect(throws: Never.self) { try file.userPIN(for: written, path: path) }
        }
    }

    @Test("a file naming both an NFC label and its NFD twin is refused rather than merged")
    func twinsAreRefused() throws {
        let scratch = try TemporaryDirectory("pins")
        defer { scratch.remove() }
        let path = scratch.path("pins.json")
        let text = #"{"rehearsal":true,"tokens":{"\#(Self.nfc)":{"user_pin":"1","so_pin":"2"},"\#(Self.nfd)":{"user_pin":"3","so_pin":"4"}}}"#
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        #expect { try RehearsalPINFile.load(path) } throws: { error in
            guard case .malformed = error as? RehearsalPINFile.Failure else { return false }
            return true
        }
    }
}
