/// The RS1024 checksum of SLIP-0039: a Reed–Solomon code over GF(1024) on 10-bit word values,
/// with the customization string's US-ASCII bytes fed in before the data. Its three check words
/// detect any error in up to three words, so a single wrong word can also be located.
///
/// Source: SLIP-0039, section "Checksum" (generator constants and the polymod algorithm).
enum RS1024 {
    /// The customization string: `shamir` for shares without the extendable flag,
    /// `shamir_extendable` for shares with it.
    static func customization(extendable: Bool) -> [UInt32] {
        (extendable ? "shamir_extendable" : "shamir").utf8.map(UInt32.init)
    }

    static let checksumWordCount = 3

    private static let generator: [UInt32] = [
        0xE0E040, 0x1C1C080, 0x3838100, 0x7070200, 0xE0E0009,
        0x1C0C2412, 0x38086C24, 0x3090FC48, 0x21B1F890, 0x3F3F120,
    ]

    /// `reduction[b]`: the XOR of the generator constants selected by the bits of the top 10 bits b.
    private static let reduction: [UInt32] = (0..<1024).map { top in
        (0..<10).reduce(UInt32(0)) { sum, bit in (top >> bit) & 1 == 1 ? sum ^ generator[bit] : sum }
    }

    /// The linear part of one polymod step: shifts the 30-bit state by one word and reduces it.
    @inline(__always)
    private static func step(_ state: UInt32) -> UInt32 {
        (state & 0xFFFFF) << 10 ^ reduction[Int(state >> 20)]
    }

    static func polymod<S: Sequence>(_ values: S, start: UInt32 = 1) -> UInt32 where S.Element == UInt32 {
        var state = start
        for value in values { state = step(state) ^ value }
        return state
    }

    /// The three checksum words for `data` (10-bit values).
    static func checksum(for data: [Int], extendable: Bool) -> [Int] {
        let values = customization(extendable: extendable) + data.map(UInt32.init) + [0, 0, 0]
        let remainder = polymod(values) ^ 1
        return (0..<checksumWordCount).reversed().map { Int((remainder >> (10 * UInt32($0))) & 1023) }
    }

    /// Whether the whole mnemonic (data and checksum words) passes.
    static func verify(_ words: [Int], extendable: Bool) -> Bool {
        polymod(customization(extendable: extendable) + words.map(UInt32.init)) == 1
    }

    /// The 0-based position of the one word that, replaced by some other list word, makes the
    /// checksum hold; `nil` if no position or more than one position does.
    ///
    /// The polymod is affine in each word: changing word *i* by XOR with *d* changes the final state
    /// by `step` applied (n − 1 − i) times to *d*. So every single-word fix is found with
    /// 1023 · n steps instead of trying 1023 words at n positions at n steps each (bounded work on
    /// any length). Word 2 also carries the extendable flag, which selects the customization
    /// string: a change there that flips the flag is matched against the other string's syndrome.
    static func locateSingleError(_ words: [Int], extendable: Bool) -> Int? {
        let count = words.count
        guard count > 1 else { return nil }
        let values = words.map(UInt32.init)
        let syndrome = polymod(customization(extendable: extendable) + values) ^ 1
        let flippedSyndrome = polymod(customization(extendable: !extendable) + values) ^ 1
        var positions = Set<Int>()
        for delta in UInt32(1)..<1024 {
            let flipsFlag = (delta >> 4) & 1 == 1
            var state = delta
            for distance in 0..<count {
                let position = count - 1 - distance
                if state == (position == 1 && flipsFlag ? flippedSyndrome : syndrome) { positions.insert(position) }
                state = step(state)
            }
        }
        return positions.count == 1 ? positions.first : nil
    }
}
