import Foundation
import PKCS11
import Yams

/// A root-generation plan's `backup:` section: how the backup key that wraps the keys marked
/// `backup: true` is split into SLIP-39 shares, who keeps them, and where the drill is done.
///
/// ```yaml
/// backup:
///   group_threshold: 1            # groups needed to recover (SLIP-39 group threshold)
///   groups:
///     - threshold: 2              # member threshold of this group
///       custodians: [Erin, Frank, Grace]
///   iteration_exponent: 1         # optional, SLIP-39 PBKDF2 cost exponent, 0...5 (default 1)
///   protection: none              # optional; `passphrase`: the officer also types a SLIP-39
///                                 # passphrase (the key is not named "passphrase": plans never
///                                 # hold secrets, and such keys are refused everywhere)
///   share_cards: false            # optional; true: a printable card per custodian
///   drill:                        # the token the recovery drill restores onto, then wipes
///     holder: Oscar
///     token: {label: drill}
/// ```
///
/// Shares are never in the plan, the transcript or `public/`: the plan names people only.
package struct BackupPlan: Sendable, Equatable {
    /// One SLIP-39 group: its member threshold and its custodians, one share each.
    package struct Group: Sendable, Equatable {
        package var threshold: Int
        package var custodians: [String]

        package init(threshold: Int, custodians: [String]) {
            self.threshold = threshold
            self.custodians = custodians
        }
    }

    package var groupThreshold: Int
    package var groups: [Group]
    /// SLIP-39 iteration exponent: the passphrase KDF runs 10,000 × 2^e PBKDF2 iterations.
    package var iterationExponent: Int
    /// Whether the shares are protected by a SLIP-39 passphrase typed by the officer.
    package var passphrase: Bool
    /// Whether a printable HTML card is written for each custodian.
    package var shareCards: Bool
    /// The drill token, as a key entry with no key (``RootKey/Source/recoveryDrill``).
    package var drill: RootKey

    /// The drill token's name in steps and the transcript.
    package static let drillName = "recovery-drill"
    /// The key algorithms a backup can wrap and restore: SoftHSM2 cannot wrap Ed25519
    /// (`CKR_KEY_NOT_WRAPPABLE`), and restoring rebuilds the public object from an EC point.
    package static let wrappableAlgorithms: [KeyAlgorithm] = [.ecdsaP256, .ecdsaP384]

    package init(groupThreshold: Int, groups: [Group], iterationExponent: Int = 1, passphrase: Bool = false,
                 shareCards: Bool = false, drill: RootKey) {
        self.groupThreshold = groupThreshold
        self.groups = groups
        self.iterationExponent = iterationExponent
        self.passphrase = passphrase
        self.shareCards = shareCards
        self.drill = drill
    }

    /// Every custodian, in group order.
    package var custodians: [String] { groups.flatMap(\.custodians) }

    /// "1 of 1 group: 2 of Erin, Frank, Grace".
    package var summary: String {
        let groupText = groups.map { "\($0.threshold) of \($0.custodians.joined(separator: ", "))" }
        if groups.count == 1 { return groupText[0] }
        return "\(groupThreshold) of \(groups.count) groups: " + groupText.map { "(\($0))" }.joined(separator: "; ")
    }
}

