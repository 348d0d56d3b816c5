import Foundation
@testable import SLIP39
import Testing

/// Random bytes, except that the first two (the 15-bit identifier `split` draws first) are fixed,
/// so that two splits make shares of "the same set" as far as the identifier goes.
func fixedIdentifier(_ identifier: UInt16) -> (Int) -> [UInt8] {
    var first = true
    return { count in
        defer { first = false }
        if first && count == 2 { return [UInt8(identifier >> 8), UInt8(identifier & 0xFF)] }
        return randomBytes(count)
    }
}

func split(_ secret: [UInt8], _ groupThreshold: Int, _ groups: [(Int, Int)], identifier: UInt16 = 0x1234,
           extendable: Bool = true, exponent: Int = 0) throws -> [[SLIP39Share]] {
    try SLIP39.split(masterSecret: secret, groupThreshold: groupThreshold,
                     groups: groups.map { SLIP39Group(memberThreshold: $0.0, memberCount: $0.1) },
                     iterationExponent: exponent, extendable: extendable, randomBytes: fixedIdentifier(identifier))
}

func expectError(_ expected: SLIP39Error, _ body: () throws -> Void,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("no error; expected \(expected)", sourceLocation: sourceLocation)
    } catch {
        #expect(error as? SLIP39Error == expected, sourceLocation: sourceLocation)
    }
}

@Suite("SLIP-0039 reading a share: each wrong share gets its own error")
struct ShareErrorTests {
    let share = try! split(randomBytes(32), 1, [(2, 3)])[0][0]

    @Test("a word not in the list is named by its position")
    func unknownWord() {
        var words = share.words
        words[4] = "bitcoin"
        expectError(.unknownWord(position: 5)) { try SLIP39Share(words: words) }
        words[4] = "aca"  // a prefix shorter than 4 letters is not enough
        expectError(.unknownWord(position: 5)) { try SLIP39Share(words: words) }
        words = share.words
        words[32] = share.words[32] + "s"
        expectError(.unknownWord(position: 33)) { try SLIP39Share(words: words) }
    }

    @Test("whole words, 4-letter prefixes, longer prefixes and upper case all read the same share")
    func prefixes() throws {
        let prefixes = share.words.map { String($0.prefix(4)) }
        #expect(try SLIP39Share(words: prefixes) == share)
        let mixed = share.words.enumerated().map { $0 % 2 == 0 ? $1.uppercased() : String($1.prefix(5)) }
        #expect(try SLIP39Share(mnemonic: "  " + mixed.joined(separator: " \n\t ") + "\n") == share)
    }

    @Test("a share of the wrong length is refused by its word count", arguments: [0, 1, 19, 21, 34, 213, 100_000])
    func wrongLength(count: Int) {
        let shareWords = share.words
        let words = (0..<count).map { shareWords[$0 % shareWords.count] }
        expectError(.wrongWordCount(count: count)) { try SLIP39Share(words: words) }
        if count > 0 {
            expectError(.wrongWordCount(count: min(count, SLIP39Share.maximumWordCount + 1))) {
                try SLIP39Share(mnemonic: words.joined(separator: " "))
            }
        }
    }

    @Test("changing any single word of a share is detected, and the word is located",
          arguments: [16, 32])
    func everySingleWordChange(secretLength: Int) throws {
        let share = try split(randomBytes(secretLength), 1, [(2, 3)], extendable: secretLength == 16)[0][1]
        var generator = SystemRandomNumberGenerator()
        for position in share.words.indices {
            let original = SLIP39.wordList.firstIndex(of: share.words[position])!
            // Every other word at the identifier word that holds the extendable flag; a sample elsewhere.
            let replacements = position == 1
                ? Array(0..<1024).filter { $0 != original }
                : (0..<6).map { _ in (original + Int.random(in: 1..<1024, using: &generator)) % 1024 }
            for replacement in replacements {
                var words = share.words
                words[position] = SLIP39.wordList[replacement]
                expectError(.checksumFailed(suspectPosition: position + 1)) { try SLIP39Share(words: words) }
            }
        }
    }

