import Foundation
import Testing
@testable import Ceremony

@Suite("Plan digest in hex and PGP words")
struct PlanDigestTests {
    @Test("known PGP word list entries")
    func knownEntries() {
        #expect(PGPWordList.even[0x00] == "aardvark")
        #expect(PGPWordList.odd[0x00] == "adroitness")
        #expect(PGPWordList.even[0xFF] == "Zulu")
        #expect(PGPWordList.odd[0xFF] == "Yucatan")
        #expect(PGPWordList.even[0x17] == "banjo")
        #expect(PGPWordList.odd[0x02] == "aftermath")
        #expect(PGPWordList.even[0x80] == "merit")
        #expect(PGPWordList.odd[0x80] == "intention")
    }

    @Test("both lists have 256 words and no word appears twice")
    func listShape() {
        #expect(PGPWordList.even.count == 256)
        #expect(PGPWordList.odd.count == 256)
        #expect(Set((PGPWordList.even + PGPWordList.odd).map { $0.lowercased() }).count == 512)
    }

    @Test("bytes alternate between the two lists (the published example E582 94F2 E9A2)")
    func alternation() {
        #expect(PGPWordList.words(for: [0xE5, 0x82, 0x94, 0xF2, 0xE9, 0xA2]) ==
            ["topmost", "Istanbul", "Pluto", "vagabond", "treadmill", "Pacific"])
    }

    @Test("digest of known bytes, in hex and words")
    func digestOfABC() {
        let digest = PlanDigest(of: Data("abc".utf8))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest.words.count == 32)
        // 0xBA even, 0x78 odd, 0x16 even, 0xBF odd
        #expect(Array(digest.words.prefix(4)) == ["shadow", "indigo", "backward", "rebellion"])
        #expect(digest.wordLines.count == 8)
    }

    @Test("the digest is of the exact bytes: one changed byte changes it")
    func exactBytes() {
        let a = PlanDigest(of: Data(validTUFPlan.utf8))
        let b = PlanDigest(of: Data((validTUFPlan + " ").utf8))
        #expect(a != b)
        #expect(a.hex.count == 64)
    }
}
