/// One SLIP-0039 share, decoded from (or encoded to) its mnemonic.
///
/// Layout (SLIP-0039, section "Format of the share mnemonic"), in 10-bit words:
/// identifier (15 bits) ‖ extendable flag (1) ‖ iteration exponent (4) ‖ group index (4) ‖
/// group threshold − 1 (4) ‖ group count − 1 (4) ‖ member index (4) ‖ member threshold − 1 (4) ‖
/// zero padding ‖ share value ‖ RS1024 checksum (3 words). A share of an n-byte secret has
/// 7 + ⌈8n / 10⌉ words: 20 for 128 bits, 33 for 256 bits.
///
/// `value` is secret-bearing. `description`, `debugDescription` and the reflection mirror show
/// the parameters only, never the value or the words, so a share cannot be printed by accident;
/// `words` and `mnemonic` are for the hand-out alone.
public struct SLIP39Share: Sendable, Equatable {
    /// The random 15-bit identifier common to every share of one set.
    public let identifier: UInt16
    /// Whether the set is extendable: the identifier is then not part of the encryption salt, so
    /// further sets with other identifiers can share the same encrypted master secret.
    public let extendable: Bool
    /// e in PBKDF2's 10000 · 2^e iterations (0–15).
    public let iterationExponent: Int
    /// The 0-based group index (the x value of the group share), 0–15.
    public let groupIndex: Int
    /// How many groups are needed to recover the secret, 1–16.
    public let groupThreshold: Int
    /// How many groups the set has, 1–16.
    public let groupCount: Int
    /// The 0-based member index within the group (the x value of the member share), 0–15.
    public let memberIndex: Int
    /// How many members of this group are needed to recover the group share, 1–16.
    public let memberThreshold: Int
    /// The share value (secret-bearing), at least 16 bytes and an even number of bytes.
    public let value: [UInt8]

    static let identifierWordCount = 2
    static let parameterWordCount = 2
    static let metadataWordCount = identifierWordCount + parameterWordCount + RS1024.checksumWordCount
    static let minimumWordCount = metadataWordCount + 13  // 128 bits of value
    /// Longest share accepted: a 2048-bit (256-byte) secret. The specification sets no bound; this
    /// one keeps work on hostile input bounded and is far above any key this tool splits.
    static let maximumWordCount = metadataWordCount + 205

    init(identifier: UInt16, extendable: Bool, iterationExponent: Int, groupIndex: Int,
         groupThreshold: Int, groupCount: Int, memberIndex: Int, memberThreshold: Int, value: [UInt8]) {
        self.identifier = identifier
        self.extendable = extendable
        self.iterationExponent = iterationExponent
        self.groupIndex = groupIndex
        self.groupThreshold = groupThreshold
        self.groupCount = groupCount
        self.memberIndex = memberIndex
        self.memberThreshold = memberThreshold
        self.value = value
    }

