import Foundation
import SLIP39
import Testing
import TestSupport

/// One way of splitting, run both ways against the reference implementation.
struct Scheme: CustomTestStringConvertible, Sendable {
    let passphrase: String
    let groupThreshold: Int
    let groups: [SLIP39Group]
    let extendable: Bool
    let iterationExponent: Int

    var testDescription: String {
        let shape = groups.map { "\($0.memberThreshold)-of-\($0.memberCount)" }.joined(separator: ", ")
        return "\(groupThreshold) of [\(shape)], \(passphrase.isEmpty ? "no passphrase" : "passphrase"), "
            + "extendable \(extendable), e=\(iterationExponent)"
    }

    /// Single group 3 of 5, and 2 of 3 groups (2-of-3, 3-of-5, 1-of-1); with and without a
    /// passphrase; extendable or not; iteration exponent 0 and 1.
    static let all: [Scheme] = {
        var schemes: [Scheme] = []
        let shapes: [(Int, [SLIP39Group])] = [
            (1, [SLIP39Group(memberThreshold: 3, memberCount: 5)]),
            (2, [SLIP39Group(memberThreshold: 2, memberCount: 3), SLIP39Group(memberThreshold: 3, memberCount: 5),
                 SLIP39Group(memberThreshold: 1, memberCount: 1)]),
        ]
        for (threshold, groups) in shapes {
            for passphrase in ["", "correct horse ~ battery 42"] {
                for extendable in [true, false] {
                    for exponent in [0, 1] {
                        schemes.append(Scheme(passphrase: passphrase, groupThreshold: threshold, groups: groups,
                                              extendable: extendable, iterationExponent: exponent))
                    }
                }
            }
        }
        return schemes
    }()
}

func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

/// Every way of choosing exactly the thresholds: `groupThreshold` groups, and in each a
/// threshold of members, picked at random, in shuffled order.
func thresholdSubset<T>(_ groups: [[T]], groupThreshold: Int, memberThreshold: (Int) -> Int) -> [T] {
    let chosenGroups = Array(groups.indices.shuffled().prefix(groupThreshold))
    return chosenGroups.flatMap { Array(groups[$0].shuffled().prefix(memberThreshold($0))) }.shuffled()
}

@Suite("SLIP-0039 interoperability with the reference implementation (shamir-mnemonic 0.3.0)")
struct InteropTests {
    @Test("the peer is shamir-mnemonic 0.3.0")
    func peerVersion() throws {
        let result = try ProcessRunner.run(try TestPaths.python, [ShamirMnemonic.script, "version"])
        #expect(result.stdout.contains("\"0.3.0\""))
    }

    @Test("shares made here are recovered by the reference to the same 256-bit secret", arguments: Scheme.all)
    func swiftSplitReferenceCombines(scheme: Scheme) throws {
        let secret = randomBytes(32)
        let groups = try SLIP39.split(masterSecret: secret, passphrase: Array(scheme.passphrase.utf8),
                                      groupThreshold: scheme.groupThreshold, groups: scheme.groups,
                                      iterationExponent: scheme.iterationExponent, extendable: scheme.extendable,
                                      randomBytes: randomBytes)
        #expect(groups.map(\.count) == scheme.groups.map(\.memberCount))
        for share in groups.joined() {
            #expect(share.words.count == 33)
            #expect(share.extendable == scheme.extendable && share.iterationExponent == scheme.iterationExponent)
        }
        let subset = thresholdSubset(groups, groupThreshold: scheme.groupThreshold) { scheme.groups[$0].memberThreshold }
        let recovered = try ShamirMnemonic.combine(subset.map(\.mnemonic), passphrase: scheme.passphrase).get()
        #expect(recovered == secret)
        // And here, from another subset.
        let other = thresholdSubset(groups, groupThreshold: scheme.groupThreshold) { scheme.groups[$0].memberThreshold }
        #expect(try SLIP39.combine(other, passphrase: Array(scheme.passphrase.utf8)) == secret)
        // Under another passphrase the reference recovers a different secret (SLIP-0039 cannot tell).
        let wrong = try ShamirMnemonic.combine(subset.map(\.mnemonic), passphrase: scheme.passphrase + "x").get()
        #expect(wrong != secret && wrong.count == secret.count)
    }

    @Test("shares made by the reference are combined here to the same 256-bit secret", arguments: Scheme.all)
    func referenceSplitSwiftCombines(scheme: Scheme) throws {
        let secret = randomBytes(32)
        let groups = try ShamirMnemonic.split(secret: secret, passphrase: scheme.passphrase,
                                              groupThreshold: scheme.groupThreshold,
                                              groups: scheme.groups.map { ($0.memberThreshold, $0.memberCount) },
                                              extendable: scheme.extendable, iterationExponent: scheme.iterationExponent)
        let shares = try groups.map { try $0.map { try SLIP39Share(mnemonic: $0) } }
        for (share, mnemonic) in zip(shares.joined(), groups.joined()) {
            #expect(share.mnemonic == mnemonic)
            #expect(share.extendable == scheme.extendable && share.iterationExponent == scheme.iterationExponent)
        }
        let subset = thresholdSubset(shares, groupThreshold: scheme.groupThreshold) { scheme.groups[$0].memberThreshold }
        #expect(try SLIP39.combine(subset, passphrase: Array(scheme.passphrase.utf8)) == secret)
    }

    @Test("a 128-bit secret made here is recovered by the reference, and its shares are 20 words")
    func shortSecret() throws {
        let secret = randomBytes(16)
        let groups = try SLIP39.split(masterSecret: secret, groupThreshold: 1,
                                      groups: [SLIP39Group(memberThreshold: 2, memberCount: 3)], randomBytes: randomBytes)
        #expect(groups[0].allSatisfy { $0.words.count == 20 })
        #expect(try ShamirMnemonic.combine(Array(groups[0].prefix(2)).map(\.mnemonic)).get() == secret)
    }

    @Test("shares mixed from two sets are refused by the reference and here")
    func mixedSets() throws {
        let secret = randomBytes(32)
        let scheme = [SLIP39Group(memberThreshold: 2, memberCount: 3)]
        let a = try SLIP39.split(masterSecret: secret, groupThreshold: 1, groups: scheme, randomBytes: randomBytes)
        var b = a
        while b[0][0].identifier == a[0][0].identifier {  // two random identifiers collide once in 32768
            b = try SLIP39.split(masterSecret: secret, groupThreshold: 1, groups: scheme, randomBytes: randomBytes)
        }
        guard case .failure = try ShamirMnemonic.combine([a[0][0].mnemonic, b[0][1].mnemonic]) else {
            Issue.record("the reference combined shares of two sets")
            return
        }
        #expect(throws: SLIP39Error.differentSets(parameter: .identifier)) { try SLIP39.combine([a[0][0], b[0][1]]) }
    }
}