extension BackupPlan {
    /// Reads `backup:` and checks it against the root keys marked for backup.
    ///
    /// SLIP-39's own rules are checked here, at `plan check`, so no ceremony starts with a split
    /// the format cannot make: 1...16 groups, a group threshold of 1...groups, 1...16 custodians
    /// per group, a member threshold of 1...custodians, and no 1-of-N group with N > 1 (one
    /// custodian could recover alone while several hold copies; the reference refuses it too).
    static func read(_ node: Node?, keys: [RootKey], sink: DiagnosticSink) -> BackupPlan? {
        let marked = keys.filter(\.backup)
        guard let node else {
            for key in marked {
                let at = key.location(of: "backup")
                sink.error(line: at.line, column: at.column, "key '\(key.name)' is marked 'backup: true' but the plan has no 'backup' section naming the share custodians")
            }
            return nil
        }
        guard let map = StrictMapping(node, "backup", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["group_threshold", "groups", "iteration_exponent", "protection", "share_cards", "drill"])
        if marked.isEmpty {
            sink.error(node, "the plan has a 'backup' section but no root key is marked 'backup: true'")
        }
        for key in marked {
            if let algorithm = key.algorithm, !wrappableAlgorithms.contains(algorithm) {
                let at = key.location(of: "algorithm")
                sink.error(line: at.line, column: at.column, "key '\(key.name)' is \(algorithm.rawValue), which cannot be backed up: tokens such as SoftHSM2 refuse to wrap Ed25519 keys, and a restore rebuilds only ECDSA keys; use \(wrappableAlgorithms.map(\.rawValue).joined(separator: " or ")) for a key marked 'backup: true'")
            }
        }
        let groupsNode = map.required("groups", expected: "a list of groups, each with 'threshold' and 'custodians'")
        var groups: [Group] = []
        var groupsOK = groupsNode != nil
        if let groupsNode, let items = StrictYAML.sequence(groupsNode, "backup groups", sink: sink) {
            if items.isEmpty || items.count > 16 {
                sink.error(groupsNode, "backup has \(items.count) groups; SLIP-39 allows 1 to 16")
                groupsOK = false
            }
            for item in items {
                guard let group = readGroup(item, sink: sink) else { groupsOK = false; continue }
                groups.append(group)
            }
        } else {
            groupsOK = false
        }
        var seen: Set<[UInt8]> = []
        for custodian in groups.flatMap(\.custodians) where !seen.insert(Array(custodian.utf8)).inserted {
            sink.error(groupsNode, "custodian '\(custodian)' is named twice; each custodian keeps one share")
            groupsOK = false
        }
        let groupThresholdNode = map.required("group_threshold", expected: "how many groups are needed to recover, at least 1")
        let groupThreshold = groupThresholdNode.flatMap { StrictYAML.int($0, "group_threshold", sink: sink) }
        if let groupThreshold, groupsOK, !(1...groups.count).contains(groupThreshold) {
            sink.error(groupThresholdNode, "group_threshold is \(groupThreshold) but there \(groups.count == 1 ? "is 1 group" : "are \(groups.count) groups"); expected 1 to \(groups.count)")
            groupsOK = false
        }
        var exponent = 1
        if let exponentNode = map.optional("iteration_exponent") {
            if let value = StrictYAML.int(exponentNode, "iteration_exponent", sink: sink) {
                if (0...5).contains(value) { exponent = value } else {
                    sink.error(exponentNode, "iteration_exponent is \(value); expected 0 to 5 (each step doubles the time to combine shares)")
                }
            }
        }
        var passphrase = false
        if let node = map.optional("protection"), let text = StrictYAML.string(node, "protection", sink: sink) {
            switch text {
            case "none": passphrase = false
            case "passphrase": passphrase = true
            default: sink.error(node, "protection '\(text)' is not known; expected 'none' or 'passphrase' (a SLIP-39 passphrase the officer types at the split and at every recovery)")
            }
        }
        let cards = map.optional("share_cards").flatMap { StrictYAML.bool($0, "share_cards", sink: sink) } ?? false
        let drill = map.required("drill", expected: "the drill token: a mapping with 'holder' and 'token'").flatMap { readDrill($0, sink: sink) }
        if let drill, keys.contains(where: { $0.token != nil && $0.token == drill.token }) {
            sink.error(map.raw("drill"), "the drill token is also a root key's token; the drill restores keys onto a token of its own and wipes them there")
        }
        guard groupsOK, let groupThreshold, let drill, !marked.isEmpty else { return nil }
        return BackupPlan(groupThreshold: groupThreshold, groups: groups, iterationExponent: exponent,
                          passphrase: passphrase, shareCards: cards, drill: drill)
    }

    private static func readGroup(_ node: Node, sink: DiagnosticSink) -> Group? {
        guard let map = StrictMapping(node, "a backup group", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["threshold", "custodians"])
        let thresholdNode = map.required("threshold", expected: "how many of this group's custodians must come to recover")
        let threshold = thresholdNode.flatMap { StrictYAML.int($0, "group threshold", sink: sink) }
        let custodiansNode = map.required("custodians", expected: "the names of the people who each keep one share")
        let custodians = custodiansNode.flatMap { FieldReaders.people($0, "custodians", sink: sink) }
        guard let threshold, let custodians else { return nil }
        if custodians.isEmpty || custodians.count > 16 {
            sink.error(custodiansNode, "a group has \(custodians.count) custodians; SLIP-39 allows 1 to 16")
            return nil
        }
        if !(1...custodians.count).contains(threshold) {
            sink.error(thresholdNode, "group threshold is \(threshold) with \(custodians.count) custodian\(custodians.count == 1 ? "" : "s"); expected 1 to \(custodians.count)")
            return nil
        }
        if threshold == 1 && custodians.count > 1 {
            sink.error(thresholdNode, "a 1-of-\(custodians.count) group lets any one custodian recover alone while \(custodians.count) hold copies; SLIP-39 refuses it: use a 1-of-1 group or a threshold of at least 2")
            return nil
        }
        return Group(threshold: threshold, custodians: custodians)
    }

    private static func readDrill(_ node: Node, sink: DiagnosticSink) -> RootKey? {
        guard let map = StrictMapping(node, "drill", sink: sink) else { return nil }
        map.rejectUnknownKeys(allowed: ["holder", "token"])
        let holder = map.required("holder", expected: "the person who inserts the drill token and types its PIN")
            .flatMap { FieldReaders.personName($0, "drill holder", sink: sink) }
        let tokenNode = map.optional("token")
        let token = tokenNode.flatMap { FieldReaders.tokenSelector($0, "drill token", sink: sink) }
        guard let holder, tokenNode == nil || token != nil else { return nil }
        var fields: [String: SourceLocation] = [:]
        for entry in map.entries { fields[entry.key] = RootPlanFields.location(entry.value) }
        return RootKey(name: drillName, holder: holder, token: token, source: .recoveryDrill,
                       location: RootPlanFields.location(node), fieldLocations: fields)
    }
}
