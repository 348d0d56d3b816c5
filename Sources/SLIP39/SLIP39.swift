import Crypto

/// SLIP-0039 Shamir's secret sharing for mnemonic codes (SatoshiLabs, SLIP-0039), as implemented by
/// the reference `shamir-mnemonic` 0.3.0: two-level (group and member) threshold sharing over
/// GF(256), a digest share at x = 254 and the secret at x = 255, a 4-round PBKDF2 Feistel
/// encryption of the master secret under an optional passphrase, and 1024-word mnemonics with an
/// RS1024 checksum.
///
/// Memory: intermediate buffers this library owns (the encrypted master secret, group shares, the
/// Feistel halves and round keys) are zeroed when done. Values handed out (``SLIP39Share/value``,
/// the secret `combine` returns) and copies Swift made of them are the caller's to wipe.
public enum SLIP39 {
    static let secretIndex = 255
    static let digestIndex = 254
    static let digestLength = 4
    static let maximumShareCount = 16
    static let minimumSecretLength = 16

    // MARK: Words

    private static let indexByPrefix: [String: Int] = {
        var map: [String: Int] = [:]
        for (index, word) in wordList.enumerated() { map[String(word.prefix(4))] = index }
        return map
    }()

    /// Completes a typed word: the exact word, or a prefix of at least 4 letters of one (every
    /// SLIP-0039 word is unique in its first 4 letters), case-insensitive. `nil` when it is neither.
    public static func completeWord(_ typed: String) -> String? {
        wordIndex(typed).map { wordList[$0] }
    }

    static func wordIndex(_ typed: String) -> Int? {
        let lowered = typed.lowercased()
        guard lowered.count >= 4, lowered.count <= 8, let index = indexByPrefix[String(lowered.prefix(4))] else {
            return nil
        }
        return wordList[index].hasPrefix(lowered) ? index : nil
    }

    // MARK: Splitting

    /// Splits a master secret into SLIP-0039 shares (SLIP-0039, "Generating the shares").
    ///
    /// - Parameters:
    ///   - masterSecret: 16–256 bytes, an even number of bytes.
    ///   - passphrase: printable ASCII bytes (32–126), empty for none.
    ///   - groupThreshold: how many groups recover the secret, 1 to `groups.count`.
    ///   - groups: 1–16 groups, in group-index order.
    ///   - iterationExponent: 0–15; PBKDF2 runs 10000 · 2^e iterations in all.
    ///   - extendable: sets the extendable flag (the identifier is then not in the encryption salt).
    ///   - randomBytes: returns exactly the number of cryptographically random bytes asked for
    ///     (used for the 15-bit identifier, the random shares and the digest's random part).
    /// - Returns: shares per group, in group order; in each group, in member-index order.
    /// - Throws: ``SLIP39Error/invalidSecretLength(byteCount:)``, ``SLIP39Error/invalidPassphrase``,
    ///   ``SLIP39Error/invalidIterationExponent(_:)``, ``SLIP39Error/tooManyGroupsToSplit(count:)``,
    ///   ``SLIP39Error/invalidGroupThreshold(threshold:groupCount:)``,
    ///   ``SLIP39Error/invalidMemberThreshold(groupIndex:threshold:memberCount:)``,
    ///   ``SLIP39Error/singleMemberThresholdWithManyMembers(groupIndex:memberCount:)``,
    ///   ``SLIP39Error/randomSourceFailed``.
    public static func split(masterSecret: [UInt8], passphrase: [UInt8] = [], groupThreshold: Int, groups: [SLIP39Group],
                             iterationExponent: Int = 0, extendable: Bool = true,
                             randomBytes: (Int) -> [UInt8]) throws(SLIP39Error) -> [[SLIP39Share]] {
        guard masterSecret.count >= minimumSecretLength, masterSecret.count % 2 == 0,
              masterSecret.count * 8 <= 2048
        else { throw .invalidSecretLength(byteCount: masterSecret.count) }
        guard passphrase.allSatisfy({ (32...126).contains($0) }) else { throw .invalidPassphrase }
        guard (0...15).contains(iterationExponent) else { throw .invalidIterationExponent(iterationExponent) }
        guard groups.count <= maximumShareCount else { throw .tooManyGroupsToSplit(count: groups.count) }
        guard !groups.isEmpty, (1...groups.count).contains(groupThreshold) else {
            throw .invalidGroupThreshold(threshold: groupThreshold, groupCount: groups.count)
        }
        for (index, group) in groups.enumerated() {
            guard (1...maximumShareCount).contains(group.memberCount),
                  (1...group.memberCount).contains(group.memberThreshold)
            else {
                throw .invalidMemberThreshold(groupIndex: index, threshold: group.memberThreshold,
                                              memberCount: group.memberCount)
            }
            if group.memberThreshold == 1 && group.memberCount > 1 {
                throw .singleMemberThresholdWithManyMembers(groupIndex: index, memberCount: group.memberCount)
            }
        }

        let random = try draw(2, from: randomBytes)
        let identifier = (UInt16(random[0]) << 8 | UInt16(random[1])) & 0x7FFF
        var encrypted = FeistelCipher.encrypt(masterSecret, passphrase: passphrase, iterationExponent: iterationExponent,
                                              identifier: identifier, extendable: extendable)
        defer { SecureZero.wipe(&encrypted) }
        var groupShares = try splitSecret(threshold: groupThreshold, count: groups.count, secret: encrypted,
                                          randomBytes: randomBytes)
        defer { for i in groupShares.indices { SecureZero.wipe(&groupShares[i].y) } }

        var result: [[SLIP39Share]] = []
        for (group, groupShare) in zip(groups, groupShares) {
            var members = try splitSecret(threshold: group.memberThreshold, count: group.memberCount,
                                          secret: groupShare.y, randomBytes: randomBytes)
            result.append(members.map { member in
                SLIP39Share(identifier: identifier, extendable: extendable, iterationExponent: iterationExponent,
                            groupIndex: groupShare.x, groupThreshold: groupThreshold, groupCount: groups.count,
                            memberIndex: member.x, memberThreshold: group.memberThreshold, value: member.y)
            })
            for i in members.indices { SecureZero.wipe(&members[i].y) }
        }
        return result
    }