    /// Decodes a mnemonic: words separated by any whitespace, each a whole list word or a unique
    /// prefix of at least 4 letters (case-insensitive).
    ///
    /// - Throws: ``SLIP39Error/unknownWord(position:)``, ``SLIP39Error/wrongWordCount(count:)``,
    ///   ``SLIP39Error/checksumFailed(suspectPosition:)``, ``SLIP39Error/invalidPadding``,
    ///   ``SLIP39Error/groupThresholdExceedsGroupCount(groupThreshold:groupCount:)``.
    public init(mnemonic: String) throws(SLIP39Error) {
        // Scans only as far as one word past the longest share, so a huge input costs no more.
        var words: [String] = []
        var current = ""
        for character in mnemonic {
            if character.isWhitespace {
                if !current.isEmpty { words.append(current); current = "" }
                if words.count > Self.maximumWordCount { break }
            } else if current.utf8.count <= 16 {  // longer than any word; kept short, still unknown
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        try self.init(words: words)
    }

    /// Decodes a share from its words, each a whole list word or a unique prefix of at least 4
    /// letters (case-insensitive). Throws as ``init(mnemonic:)``.
    public init(words: [String]) throws(SLIP39Error) {
        var indexes: [Int] = []
        indexes.reserveCapacity(min(words.count, Self.maximumWordCount + 1))
        for (position, word) in words.prefix(Self.maximumWordCount + 1).enumerated() {
            guard let index = SLIP39.wordIndex(word) else {
                throw .unknownWord(position: position + 1)
            }
            indexes.append(index)
        }
        defer { for i in indexes.indices { indexes[i] = 0 } }
        try self.init(indexes: indexes, wordCount: words.count)
    }

    private init(indexes: [Int], wordCount: Int) throws(SLIP39Error) {
        guard wordCount >= Self.minimumWordCount, wordCount <= Self.maximumWordCount else {
            throw .wrongWordCount(count: wordCount)
        }
        let valueWordCount = wordCount - Self.metadataWordCount
        let paddingBits = (10 * valueWordCount) % 16
        guard paddingBits <= 8 else { throw .wrongWordCount(count: wordCount) }

        let idExp = indexes[0] << 10 | indexes[1]
        let extendable = (idExp >> 4) & 1 == 1
        guard RS1024.verify(indexes, extendable: extendable) else {
            throw .checksumFailed(suspectPosition: RS1024.locateSingleError(indexes, extendable: extendable).map { $0 + 1 })
        }

        let parameters = indexes[2] << 10 | indexes[3]
        let groupIndex = (parameters >> 16) & 0xF
        let groupThreshold = (parameters >> 12) & 0xF + 1
        let groupCount = (parameters >> 8) & 0xF + 1
        let memberIndex = (parameters >> 4) & 0xF
        let memberThreshold = parameters & 0xF + 1
        guard groupThreshold <= groupCount else {
            throw .groupThresholdExceedsGroupCount(groupThreshold: groupThreshold, groupCount: groupCount)
        }

        let valueWords = Array(indexes[(Self.identifierWordCount + Self.parameterWordCount)..<(wordCount - RS1024.checksumWordCount)])
        guard let value = Self.bytes(fromWords: valueWords, paddingBits: paddingBits) else {
            throw .invalidPadding
        }
        self.init(identifier: UInt16(idExp >> 5), extendable: extendable, iterationExponent: idExp & 0xF,
                  groupIndex: groupIndex, groupThreshold: groupThreshold, groupCount: groupCount,
                  memberIndex: memberIndex, memberThreshold: memberThreshold, value: value)
    }

    /// The mnemonic's words, in order.
    public var words: [String] { indexes.map { SLIP39.wordList[$0] } }

    /// The words joined by single spaces.
    public var mnemonic: String { words.joined(separator: " ") }

    /// The 10-bit word values of the mnemonic, checksum included.
    var indexes: [Int] {
        let idExp = Int(identifier) << 5 | (extendable ? 1 << 4 : 0) | iterationExponent
        let parameters = groupIndex << 16 | (groupThreshold - 1) << 12 | (groupCount - 1) << 8
            | memberIndex << 4 | (memberThreshold - 1)
        let data = [idExp >> 10, idExp & 1023, parameters >> 10, parameters & 1023] + Self.words(fromBytes: value)
        return data + RS1024.checksum(for: data, extendable: extendable)
    }

    /// The value's bits, front-padded with zeros to a whole number of 10-bit words.
    static func words(fromBytes bytes: [UInt8]) -> [Int] {
        let wordCount = (bytes.count * 8 + 9) / 10
        var words: [Int] = []
        words.reserveCapacity(wordCount)
        var accumulator = 0
        var bits = wordCount * 10 - bytes.count * 8  // leading zero padding
        for byte in bytes {
            accumulator = accumulator << 8 | Int(byte)
            bits += 8
            while bits >= 10 {
                bits -= 10
                words.append((accumulator >> bits) & 1023)
                accumulator &= (1 << bits) - 1
            }
        }
        return words
    }

    /// The bytes after `paddingBits` leading bits, or `nil` if any padding bit is set.
    static func bytes(fromWords words: [Int], paddingBits: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity((words.count * 10 - paddingBits) / 8)
        var accumulator = 0
        var bits = 0
        var padding = paddingBits
        for word in words {
            accumulator = accumulator << 10 | word
            bits += 10
            if padding > 0 {
                let take = min(padding, bits)
                bits -= take
                padding -= take
                if accumulator >> bits != 0 { return nil }
                accumulator &= (1 << bits) - 1
            }
            while bits >= 8 {
                bits -= 8
                bytes.append(UInt8((accumulator >> bits) & 0xFF))
                accumulator &= (1 << bits) - 1
            }
        }
        return bytes
    }
}

extension SLIP39Share: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The parameters only; never the words or the value.
    public var description: String {
        "SLIP-39 share (set \(identifier), group \(groupIndex + 1) of \(groupCount) with \(groupThreshold) needed, "
            + "member \(memberIndex + 1) with \(memberThreshold) needed)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "identifier": identifier, "extendable": extendable, "iterationExponent": iterationExponent,
            "groupIndex": groupIndex, "groupThreshold": groupThreshold, "groupCount": groupCount,
            "memberIndex": memberIndex, "memberThreshold": memberThreshold,
        ])
    }
}