    @Test("two wrong words fail the checksum without pointing at a single word")
    func twoWrongWords() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var words = share.words
            let positions = Array(words.indices.shuffled(using: &generator).prefix(2))
            for position in positions {
                let original = SLIP39.wordList.firstIndex(of: words[position])!
                words[position] = SLIP39.wordList[(original + Int.random(in: 1..<1024, using: &generator)) % 1024]
            }
            expectError(.checksumFailed(suspectPosition: nil)) { try SLIP39Share(words: words) }
        }
    }

    @Test("a share whose padding bits are set is refused even with a valid checksum")
    func padding() throws {
        for secretLength in [16, 32] {
            let share = try split(randomBytes(secretLength), 1, [(2, 3)])[0][0]
            var indexes = Array(share.indexes.dropLast(3))
            indexes[4] |= 0x200  // the first padding bit (2 bits of padding for both lengths)
            let words = (indexes + RS1024.checksum(for: indexes, extendable: true)).map { SLIP39.wordList[$0] }
            expectError(.invalidPadding) { try SLIP39Share(words: words) }
        }
    }

    @Test("a share claiming a group threshold above its group count is refused")
    func groupThresholdAboveCount() throws {
        var indexes = Array(share.indexes.dropLast(3))
        // Group threshold 3 (stored as 2) with the group count of 1 (stored as 0).
        var parameters = indexes[2] << 10 | indexes[3]
        parameters = parameters & ~(0xFF << 8) | (2 << 12) | (0 << 8)
        indexes[2] = parameters >> 10
        indexes[3] = parameters & 1023
        let words = (indexes + RS1024.checksum(for: indexes, extendable: true)).map { SLIP39.wordList[$0] }
        expectError(.groupThresholdExceedsGroupCount(groupThreshold: 3, groupCount: 1)) { try SLIP39Share(words: words) }
    }

    @Test("completeWord completes unique prefixes of 4 letters or more, and nothing else")
    func completion() {
        #expect(SLIP39.wordList.count == 1024)
        #expect(Set(SLIP39.wordList.map { $0.prefix(4) }).count == 1024)
        #expect(SLIP39.completeWord("acad") == "academic")
        #expect(SLIP39.completeWord("ACADE") == "academic")
        #expect(SLIP39.completeWord("academic") == "academic")
        #expect(SLIP39.completeWord("acid") == "acid")
        #expect(SLIP39.completeWord("aca") == nil)
        #expect(SLIP39.completeWord("academics") == nil)
        #expect(SLIP39.completeWord("acadx") == nil)
        #expect(SLIP39.completeWord("") == nil)
        #expect(SLIP39.completeWord("zzzz") == nil)
        for word in SLIP39.wordList {
            #expect(SLIP39.completeWord(String(word.prefix(4))) == word)
        }
    }

    @Test("a share prints its parameters, never its words or value")
    func printing() throws {
        func texts(_ share: SLIP39Share) -> [String] {
            [share.description, String(describing: share), String(reflecting: share), "\(share)",
             { var out = ""; dump(share, to: &out); return out }()]
        }
        func tokens(_ text: String) -> Set<String> {
            Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        }
        // The printed form's own words ("group", "member" are SLIP-39 words too) are those a
        // share made of other words prints as well; any other share word showing is a leak.
        let other = try split(randomBytes(32), 1, [(2, 3)])[0][1]
        let template = texts(other).reduce(into: Set<String>()) { $0.formUnion(tokens($1)) }
        for text in texts(share) {
            for (position, word) in share.words.enumerated() where tokens(text).contains(word) && !template.contains(word) {
                Issue.record("printed share shows the word at position \(position + 1)")
            }
            for pair in zip(share.words, share.words.dropFirst()) {
                #expect(!text.lowercased().contains("\(pair.0) \(pair.1)"), "printed share shows two of its words in a row")
            }
            #expect(!text.contains("value"))
        }
    }
}

@Suite("SLIP-0039 combining: each wrong set of shares gets its own error")
struct CombineErrorTests {
    @Test("no shares")
    func noShares() {
        expectError(.noShares) { _ = try SLIP39.combine([]) }
    }

