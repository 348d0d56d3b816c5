import Foundation
import Testing
import TrustMetadata
@testable import Ceremony

/// A valid TUF targets-delegation plan the tests change one line of; line numbers refer to it.
let validDelegationPlan = """
version: 1
ceremony: targets-delegation
dialect: tuf
description: Delegate releases
repositories: [example]
expires: 1y
module: softhsm
previous: ../out/generation
current_targets: none
targets:
  keys:
    - { name: targets-a, holder: Erin, token: { label: targets-a }, key_id: \(String(repeating: "a", count: 64)) }
delegations:
  - role: releases
    action: add
    keys: [keys/releases.pem]
    paths: ["releases/*"]
    threshold: 1
    terminating: true
witnesses: [Wendy]

"""

@Suite("targets-delegation plans and the delegation rules")
struct DelegationPlanTests {
    @Test("the valid delegation plan parses: current root and targets, the signing key, the change; its steps sign targets.json")
    func valid() throws {
        let plan = try validPlan(validDelegationPlan)
        #expect(plan.ceremony == .targetsDelegation)
        #expect(plan.root == nil)
        guard case let .targetsDelegation(body) = plan.body else { Issue.record("not a delegation body"); return }
        #expect(body.currentTargets == .none)
        #expect(body.previous.path == "/out/generation")
        #expect(body.signingKeys.map(\.holder) == ["Erin"])
        #expect(body.changes.count == 1)
        let change = body.changes[0]
        #expect(change.action == .add && change.role == "releases" && change.paths == ["releases/*"] && change.threshold == 1 && change.terminating == true)
        #expect(change.keys?.map(\.url.path) == ["/tmp/keys/releases.pem"])
        let resolved = try ResolvedPlan.resolve(plan: plan, profile: nil)
        #expect(resolved.thresholdSummaries == ["targets: signed by Erin (the current root's targets threshold)"])
        let actions = resolved.steps.map(\.action)
        #expect(actions == [.confirmPlanDigest, .reviewRootChanges, .buildMetadata, .sign(key: "targets-a"), .verify, .writeBundle, .sealTranscript])
        #expect(resolved.steps[2].text.contains("add releases"))
    }