    private static func draw(_ count: Int, from randomBytes: (Int) -> [UInt8]) throws(SLIP39Error) -> [UInt8] {
        let bytes = randomBytes(count)
        guard bytes.count == count else { throw .randomSourceFailed }
        return bytes
    }

    /// SplitSecret of SLIP-0039: `count` points of which any `threshold` recover `secret`; for a
    /// threshold above 1 the polynomial also passes through the digest share (x = 254) and the
    /// secret (x = 255).
    private static func splitSecret(threshold: Int, count: Int, secret: [UInt8],
                                    randomBytes: (Int) -> [UInt8]) throws(SLIP39Error) -> [GF256.Point] {
        if threshold == 1 {
            return (0..<count).map { GF256.Point(x: $0, y: secret) }
        }
        var base: [GF256.Point] = []
        for x in 0..<(threshold - 2) {
            base.append(GF256.Point(x: x, y: try draw(secret.count, from: randomBytes)))
        }
        var randomPart = try draw(secret.count - digestLength, from: randomBytes)
        base.append(GF256.Point(x: digestIndex, y: digest(randomPart: randomPart, secret: secret) + randomPart))
        base.append(GF256.Point(x: secretIndex, y: secret))
        SecureZero.wipe(&randomPart)
        var points = Array(base.prefix(threshold - 2))
        for x in (threshold - 2)..<count {
            points.append(GF256.Point(x: x, y: GF256.interpolate(base, at: x)))
        }
        for i in base.indices.dropFirst(threshold - 2) { SecureZero.wipe(&base[i].y) }
        return points
    }

    /// The first 4 bytes of HMAC-SHA256 keyed with the random part, over the shared secret.
    private static func digest(randomPart: [UInt8], secret: [UInt8]) -> [UInt8] {
        let mac = HMAC<SHA256>.authenticationCode(for: secret, using: SymmetricKey(data: randomPart))
        return Array(Array(mac).prefix(digestLength))
    }

    // MARK: Combining