    @Test("shares from different sets: identifier, extendable flag, iteration exponent")
    func differentSets() throws {
        let secret = randomBytes(16)
        let base = try split(secret, 1, [(2, 3)], identifier: 7)[0]
        let otherIdentifier = try split(secret, 1, [(2, 3)], identifier: 8)[0]
        let otherFlag = try split(secret, 1, [(2, 3)], identifier: 7, extendable: false)[0]
        let otherExponent = try split(secret, 1, [(2, 3)], identifier: 7, exponent: 1)[0]
        expectError(.differentSets(parameter: .identifier)) { _ = try SLIP39.combine([base[0], otherIdentifier[1]]) }
        expectError(.differentSets(parameter: .extendable)) { _ = try SLIP39.combine([base[0], otherFlag[1]]) }
        expectError(.differentSets(parameter: .iterationExponent)) { _ = try SLIP39.combine([base[0], otherExponent[1]]) }
    }

    @Test("the same share twice, and two shares claiming one place")
    func duplicates() throws {
        let secret = randomBytes(32)
        let shares = try split(secret, 1, [(3, 5)])[0]
        expectError(.duplicateShare(groupIndex: 0, memberIndex: 2)) { _ = try SLIP39.combine([shares[2], shares[0], shares[2]]) }
        let again = try split(secret, 1, [(3, 5)])[0]  // same identifier, other share values
        expectError(.duplicateShare(groupIndex: 0, memberIndex: 1)) { _ = try SLIP39.combine([shares[0], shares[1], again[1]]) }
    }

    @Test("shares of one set that disagree on group threshold, group count, member threshold or length")
    func inconsistent() throws {
        let secret = randomBytes(32)
        let base = try split(secret, 2, [(2, 3), (2, 3), (2, 3)])
        let otherThreshold = try split(secret, 3, [(2, 3), (2, 3), (2, 3)])
        let otherCount = try split(secret, 2, [(2, 3), (2, 3), (2, 3), (2, 3)])
        let otherMembers = try split(secret, 2, [(3, 3), (2, 3), (2, 3)])
        let shorter = try split(Array(secret.prefix(16)), 2, [(2, 3), (2, 3), (2, 3)])
        expectError(.inconsistentGroupParameters(parameter: .groupThreshold, groupIndex: nil)) {
            _ = try SLIP39.combine([base[0][0], base[0][1], otherThreshold[1][0]])
        }
        expectError(.inconsistentGroupParameters(parameter: .groupCount, groupIndex: nil)) {
            _ = try SLIP39.combine([base[0][0], base[0][1], otherCount[1][0]])
        }
        expectError(.inconsistentGroupParameters(parameter: .memberThreshold, groupIndex: 0)) {
            _ = try SLIP39.combine([base[0][0], otherMembers[0][1], base[1][0]])
        }
        expectError(.inconsistentGroupParameters(parameter: .shareLength, groupIndex: nil)) {
            _ = try SLIP39.combine([base[0][0], shorter[0][1]])
        }
    }

