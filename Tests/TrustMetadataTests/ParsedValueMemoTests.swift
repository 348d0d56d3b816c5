import Foundation
import Testing
@testable import TrustMetadata

/// A chain's roots are read through one ``ParsedValueMemo``: `signed.keys` and `signed.roles`
/// seen before are taken from it instead of being parsed again. These tests hold that reader
/// to the plain parser: the same value, the same canonical bytes of `signed`, the same errors.
struct ParsedValueMemoTests {
    /// A root-shaped document around the given `keys` and `roles` texts.
    static func root(keys: String, roles: String, version: Int, tail: String = "") -> [UInt8] {
        Array(#"{"signatures":[],"signed":{"_type":"root","keys":\#(keys),"roles":\#(roles),"version":\#(version)\#(tail)}}"#.utf8)
    }

    /// Parses `document` through `memo` and on its own, and checks they agree.
    /// Returns how many members came from the memo.
    @discardableResult
    static func agree(_ document: [UInt8], memo: ParsedValueMemo, _ name: String) -> Int {
        let plain = Result { try JSONParser.parse(document) }
        let memoised = Result { try JSONParser.parseDeferringTargets(document, memo: memo) }
        switch (plain, memoised) {
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)", "\(name): errors differ")
            return 0
        case (.success(let value), .success(let read)):
            #expect(read.value == value, "\(name): values differ")
            guard let signed = read.value.objectValue?["signed"]?.objectValue else { return read.knownCanonical.count }
            let reference = try? CanonicalJSONEncoder.encode(.object(signed))
            let substituted = try? CanonicalJSONEncoder.encode(signed, substituting: read.knownCanonical, reservingCapacity: 0)
            #expect(substituted == reference, "\(name): canonical bytes of signed differ")
            return read.knownCanonical.count
        default:
            Issue.record("\(name): one reader refused and the other did not: \(plain) / \(memoised)")
            return 0
        }
    }

    @Test("roots that repeat keys and roles read to the same values and canonical bytes through the memo")
    func repeatedMembers() {
        // Values shorter than 64 bytes are not kept (they cost little to parse): each is padded.
        func padded(_ object: String) -> String {
            let pad = #""~pad":"\#(String(repeating: "p", count: 64))""#
            return object == "{}" ? "{\(pad)}" : String(object.dropLast()) + "," + pad + "}"
        }
        let keys = [
            #"{"k1":{"keytype":"ed25519","keyval":{"public":"ab"},"scheme":"ed25519"}}"#,
            #"{"k1":{"keytype":"ed25519","keyval":{"public":"ab"},"scheme":"ed25519"},"k2":{"keytype":"ecdsa","keyval":{"public":"-----BEGIN PUBLIC KEY-----\nAB\/CD\n-----END PUBLIC KEY-----\n"},"scheme":"ecdsa-sha2-nistp256"}}"#,
            // Brackets and escaped quotes inside strings must not end the value early.
            #"{"k}":{"x":"}\"{]","y":["]",{"z":"\\"}]}}"#,
            // Written with whitespace, and with keys out of order: canonical bytes still sort them.
            "{ \"b\" : [ 1 , 2 ] ,\n \"a\" : { } }",
            #"{"é":"\u00e9","big":123456789012345678901234567890}"#,
            "{}",
        ].map(padded)
        let roles = [
            #"{"root":{"keyids":["k1"],"threshold":1}}"#,
            #"{"root":{"keyids":["k1","k2"],"threshold":2},"targets":{"keyids":["k2"],"threshold":1}}"#,
        ].map(padded)
        let memo = ParsedValueMemo()
        var reused = 0
        for version in 1...60 {
            let document = Self.root(keys: keys[(version / 7) % keys.count], roles: roles[(version / 5) % roles.count], version: version)
            reused += Self.agree(document, memo: memo, "version \(version)")
        }
        // 6 distinct keys and 2 distinct roles values are parsed; every other one is found again.
        #expect(reused == 120 - 8, "members taken from the memo: \(reused)")
    }

    @Test("input that only begins like a remembered value is read, and refused, as without the memo")
    func prefixesAndErrors() {
        let memo = ParsedValueMemo()
        let pad = String(repeating: "p", count: 64)
        let keys = #"{"a":{"b":[1,2,3]},"pad":"\#(pad)"}"#
        let roles = #"{"root":{"keyids":["a"],"threshold":1},"pad":"\#(pad)"}"#
        #expect(Self.agree(Self.root(keys: keys, roles: roles, version: 1), memo: memo, "seed") == 0)
        let cases: [(String, [UInt8])] = [
            ("the same again", Self.root(keys: keys, roles: roles, version: 2)),
            ("garbage after a remembered value", Array(#"{"signatures":[],"signed":{"keys":\#(keys)x}}"#.utf8)),
            ("a remembered value cut short", Array(#"{"signatures":[],"signed":{"keys":\#(keys.dropLast(2))"#.utf8)),
            ("a longer value that begins the same", Self.root(keys: #"{"a":{"b":[1,2,3]},"pad":"\#(pad)","more":1}"#, roles: roles, version: 3)),
            ("keys twice in signed", Self.root(keys: keys, roles: roles, version: 4, tail: #","keys":\#(keys)"#)),
            ("keys that is not an object", Self.root(keys: "12", roles: roles, version: 5)),
            ("then keys that begins with those digits", Self.root(keys: "123", roles: roles, version: 6)),
            // A number does not end where another's digits stop: never taken from the memo.
            ("a long number", Self.root(keys: String(repeating: "7", count: 70), roles: roles, version: 6)),
            ("a longer number that begins with it", Self.root(keys: String(repeating: "7", count: 71), roles: roles, version: 6)),
            ("a string with an unescaped control character", Self.root(keys: "{\"a\":\"x\u{01}\"}", roles: roles, version: 7)),
            ("nesting past the limit", Self.root(keys: String(repeating: "[", count: 130) + String(repeating: "]", count: 130), roles: roles, version: 8)),
            ("keys outside signed", Array(#"{"keys":\#(keys),"signed":{"version":1}}"#.utf8)),
            ("keys deeper inside signed", Array(#"{"signed":{"delegations":{"keys":\#(keys)}}}"#.utf8)),
        ]
        for (name, document) in cases { Self.agree(document, memo: memo, name) }
        #expect(Self.agree(Self.root(keys: keys, roles: roles, version: 9), memo: memo, "found again") == 2)
    }

    @Test("many values made to share their first bytes cost a few comparisons each and still read the same")
    func sharedPrefixes() {
        let memo = ParsedValueMemo()
        let prefix = String(repeating: "q", count: 80)
        for version in 1...40 {
            let keys = #"{"a":"\#(prefix)","n":\#(version)}"#
            Self.agree(Self.root(keys: keys, roles: "{}", version: version), memo: memo, "value \(version)")
        }
        // Eight of them are kept; those are found again, the others are parsed again.
        var found = 0
        for version in 1...40 {
            let keys = #"{"a":"\#(prefix)","n":\#(version)}"#
            found += Self.agree(Self.root(keys: keys, roles: "{}", version: version), memo: memo, "again \(version)")
        }
        #expect(found == 8)
    }
}