    /// Recovers the master secret from shares, in any order (SLIP-0039, "Combining the shares").
    ///
    /// As the specification requires (and the reference does), the shares must come from exactly
    /// the group threshold of groups, with exactly each group's member threshold of shares. SLIP-0039
    /// cannot tell a wrong passphrase: it yields a different secret, which callers check against a
    /// check value of their own. Decryption runs 10000 · 2^e PBKDF2 iterations, with e read from
    /// the shares (0–15): this tool splits with e = 0 or 1 (well under a second), but a set made
    /// elsewhere with e = 15 takes minutes. The checks and the digest come first, so only a
    /// complete, consistent set ever pays that cost.
    ///
    /// - Returns: the master secret (the caller's to wipe).
    /// - Throws: ``SLIP39Error/noShares``, ``SLIP39Error/differentSets(parameter:)``,
    ///   ``SLIP39Error/inconsistentGroupParameters(parameter:groupIndex:)``,
    ///   ``SLIP39Error/duplicateShare(groupIndex:memberIndex:)``,
    ///   ``SLIP39Error/tooFewShares(groupsNeeded:groupsComplete:incomplete:)``,
    ///   ``SLIP39Error/tooManyGroups(provided:needed:)``,
    ///   ``SLIP39Error/tooManyShares(groupIndex:provided:needed:)``, ``SLIP39Error/digestMismatch``.
    public static func combine(_ shares: [SLIP39Share], passphrase: [UInt8] = []) throws(SLIP39Error) -> [UInt8] {
        guard let first = shares.first else { throw .noShares }
        for share in shares {
            if share.identifier != first.identifier { throw .differentSets(parameter: .identifier) }
            if share.extendable != first.extendable { throw .differentSets(parameter: .extendable) }
            if share.iterationExponent != first.iterationExponent { throw .differentSets(parameter: .iterationExponent) }
        }
        for share in shares {
            if share.groupThreshold != first.groupThreshold {
                throw .inconsistentGroupParameters(parameter: .groupThreshold, groupIndex: nil)
            }
            if share.groupCount != first.groupCount {
                throw .inconsistentGroupParameters(parameter: .groupCount, groupIndex: nil)
            }
            if share.value.count != first.value.count {
                throw .inconsistentGroupParameters(parameter: .shareLength, groupIndex: nil)
            }
        }

        // Groups in ascending group index; members in the order given.
        var byGroup: [Int: [SLIP39Share]] = [:]
        for share in shares { byGroup[share.groupIndex, default: []].append(share) }
        let groupIndexes = byGroup.keys.sorted()
        for groupIndex in groupIndexes {
            let members = byGroup[groupIndex]!
            if members.contains(where: { $0.memberThreshold != members[0].memberThreshold }) {
                throw .inconsistentGroupParameters(parameter: .memberThreshold, groupIndex: groupIndex)
            }
            var seen = Set<Int>()
            for member in members where !seen.insert(member.memberIndex).inserted {
                throw .duplicateShare(groupIndex: groupIndex, memberIndex: member.memberIndex)
            }
        }

        let groupThreshold = first.groupThreshold
        let complete = groupIndexes.filter { byGroup[$0]!.count >= byGroup[$0]![0].memberThreshold }
        if complete.count < groupThreshold {
            let incomplete = groupIndexes.compactMap { index -> SLIP39Error.GroupShortfall? in
                let members = byGroup[index]!
                guard members.count < members[0].memberThreshold else { return nil }
                return .init(groupIndex: index, provided: members.count, needed: members[0].memberThreshold)
            }
            throw .tooFewShares(groupsNeeded: groupThreshold, groupsComplete: complete.count, incomplete: incomplete)
        }
        if groupIndexes.count > groupThreshold {
            throw .tooManyGroups(provided: groupIndexes.count, needed: groupThreshold)
        }
        for groupIndex in groupIndexes {
            let members = byGroup[groupIndex]!
            if members.count > members[0].memberThreshold {
                throw .tooManyShares(groupIndex: groupIndex, provided: members.count, needed: members[0].memberThreshold)
            }
        }

        var groupSecrets: [GF256.Point] = []
        defer { for i in groupSecrets.indices { SecureZero.wipe(&groupSecrets[i].y) } }
        for groupIndex in groupIndexes {
            let members = byGroup[groupIndex]!
            let points = members.map { GF256.Point(x: $0.memberIndex, y: $0.value) }
            groupSecrets.append(GF256.Point(x: groupIndex, y: try recoverSecret(threshold: members[0].memberThreshold, points: points)))
        }
        var encrypted = try recoverSecret(threshold: groupThreshold, points: groupSecrets)
        defer { SecureZero.wipe(&encrypted) }
        return FeistelCipher.decrypt(encrypted, passphrase: passphrase, iterationExponent: first.iterationExponent,
                                     identifier: first.identifier, extendable: first.extendable)
    }

    /// RecoverSecret of SLIP-0039: the secret at x = 255, checked against the digest share at
    /// x = 254 when the threshold is above 1.
    private static func recoverSecret(threshold: Int, points: [GF256.Point]) throws(SLIP39Error) -> [UInt8] {
        if threshold == 1 { return points[0].y }
        var secret = GF256.interpolate(points, at: secretIndex)
        var digestShare = GF256.interpolate(points, at: digestIndex)
        defer { SecureZero.wipe(&digestShare) }
        var expected = digest(randomPart: Array(digestShare[digestLength...]), secret: secret)
        defer { SecureZero.wipe(&expected) }
        var difference: UInt8 = 0
        for i in 0..<digestLength { difference |= expected[i] ^ digestShare[i] }
        guard difference == 0 else {
            SecureZero.wipe(&secret)
            throw .digestMismatch
        }
        return secret
    }
}