    @Test("too few shares: how many more of which group, and how many groups")
    func tooFew() throws {
        let groups = try split(randomBytes(32), 2, [(2, 3), (3, 5), (1, 1)])
        expectError(.tooFewShares(groupsNeeded: 2, groupsComplete: 0, incomplete: [.init(groupIndex: 1, provided: 1, needed: 3)])) {
            _ = try SLIP39.combine([groups[1][4]])
        }
        expectError(.tooFewShares(groupsNeeded: 2, groupsComplete: 1, incomplete: [])) {
            _ = try SLIP39.combine([groups[2][0]])
        }
        expectError(.tooFewShares(groupsNeeded: 2, groupsComplete: 1, incomplete: [
            .init(groupIndex: 0, provided: 1, needed: 2), .init(groupIndex: 1, provided: 2, needed: 3),
        ])) {
            _ = try SLIP39.combine([groups[1][0], groups[0][2], groups[2][0], groups[1][3]])
        }
        let error = SLIP39Error.tooFewShares(groupsNeeded: 3, groupsComplete: 1,
                                             incomplete: [.init(groupIndex: 1, provided: 1, needed: 3)])
        #expect(error.description == "not enough shares: 3 groups are needed and 1 is complete; "
            + "group 2 needs 2 more shares (has 1 of 3); shares from 1 more group are needed")
    }

    @Test("shares from more groups than the group threshold, or more shares than a member threshold")
    func tooMany() throws {
        let secret = randomBytes(32)
        let groups = try split(secret, 2, [(2, 3), (3, 5), (1, 1)])
        expectError(.tooManyGroups(provided: 3, needed: 2)) {
            _ = try SLIP39.combine([groups[0][0], groups[0][1], groups[2][0], groups[1][0]])
        }
        expectError(.tooManyShares(groupIndex: 1, provided: 4, needed: 3)) {
            _ = try SLIP39.combine(Array(groups[1].prefix(4)) + groups[2])
        }
        #expect(try SLIP39.combine(Array(groups[1].prefix(3)) + groups[2]) == secret)
    }

    @Test("valid shares of one set that do not belong together fail the digest check")
    func digest() throws {
        let secret = randomBytes(32)
        let a = try split(secret, 1, [(2, 3)])[0]
        let b = try split(secret, 1, [(2, 3)])[0]  // same identifier, different polynomial
        expectError(.digestMismatch) { _ = try SLIP39.combine([a[0], b[1]]) }
        let groupsA = try split(secret, 2, [(1, 1), (1, 1)])
        let groupsB = try split(randomBytes(32), 2, [(1, 1), (1, 1)])
        expectError(.digestMismatch) { _ = try SLIP39.combine([groupsA[0][0], groupsB[1][0]]) }
    }

    @Test("a wrong passphrase yields a different secret of the same length, not an error")
    func wrongPassphrase() throws {
        let secret = randomBytes(32)
        let shares = try SLIP39.split(masterSecret: secret, passphrase: Array("right".utf8), groupThreshold: 1,
                                      groups: [SLIP39Group(memberThreshold: 2, memberCount: 2)], randomBytes: randomBytes)[0]
        #expect(try SLIP39.combine(shares, passphrase: Array("right".utf8)) == secret)
        let wrong = try SLIP39.combine(shares, passphrase: Array("wrong".utf8))
        #expect(wrong != secret && wrong.count == 32)
    }
}

@Suite("SLIP-0039 splitting: the specification's rules")
struct SplitErrorTests {
    let secret = randomBytes(32)
    func attempt(secret: [UInt8]? = nil, passphrase: String = "", threshold: Int = 1, groups: [(Int, Int)] = [(2, 3)],
                 exponent: Int = 0, random: (Int) -> [UInt8] = randomBytes) throws(SLIP39Error) {
        _ = try SLIP39.split(masterSecret: secret ?? self.secret, passphrase: Array(passphrase.utf8), groupThreshold: threshold,
                             groups: groups.map { SLIP39Group(memberThreshold: $0.0, memberCount: $0.1) },
                             iterationExponent: exponent, randomBytes: random)
    }

    @Test("secret length: at least 128 bits, an even number of bytes")
    func secretLength() {
        expectError(.invalidSecretLength(byteCount: 14)) { try attempt(secret: randomBytes(14)) }
        expectError(.invalidSecretLength(byteCount: 17)) { try attempt(secret: randomBytes(17)) }
        expectError(.invalidSecretLength(byteCount: 0)) { try attempt(secret: []) }
        expectError(.invalidSecretLength(byteCount: 258)) { try attempt(secret: randomBytes(258)) }
    }

    @Test("passphrase: printable ASCII only")
    func passphrase() {
        expectError(.invalidPassphrase) { try attempt(passphrase: "naïve") }
        expectError(.invalidPassphrase) { try attempt(passphrase: "tab\there") }
    }

    @Test("iteration exponent 0 to 15")
    func exponent() {
        expectError(.invalidIterationExponent(16)) { try attempt(exponent: 16) }
        expectError(.invalidIterationExponent(-1)) { try attempt(exponent: -1) }
    }

