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

    /// The specific error each invalid vector must give, by vector number; the 256-bit vectors
    /// 21–35 repeat 2–16 (number + 19). Vectors 2 and 21 are vectors 1 and 20 with one word
    /// changed, which the checksum must locate: that position is found by comparing the two.
    static func expectedError(_ number: Int) -> SLIP39Error? {
        let base = (21...35).contains(number) ? number - 19 : number
        switch base {
        case 2:
            let valid = Vector.all[number - 2].mnemonics[0].split(separator: " ")
            let broken = Vector.all[number - 1].mnemonics[0].split(separator: " ")
            let changed = zip(valid, broken).enumerated().filter { $1.0 != $1.1 }.map(\.offset)
            return changed.count == 1 ? .checksumFailed(suspectPosition: changed[0] + 1) : nil
        case 3: return .invalidPadding
        case 5: return .tooFewShares(groupsNeeded: 1, groupsComplete: 0, incomplete: [.init(groupIndex: 0, provided: 1, needed: 2)])
        case 6: return .differentSets(parameter: .identifier)
        case 7: return .differentSets(parameter: .iterationExponent)
        case 8: return .inconsistentGroupParameters(parameter: .groupThreshold, groupIndex: nil)
        case 9: return .inconsistentGroupParameters(parameter: .groupCount, groupIndex: nil)
        case 10: return .groupThresholdExceedsGroupCount(groupThreshold: 2, groupCount: 1)
        case 11: return .duplicateShare(groupIndex: 0, memberIndex: 2)
        case 12: return .inconsistentGroupParameters(parameter: .memberThreshold, groupIndex: 0)
        case 13: return .digestMismatch
        case 14, 15: return .tooFewShares(groupsNeeded: 2, groupsComplete: 1, incomplete: [])
        case 16: return .tooFewShares(groupsNeeded: 2, groupsComplete: 1, incomplete: [.init(groupIndex: 3, provided: 1, needed: 2)])
        case 39: return .wrongWordCount(count: 19)
        case 40: return .wrongWordCount(count: 21)
        default: return nil
        }
    }

    @Test("every invalid vector is refused with its specific error", arguments: Vector.all.filter { $0.secretHex.isEmpty })
    func invalid(vector: Vector) throws {
        let expected = try #require(Self.expectedError(vector.number), "no expected error for vector \(vector.number)")
        var caught: SLIP39Error?
        do throws(SLIP39Error) {
            var shares: [SLIP39Share] = []
            for mnemonic in vector.mnemonics { shares.append(try SLIP39Share(mnemonic: mnemonic)) }
            _ = try SLIP39.combine(shares, passphrase: trezor)
        } catch {
            caught = error
        }
        #expect(caught == expected)
    }

    @Test("the reference refuses every invalid vector and recovers every valid one, as this library does",
          arguments: Vector.all)
    func referenceAgrees(vector: Vector) throws {
        let result = try ShamirMnemonic.combine(vector.mnemonics, passphrase: "TREZOR")
        switch result {
        case .success(let secret): #expect(hex(secret) == vector.secretHex)
        case .failure: #expect(vector.secretHex.isEmpty)
        }
    }
}
