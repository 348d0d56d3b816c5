import Foundation
import Testing
import TestSupport
import TrustMetadata

/// Two roots of the same version that differ only in Unicode normalization are two
/// different signed documents: a fork, which `String ==` would hide.
@Suite("A fork that differs only in Unicode normalization is still a fork")
struct UnicodeForkTests {
    @Test("roots whose only difference is NFC vs NFD (or K vs KELVIN SIGN) are reported as a fork", arguments: [
        ("caf\u{E9}", "cafe\u{301}"), ("K", "\u{212A}"),
    ])
    func fork(first: String, second: String) throws {
        let signer = try SoftwareSigner(generating: .ed25519)
        func root(_ owner: String) throws -> MetadataFile {
            var root = RootMetadata(dialect: .tuf, version: 1, expires: TestTimes.expires, keys: [:], roles: [:])
            let id = root.addKey(.tuf(signer.publicKey))
            for role in RootMetadata.topLevelRoles { root.roles[role] = RoleKeys(keyIDs: [id], threshold: 1) }
            root.unknownFields["x-owner"] = .string(owner)
            var file = root.signedMetadata()
            try file.sign(with: signer, keyID: id, dialect: .tuf)
            return MetadataFile(name: "1.root.json", bytes: try file.fileBytes(dialect: .tuf))
        }
        let trusted = try root(first), other = try root(second)
        #expect(trusted.bytes != other.bytes)
        let verifier = RootVerifier(options: VerificationOptions(dialect: .tuf, at: TestTimes.verificationTime))
        let fork = verifier.verifyChain([other], trusted: trusted)
        #expect(fork.findings.contains { $0.detail.hasPrefix("fork:") }, "\(fork.findings)")
        // The same bytes are not a fork.
        let same = verifier.verifyChain([trusted], trusted: trusted)
        #expect(!same.findings.contains { $0.detail.hasPrefix("fork:") }, "\(same.findings)")
    }
}