    @Test("thresholds and counts: at most 16 groups and members, thresholds within their counts")
    func thresholds() {
        expectError(.tooManyGroupsToSplit(count: 17)) { try attempt(groups: Array(repeating: (1, 1), count: 17)) }
        expectError(.invalidGroupThreshold(threshold: 0, groupCount: 1)) { try attempt(threshold: 0) }
        expectError(.invalidGroupThreshold(threshold: 3, groupCount: 2)) { try attempt(threshold: 3, groups: [(2, 3), (1, 1)]) }
        expectError(.invalidGroupThreshold(threshold: 1, groupCount: 0)) { try attempt(groups: []) }
        expectError(.invalidMemberThreshold(groupIndex: 1, threshold: 4, memberCount: 3)) { try attempt(groups: [(1, 1), (4, 3)]) }
        expectError(.invalidMemberThreshold(groupIndex: 0, threshold: 2, memberCount: 17)) { try attempt(groups: [(2, 17)]) }
        expectError(.invalidMemberThreshold(groupIndex: 0, threshold: 0, memberCount: 3)) { try attempt(groups: [(0, 3)]) }
    }

    @Test("a 1-of-N member group (N > 1) is refused, as the reference refuses it")
    func oneOfMany() {
        expectError(.singleMemberThresholdWithManyMembers(groupIndex: 1, memberCount: 3)) {
            try attempt(threshold: 2, groups: [(2, 3), (1, 3)])
        }
    }

    @Test("a random source that returns the wrong number of bytes stops the split")
    func randomSource() {
        expectError(.randomSourceFailed) { try attempt(random: { _ in [1, 2, 3] }) }
    }

    @Test("16 groups of 16 members, the largest split, combines")
    func largest() throws {
        let groups = try SLIP39.split(masterSecret: secret, groupThreshold: 16,
                                      groups: Array(repeating: SLIP39Group(memberThreshold: 16, memberCount: 16), count: 16),
                                      randomBytes: randomBytes)
        #expect(groups.count == 16 && groups.allSatisfy { $0.count == 16 })
        #expect(try SLIP39.combine(groups.flatMap { $0.shuffled() }) == secret)
    }
}

@Suite("SLIP-0039 errors carry no secret")
struct ErrorHygieneTests {
    /// Every payload of every case is a number, a flag or an enum: walk the mirror and fail on
    /// anything that could hold a word or a byte string.
    @Test("no error case can carry a string or bytes")
    func payloadsAreNumbers() {
        let errors: [SLIP39Error] = [
            .unknownWord(position: 1), .wrongWordCount(count: 1), .checksumFailed(suspectPosition: 1), .invalidPadding,
            .groupThresholdExceedsGroupCount(groupThreshold: 2, groupCount: 1), .noShares,
            .differentSets(parameter: .identifier), .duplicateShare(groupIndex: 0, memberIndex: 0),
            .inconsistentGroupParameters(parameter: .groupCount, groupIndex: 1),
            .tooFewShares(groupsNeeded: 2, groupsComplete: 0, incomplete: [.init(groupIndex: 0, provided: 1, needed: 2)]),
            .tooManyGroups(provided: 3, needed: 2), .tooManyShares(groupIndex: 0, provided: 3, needed: 2), .digestMismatch,
            .invalidSecretLength(byteCount: 1), .invalidPassphrase, .invalidIterationExponent(16),
            .invalidGroupThreshold(threshold: 0, groupCount: 1), .tooManyGroupsToSplit(count: 17),
            .invalidMemberThreshold(groupIndex: 0, threshold: 0, memberCount: 1),
            .singleMemberThresholdWithManyMembers(groupIndex: 0, memberCount: 2), .randomSourceFailed,
        ]
        func check(_ value: Any, path: String) {
            if value is String || value is [UInt8] || value is Substring {
                Issue.record("\(path) holds text or bytes")
            }
            for child in Mirror(reflecting: value).children { check(child.value, path: path + "." + (child.label ?? "?")) }
        }
        for error in errors {
            check(error, path: "\(error)")
            #expect(!error.description.isEmpty)
        }
    }
}
