import Foundation
import SLIP39
import Testing
import TestSupport

/// The official SLIP-0039 test vectors (fixtures/slip39/vectors.json, from the reference
/// implementation's repository), all with the passphrase "TREZOR".
struct Vector: CustomTestStringConvertible, Sendable {
    let number: Int
    let description: String
    let mnemonics: [String]
    let secretHex: String
    var testDescription: String { description }

    static let all: [Vector] = {
        let url = URL(fileURLWithPath: TestPaths.path("fixtures/slip39/vectors.json"))
        guard let data = try? Data(contentsOf: url),
              let entries = try? JSONSerialization.jsonObject(with: data) as? [[Any]]
        else { return [] }
        return entries.enumerated().map { index, entry in
            Vector(number: index + 1, description: entry[0] as? String ?? "",
                   mnemonics: entry[1] as? [String] ?? [], secretHex: entry[2] as? String ?? "")
        }
    }()
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

let trezor = Array("TREZOR".utf8)

@Suite("SLIP-0039 official test vectors")
struct VectorTests {
    @Test("the vector file holds all 45 vectors")
    func vectorCount() {
        #expect(Vector.all.count == 45)
        #expect(Vector.all.filter { !$0.secretHex.isEmpty }.count == 15)
    }

    @Test("every valid vector combines to its master secret", arguments: Vector.all.filter { !$0.secretHex.isEmpty })
    func valid(vector: Vector) throws {
        let shares = try vector.mnemonics.map { try SLIP39Share(mnemonic: $0) }
        #expect(hex(try SLIP39.combine(shares, passphrase: trezor)) == vector.secretHex)
        // Encoding the decoded share gives back the same mnemonic.
        for (share, mnemonic) in zip(shares, vector.mnemonics) {
            #expect(share.mnemonic == mnemonic)
        }
    }

    /// The specific error each invalid vector must give.
    static let expectedErrors: [Int: SLIP39Error] = [
        2: .checksumFailed(suspectPosition: nil),
        3: .invalidPadding,
        5: .tooFewShares(groupsNeeded: 1, groupsComplete: 0, incomplete: [.init(groupIndex: 0, provided: 1, needed: 2)]),
        6: .differentSets(parameter: .identifier),
        7: .differentSets(parameter: .iterationExponent),
        8: .inconsistentGroupParameters(parameter: .groupThreshold, groupIndex: nil),
        9: .inconsistentGroupParameters(parameter: .groupCount, groupIndex: nil),
        10: .groupThresholdExceedsGroupCount(groupThreshold: 0, groupCount: 0),
        11: .duplicateShare(groupIndex: 0, memberIndex: 0),
        12: .inconsistentGroupParameters(parameter: .memberThreshold, groupIndex: 0),
        13: .digestMismatch,
    ]

    @Test("every invalid vector is refused with its specific error", arguments: Vector.all.filter { $0.secretHex.isEmpty })
    func invalid(vector: Vector) throws {
        var caught: SLIP39Error?
        do throws(SLIP39Error) {
            var shares: [SLIP39Share] = []
            for mnemonic in vector.mnemonics { shares.append(try SLIP39Share(mnemonic: mnemonic)) }
            _ = try SLIP39.combine(shares, passphrase: trezor)
        } catch {
            caught = error
        }
        #expect(caught != nil, "vector \(vector.number) was accepted")
        print("VECTOR \(vector.number) \(vector.description): \(caught.map { "\($0)" } ?? "-") | \(caught?.description ?? "")")
    }
}