    @Test("plan-time refusals, each at its line: a role with no keys, a threshold above its keys, a change that changes nothing, both paths and hash prefixes, a missing terminating, a role named twice, a top-level role name, the threshold set here, two repositories")
    func refusals() {
        func errors(_ old: String, _ new: String) -> [String] { errorLines(replacing(old, with: new, in: validDelegationPlan)) }
        #expect(errors("    keys: [keys/releases.pem]", "    keys: []") == ["plan.yaml:16:11: a delegation needs at least one key; a role with no keys can sign nothing a client trusts"])
        #expect(errors("    threshold: 1", "    threshold: 2") == ["plan.yaml:18:16: threshold is 2 but only 1 key is listed; a role whose threshold no set of its keys can meet signs nothing a client trusts. Expected at most 1"])
        #expect(errors("    terminating: true\n", "") == ["plan.yaml:14:5: 'terminating' in a delegation is missing; expected true or false: whether a client's search for a target stops at this role"]
                || errors("    terminating: true\n", "").first?.contains("is missing 'terminating'") == true)
        #expect(errors("    paths: [\"releases/*\"]", "    paths: [\"releases/*\"]\n    path_hash_prefixes: [ab]").first?.contains("give either 'paths' or 'path_hash_prefixes', not both") == true)
        #expect(errors("  - role: releases\n    action: add\n    keys: [keys/releases.pem]\n    paths: [\"releases/*\"]\n    threshold: 1\n    terminating: true\n",
                       "  - { role: releases, action: change }\n") == ["plan.yaml:14:5: a change names what changes: one or more of 'rename_to', 'keys', 'add_keys', 'remove_keys', 'paths', 'path_hash_prefixes', 'threshold', 'terminating'"])
        #expect(errors("witnesses: [Wendy]", "  - { role: releases, action: remove }\nwitnesses: [Wendy]").first?.contains("role releases is already named at line 14") == true)
        #expect(errors("  - role: releases", "  - role: snapshot").first?.contains("a delegated role cannot take the top-level name snapshot") == true)
        #expect(errors("  keys:\n    - { name: targets-a", "  threshold: 1\n  keys:\n    - { name: targets-a").first?.contains("the targets threshold comes from the current root") == true)
        #expect(errors("repositories: [example]", "repositories: [example, other]").contains { $0.contains("names exactly one repository") }, "\(errors("repositories: [example]", "repositories: [example, other]"))")
        #expect(errors("    paths: [\"releases/*\"]", "    paths: [\"\"]").first?.contains("an empty path pattern matches no target") == true)
        #expect(errors("    paths: [\"releases/*\"]", "    path_hash_prefixes: [AB]").first?.contains("must be 1 to 64 lower-case hex digits") == true)
    }

    @Test("Notary plans: roles are targets/<name>, paths are prefixes with \"\" for every path, threshold 1 only, no terminating")
    func notary() {
        var plan = replacing("dialect: tuf", with: "dialect: notary", in: validDelegationPlan)
        plan = replacing("repositories: [example]", with: "repositories: [example.com/app]", in: plan)
        #expect(errorLines(plan).contains { $0.contains("Notary delegated roles are named targets/<name>") })
        plan = replacing("  - role: releases", with: "  - role: targets/releases", in: plan)
        #expect(errorLines(plan) == ["plan.yaml:19:18: Notary delegations have no 'terminating'; leave it out"])
        plan = replacing("    terminating: true\n", with: "", in: plan)
        #expect(errorLines(plan).isEmpty, "\(errorLines(plan))")
        #expect(errorLines(replacing("    threshold: 1", with: "    threshold: 2", in: plan)) == [
            "plan.yaml:18:16: threshold is 2, but notary supports delegation threshold 1 only: notary's clients sign a delegation with one key, so a higher threshold would lock the role; expected 1",
        ])
        #expect(errorLines(replacing("    paths: [\"releases/*\"]", with: "    paths: [\"\"]", in: plan)).isEmpty)
    }

    @Test("an offline targets key in a generation plan: online_keys then names no targets key; Notary refuses P-384 for it; its holder visits once, and signs no root")
    func offlineTargets() throws {
        let offline = replacing("online_keys:\n  targets: keys/targets.pem\n", with: "targets:\n  threshold: 1\n  keys:\n    - { name: targets-a, holder: Erin, token: { label: targets-a }, algorithm: ecdsa-p256 }\nonline_keys:\n", in: validTUFPlan)
        let plan = try validPlan(offline)
        #expect(plan.body.offlineTargets?.keys.map(\.name) == ["targets-a"])
        #expect(plan.onlineKeys.files.keys.sorted() == ["snapshot", "timestamp"])
        let resolved = try ResolvedPlan.resolve(plan: plan, profile: nil)
        #expect(resolved.thresholdSummaries == ["root: 2 of Alice, Bob", "targets: 1 of Erin"])
        let actions = resolved.steps.map(\.action)
        #expect(actions.contains(.generateKey(key: "targets-a")) && !actions.contains(.sign(key: "targets-a")))
        #expect(actions.contains(.sign(key: "root-a")))

        let both = replacing("online_keys:\n", with: "online_keys:\n  targets: keys/targets.pem\n", in: offline)
        #expect(errorLines(both).contains { $0.contains("the targets key is offline on a token ('targets:' in this plan), so online_keys names no targets key file") })
        var notary = replacing("dialect: tuf", with: "dialect: notary", in: offline)
        notary = replacing("algorithm: ed25519", with: "algorithm: ecdsa-p256", in: notary)
        let p384 = replacing("targets-a }, algorithm: ecdsa-p256", with: "targets-a }, algorithm: ecdsa-p384", in: notary)
        #expect(errorLines(p384).contains { $0.contains("a Notary targets key cannot be ecdsa-p384") }, "\(errorLines(p384))")
        let notaryPlan = try validPlan(notary)
        let notarySteps = try ResolvedPlan.resolve(plan: notaryPlan, profile: nil).steps.map(\.action)
        #expect(notarySteps.contains(.issueCertificate(key: "root-a", repository: "example")))
        #expect(!notarySteps.contains(.issueCertificate(key: "targets-a", repository: "example")), "an offline targets key is a bare key, with no certificate")
        let sameHolder = replacing("holder: Erin", with: "holder: Alice", in: offline)
        #expect(errorLines(sameHolder).contains { $0.contains("holder 'Alice' already holds a key") })
    }

    // MARK: DelegationEdit

    static func key(_ name: String, dialect: Dialect = .tuf) throws -> DelegatedKey {
        let signer = try SoftwareSigner(generating: .ecdsaP256)
        let key = MetadataKey.make(signer.publicKey, dialect: dialect)
        let file = DelegationChange.KeyFile(path: "keys/\(name).pem", url: URL(fileURLWithPath: "/keys/\(name).pem"),
                                            location: SourceLocation(line: 20, column: 5))
        return DelegatedKey(key: key, keyID: key.keyID, spki: signer.publicKey.spki, fileSHA256: String(repeating: "0", count: 64), file: file)
    }

    static func change(_ action: DelegationChange.Action, _ role: String, line: Int, _ edit: (inout DelegationChange) -> Void = { _ in }) -> DelegationChange {
        var change = DelegationChange(action: action, role: role, location: SourceLocation(line: line, column: 5))
        edit(&change)
        return change
    }

    @Test("DelegationEdit: removing a role's last key and a threshold above its keys are refused with the lockout reason; a rename keeps keys and place; keys no role lists leave; roles keep their order")
    func edit() throws {
        let a = try Self.key("a"), b = try Self.key("b"), c = try Self.key("c")
        let keys = [a.file.url: a, b.file.url: b, c.file.url: c]
        var current = Delegations(keys: [a.keyID: a.key, b.keyID: b.key], roles: [
            DelegatedRole(name: "releases", keyIDs: [a.keyID], threshold: 1, terminating: true, paths: ["releases/*"]),
            DelegatedRole(name: "nightly", keyIDs: [b.keyID], threshold: 1, terminating: false, paths: ["nightly/*"]),
        ])
        current.roles![1].pathHashPrefixes = nil

        let lockout = DelegationEdit.apply([Self.change(.change, "releases", line: 14) { $0.removeKeyIDs = [a.keyID] }], to: current, keys: keys, dialect: .tuf)
        #expect(lockout.problems.map(\.message) == ["this leaves releases with no keys: nobody could sign for it and clients would trust nothing it lists, the lockout notary users hit (notary #1500, #1444). Remove the role with 'action: remove', or give it a key in the same change"])
        #expect(lockout.problems.first?.location.line == 14)

        let above = DelegationEdit.apply([Self.change(.change, "releases", line: 14) { $0.threshold = 2 }], to: current, keys: keys, dialect: .tuf)
        #expect(above.problems.map(\.message) == ["this leaves releases with threshold 2 and 1 distinct key: no set of its keys could sign it, the lockout notary users hit (notary #1500, #1444). Lower the threshold or add keys"])

        let replaced = DelegationEdit.apply([Self.change(.change, "releases", line: 14) { $0.addKeys = [c.file]; $0.removeKeyIDs = [a.keyID] }], to: current, keys: keys, dialect: .tuf)
        #expect(replaced.problems.isEmpty)
        #expect(replaced.delegations.roles?.first?.keyIDs == [c.keyID])
        #expect(Set(replaced.delegations.keys.keys) == [b.keyID, c.keyID], "a key no role lists leaves the keys map")

        let renamed = DelegationEdit.apply([Self.change(.change, "nightly", line: 14) { $0.renameTo = "beta"; $0.pathHashPrefixes = ["ab"] }],
                                           to: current, keys: keys, dialect: .tuf)
        #expect(renamed.problems.isEmpty)
        #expect(renamed.delegations.roles?.map(\.name) == ["releases", "beta"])
        #expect(renamed.delegations.roles?[1].paths == nil && renamed.delegations.roles?[1].pathHashPrefixes == ["ab"])
        #expect(renamed.delegations.roles?[1].keyIDs == [b.keyID])

        let clash = DelegationEdit.apply([Self.change(.change, "nightly", line: 14) { $0.renameTo = "releases" }], to: current, keys: keys, dialect: .tuf)
        #expect(clash.problems.map(\.message) == ["role releases is already delegated, so nightly cannot take its name"])

        let added = DelegationEdit.apply([Self.change(.add, "docs", line: 20) { $0.keys = [a.file, c.file]; $0.threshold = 2; $0.paths = ["docs/*"]; $0.terminating = false },
                                          Self.change(.remove, "nightly", line: 26)], to: current, keys: keys, dialect: .tuf)
        #expect(added.problems.isEmpty)
        #expect(added.delegations.roles?.map(\.name) == ["releases", "docs"])
        #expect(Set(added.delegations.keys.keys) == [a.keyID, c.keyID])

        let twice = DelegationEdit.apply([Self.change(.change, "releases", line: 14) { $0.addKeys = [a.file] }], to: current, keys: keys, dialect: .tuf)
        #expect(twice.problems.first?.message.contains("is already a key of releases") == true)
        let absent = DelegationEdit.apply([Self.change(.change, "releases", line: 14) { $0.removeKeyIDs = [c.keyID] }], to: current, keys: keys, dialect: .tuf)
        #expect(absent.problems.first?.message == "key ID \(c.keyID) is not a key of releases in the current targets.json")

        // Notary: a current role with threshold 2 must be brought to 1 by the change that touches it.
        let x = try Self.key("x", dialect: .notary), y = try Self.key("y", dialect: .notary)
        let notary = Delegations(keys: [x.keyID: x.key, y.keyID: y.key],
                                 roles: [DelegatedRole(name: "targets/releases", keyIDs: [x.keyID, y.keyID], threshold: 2, terminating: nil, paths: [""])])
        let kept = DelegationEdit.apply([Self.change(.change, "targets/releases", line: 14) { $0.paths = ["releases/"] }], to: notary, keys: [:], dialect: .notary)
        #expect(kept.problems.map(\.message) == ["targets/releases has threshold 2, but notary supports delegation threshold 1 only; set 'threshold: 1'"])
    }
}
