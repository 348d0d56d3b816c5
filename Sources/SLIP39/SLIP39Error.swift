/// Why a SLIP-0039 mnemonic could not be read, a set of shares could not be combined, or a secret
/// could not be split.
///
/// Every case carries only positions, counts, indexes and parameter names, never a share word, a
/// share value or a secret byte, so a `description` is safe to print, log or record. Positions and
/// the group and member numbers in descriptions are 1-based (what a person counts); the
/// `groupIndex`/`memberIndex` payloads are the 0-based SLIP-0039 indexes, as in ``SLIP39Share``.
public enum SLIP39Error: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Reading one mnemonic

    /// The word at `position` (1-based) is not in the SLIP-0039 word list and is not a unique
    /// prefix of at least four letters of one.
    case unknownWord(position: Int)
    /// A share has 20 words or more (33 for a 256-bit secret) and never a count whose share value
    /// would need more than 8 padding bits; `count` words is not such a length.
    case wrongWordCount(count: Int)
    /// The RS1024 checksum does not hold. `suspectPosition` is the 1-based position of the one word
    /// whose replacement by some other list word makes the checksum hold, or `nil` when no single
    /// word (or more than one position) would: then more than one word is wrong.
    case checksumFailed(suspectPosition: Int?)
    /// The padding bits in front of the share value are not all zero.
    case invalidPadding
    /// The share says its group threshold is greater than its group count.
    case groupThresholdExceedsGroupCount(groupThreshold: Int, groupCount: Int)

    // MARK: Combining shares

    /// `combine` was given no shares.
    case noShares
    /// The shares are from different share sets: they differ in `parameter` (the identifier, the
    /// extendable flag or the iteration exponent), which every share of one set has in common.
    case differentSets(parameter: SetParameter)
    /// Two shares have the same group and member index (the same share typed twice, or two shares
    /// claiming one place).
    case duplicateShare(groupIndex: Int, memberIndex: Int)
    /// The shares agree on the set but disagree on `parameter`, which all shares of the set (group
    /// threshold, group count, share length) or of one group (member threshold, with `groupIndex`)
    /// must share.
    case inconsistentGroupParameters(parameter: GroupParameter, groupIndex: Int?)
    /// Not enough shares: `groupsNeeded` groups must each be complete, `groupsComplete` are, and
    /// `incomplete` lists each group that has some shares but fewer than its member threshold.
    case tooFewShares(groupsNeeded: Int, groupsComplete: Int, incomplete: [GroupShortfall])
    /// Shares from `provided` groups, but the set's group threshold is `needed`: SLIP-0039 combines
    /// exactly a threshold of groups.
    case tooManyGroups(provided: Int, needed: Int)
    /// Group `groupIndex` has `provided` shares but its member threshold is `needed`: SLIP-0039
    /// combines exactly a threshold of shares in each group.
    case tooManyShares(groupIndex: Int, provided: Int, needed: Int)
    /// Every share is a valid mnemonic of the same set, but the recovered secret does not match the
    /// digest share: at least one share does not belong with the others.
    case digestMismatch

    // MARK: Splitting a secret

    /// A master secret must be 16–256 bytes (128–2048 bits) and an even number of bytes.
    case invalidSecretLength(byteCount: Int)
    /// The passphrase may hold only printable ASCII (code points 32–126), as the specification
    /// requires.
    case invalidPassphrase
    /// The iteration exponent must be 0–15 (4 bits).
    case invalidIterationExponent(Int)
    /// The group threshold must be 1 to the number of groups, and there must be 1–16 groups.
    case invalidGroupThreshold(threshold: Int, groupCount: Int)
    /// More than 16 groups were asked for.
    case tooManyGroupsToSplit(count: Int)
    /// Group `groupIndex` asks for a member threshold outside 1 to its member count, or more than
    /// 16 members.
    case invalidMemberThreshold(groupIndex: Int, threshold: Int, memberCount: Int)
    /// Group `groupIndex` asks for a 1-of-N split with N > 1, which gives no more safety than 1-of-1
    /// and is refused as the specification recommends and the reference implementation does.
    case singleMemberThresholdWithManyMembers(groupIndex: Int, memberCount: Int)
    /// The random-byte source returned a different number of bytes than asked for.
    case randomSourceFailed

    /// A parameter every share of one set has in common.
    public enum SetParameter: String, Sendable, Equatable {
        case identifier, extendable, iterationExponent
        var words: String {
            switch self {
            case .identifier: "identifier"
            case .extendable: "extendable flag"
            case .iterationExponent: "iteration exponent"
            }
        }
    }

    /// A parameter every share of one set (or one group) has in common.
    public enum GroupParameter: String, Sendable, Equatable {
        case groupThreshold, groupCount, memberThreshold, shareLength
        var words: String {
            switch self {
            case .groupThreshold: "group threshold"
            case .groupCount: "group count"
            case .memberThreshold: "member threshold"
            case .shareLength: "length"
            }
        }
    }

    /// A group that has some shares, but fewer than its member threshold.
    public struct GroupShortfall: Sendable, Equatable {
        /// The 0-based SLIP-0039 group index.
        public var groupIndex: Int
        /// Shares given for this group.
        public var provided: Int
        /// The group's member threshold.
        public var needed: Int
        public init(groupIndex: Int, provided: Int, needed: Int) {
            self.groupIndex = groupIndex
            self.provided = provided
            self.needed = needed
        }
    }

    public var description: String {
        switch self {
        case .unknownWord(let position):
            return "word \(position) is not a SLIP-39 word (type the whole word or at least its first 4 letters)"
        case .wrongWordCount(let count):
            return "\(count) \(count == 1 ? "word is" : "words are") not the length of a SLIP-39 share (20 words for a 128-bit secret, 33 for a 256-bit one)"
        case .checksumFailed(let position?):
            return "the share's checksum does not hold: word \(position) looks wrong"
        case .checksumFailed(nil):
            return "the share's checksum does not hold, and no single word explains it: more than one word looks wrong"
        case .invalidPadding:
            return "the share's padding bits are not zero: it is not a valid SLIP-39 share"
        case .groupThresholdExceedsGroupCount(let threshold, let count):
            return "the share says \(threshold) groups are needed out of \(count): it is not a valid SLIP-39 share"
        case .noShares:
            return "no shares were given"
        case .differentSets(let parameter):
            return "the shares are from different share sets (their \(parameter.words) differs)"
        case .duplicateShare(let group, let member):
            return "two shares are group \(group + 1), member \(member + 1): the same share was given twice, or shares of two different splits were mixed"
        case .inconsistentGroupParameters(let parameter, let group?):
            return "the shares of group \(group + 1) disagree on the \(parameter.words)"
        case .inconsistentGroupParameters(let parameter, nil):
            return "the shares are from one set but disagree on the \(parameter.words)"
        case .tooFewShares(let needed, let complete, let incomplete):
            var parts = ["not enough shares: \(needed) \(needed == 1 ? "group is" : "groups are") needed and \(complete) \(complete == 1 ? "is" : "are") complete"]
            for shortfall in incomplete {
                let more = shortfall.needed - shortfall.provided
                parts.append("group \(shortfall.groupIndex + 1) needs \(more) more \(more == 1 ? "share" : "shares") (has \(shortfall.provided) of \(shortfall.needed))")
            }
            let groupsWithShares = complete + incomplete.count
            if groupsWithShares < needed {
                let missing = needed - groupsWithShares
                parts.append("shares from \(missing) more \(missing == 1 ? "group are" : "groups are") needed")
            }
            return parts.joined(separator: "; ")
        case .tooManyGroups(let provided, let needed):
            return "shares from \(provided) groups were given, but exactly \(needed) \(needed == 1 ? "group is" : "groups are") combined: leave out the shares of \(provided - needed) \(provided - needed == 1 ? "group" : "groups")"
        case .tooManyShares(let group, let provided, let needed):
            return "group \(group + 1) has \(provided) shares, but exactly \(needed) \(needed == 1 ? "is" : "are") combined: leave out \(provided - needed)"
        case .digestMismatch:
            return "the shares are valid but do not belong together: the recovered secret fails its digest check"
        case .invalidSecretLength(let count):
            return "a secret to split must be 16 to 256 bytes and an even number of bytes, not \(count)"
        case .invalidPassphrase:
            return "the passphrase may contain only printable ASCII characters"
        case .invalidIterationExponent(let exponent):
            return "the iteration exponent must be 0 to 15, not \(exponent)"
        case .invalidGroupThreshold(let threshold, let count):
            return "the group threshold must be 1 to the number of groups (\(count)), not \(threshold)"
        case .tooManyGroupsToSplit(let count):
            return "at most 16 groups are possible, not \(count)"
        case .invalidMemberThreshold(let group, let threshold, let count):
            return "group \(group + 1): a member threshold of \(threshold) with \(count) members is not possible (1 to 16 members, threshold 1 to the member count)"
        case .singleMemberThresholdWithManyMembers(let group, let count):
            return "group \(group + 1): a 1-of-\(count) split is refused; any one share would be the whole group share, so use 1-of-1"
        case .randomSourceFailed:
            return "the random source did not return the bytes asked for"
        }
    }
}
