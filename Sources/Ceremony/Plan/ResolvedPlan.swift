import Foundation
import PKCS11

/// A plan with its site profile applied: every key has a token and the
/// module is known. This is what the steps and the engine work from.
package struct ResolvedPlan: Sendable, Equatable {
    package var plan: Plan
    package var profile: SiteProfile?
    /// The module to load: the profile's if it names one, else the plan's; nil only when no
    /// key uses a token.
    package var module: ModuleReference?
    /// The module's `LibraryParameters`, from the same file that named the module.
    package var moduleParameters: LibraryParameters?
    /// Read-back exceptions the site profile names (none without a profile).
    package var keyPolicyExceptions: [SiteKeyPolicyException] = []
    /// The keys whose tokens come to the ceremony, in plan order, each with its token.
    package var keys: [ResolvedKey]

    /// A root key with the token selector that applies in this room.
    package struct ResolvedKey: Sendable, Equatable {
        package var key: RootKey
        package var token: TokenSelector
        /// True when the site profile, not the plan, chose the token.
        package var tokenFromProfile: Bool

        package init(key: RootKey, token: TokenSelector, tokenFromProfile: Bool) {
            self.key = key
            self.token = token
            self.tokenFromProfile = tokenFromProfile
        }
    }

    /// Applies `profile` to `plan`.
    ///
    /// - Throws: ``PlanError`` when a key has no token, no module is named, the
    ///   profile names a holder the plan does not have, or two keys end up on
    ///   the same token.
    package static func resolve(plan: Plan, profile: SiteProfile?) throws(PlanError) -> ResolvedPlan {
        var diagnostics: [PlanDiagnostic] = []
        func error(_ file: SourceFile, _ location: SourceLocation, _ message: String) {
            diagnostics.append(PlanDiagnostic(severity: .error, file: file.displayName,
                                              line: location.line, column: location.column, message: message))
        }
        let start = SourceLocation(line: 1, column: 1)
        let tokenKeys = plan.body.tokenKeys
        let holders = Set(tokenKeys.map { Array($0.holder.utf8) })
        if let profile {
            for holder in profile.holders.keys.sorted() where !holders.contains(Array(holder.utf8)) {
                let known = tokenKeys.map { "'\($0.holder)'" }.joined(separator: ", ")
                error(profile.source, profile.holderLocations[holder] ?? start,
                      "the profile names holder '\(holder)', who holds no key in the plan; expected one of \(known)")
            }
        }
        let module = profile?.module ?? plan.module
        if module == nil && !tokenKeys.isEmpty {
            error(plan.source, start, "no PKCS#11 module: the plan has no 'module' and no site profile gives one")
        }
        var keys: [ResolvedKey] = []
        var used: [TokenSelector: String] = [:]
        let leaving = plan.body.keysThatMayStayAway
        for key in tokenKeys {
            let fromProfile = profile?.holders[key.holder]
            guard let token = fromProfile ?? key.token else {
                // A leaving key with no token (a lost token, a holder who has left) does not sign.
                if leaving.contains(key.name) { continue }
                error(plan.source, key.location, "key '\(key.name)' has no token: give it 'token:' in the plan or map holder '\(key.holder)' in a site profile")
                continue
            }
            if let other = used[token] {
                let message = "key '\(key.name)' would use \(token.spoken), already used by key '\(other)'; each key needs its own token"
                if fromProfile != nil, let profile {
                    error(profile.source, profile.holderLocations[key.holder] ?? start, message)
                } else {
                    error(plan.source, key.location, message)
                }
            }
            used[token] = used[token] ?? key.name
            keys.append(ResolvedKey(key: key, token: token, tokenFromProfile: fromProfile != nil))
        }
        guard diagnostics.isEmpty else { throw PlanError(diagnostics: diagnostics) }
        var resolved = ResolvedPlan(plan: plan, profile: profile, module: module, keys: keys)
        resolved.moduleParameters = profile?.module != nil ? profile?.moduleParameters : plan.moduleParameters
        resolved.keyPolicyExceptions = profile?.keyPolicyExceptions ?? []
        return resolved
    }

    /// The signing threshold in words: "root: 2 of Alice, Bob, Carol" (for a delegation, who
    /// signs targets.json).
    package var thresholdSummary: String { plan.body.thresholdSummaries.first ?? "" }

    /// Every threshold in words, one line per role: root, and an offline targets role.
    package var thresholdSummaries: [String] { plan.body.thresholdSummaries }

    /// Every entry that holds or gets a key: all but a backup's drill token.
    package var keyEntries: [ResolvedKey] { keys.filter { $0.key.source != .recoveryDrill } }

    /// The resolved entry for the plan key `name`.
    package func key(_ name: String) -> ResolvedKey? { keys.first { $0.key.name == name } }

    /// The steps of the ceremony, numbered, as they will run.
    package var steps: [CeremonyStep] { StepPlanner.steps(for: self) }
}
