import Foundation
import TrustMetadata

extension PlanCheck {
    /// What `plan check` can judge of a targets-delegation before the day, with what is on this
    /// machine: every delegated key file (readable, a usable key, a certificate valid now), the
    /// current root (verified from its first version) and targets.json (verified against it),
    /// the changes applied to its delegations — a role left with no keys or a threshold above its
    /// keys is refused here, with the reason — and the targets keys named, against the root's
    /// targets role and threshold. Inputs not on this machine are warnings: the ceremony checks
    /// them all again, and refuses what fails.
    ///
    /// - Returns: the findings, and the delegations after the ceremony as a table when the current
    ///   targets.json could be read (or there is none yet).
    static func delegationFindings(_ plan: Plan, resolved: ResolvedPlan?, at now: Date) -> (diagnostics: [PlanDiagnostic], table: [String]) {
        guard case let .targetsDelegation(body) = plan.body, let repository = plan.repositories.first else { return ([], []) }
        var findings: [PlanDiagnostic] = []
        func add(_ location: SourceLocation, _ severity: PlanDiagnostic.Severity, _ message: String) {
            findings.append(at(plan.source, location, severity, message))
        }
        let (keys, keyProblems) = DelegatedKey.loadAll(body.changes, dialect: plan.dialect, at: now)
        for problem in keyProblems { add(problem.file.location, .error, problem.reason) }

        var root: CurrentRoot?
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: body.previous.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            add(body.previousLocation, .warning, "previous \(body.previous.path) is not a folder on this machine; the ceremony reads the current root from it")
        } else {
            do {
                root = try CurrentRoot.load(previous: body.previous, trustedRoot: body.trustedRoot, repository: repository, only: true,
                                            dialect: plan.dialect, at: now, say: { _ in })
            } catch {
                add(body.previousLocation, .error, "\(error)")
            }
        }

        var current: CurrentTargets?
        var currentKnown = false
        switch body.currentTargets {
        case .none:
            currentKnown = true
            if let found = CurrentTargets.candidates(at: body.previous, repository: repository).first {
                add(body.currentTargetsLocation, .error, "current_targets is none, but \(found.path) is a targets.json; name it here so the new version follows it")
            }
        case .at(let url):
            if CurrentTargets.candidates(at: url, repository: repository).isEmpty {
                add(body.currentTargetsLocation, .warning, "current_targets \(url.path) holds no targets.json on this machine; the ceremony reads it, and checks the changes against it then")
            } else if let root {
                do {
                    current = try CurrentTargets.load(at: url, root: root, repository: repository, dialect: plan.dialect, at: now)
                    currentKnown = true
                    for note in current?.notes ?? [] { add(body.currentTargetsLocation, .warning, "the current targets.json: \(note.detail)") }
                } catch {
                    add(body.currentTargetsLocation, .error, "\(error)")
                }
            } else {
                add(body.currentTargetsLocation, .warning, "the current targets.json cannot be verified here without the current root; the ceremony verifies it")
            }
        }

        var table: [String] = []
        if currentKnown && keyProblems.isEmpty {
            let edit = DelegationEdit.apply(body.changes, to: current?.metadata.delegations, keys: keys, dialect: plan.dialect)
            for problem in edit.problems { add(problem.location, .error, problem.message) }
            if edit.problems.isEmpty {
                var names: [String: String] = [:]
                for key in keys.values { names[key.keyID] = key.file.path }
                let version = (current?.metadata.version ?? 0) + 1
                table = ["targets.json version \(version) of '\(repository)':"]
                    + DelegationTable(delegations: edit.delegations, dialect: plan.dialect, keyFiles: names, changes: body.changes).lines(indent: "  ")
            }
        }

        if let root {
            let (signing, problems) = DelegationInputs.matchSigningKeys(body.signingKeys, root: root.root, dialect: plan.dialect)
            for (key, message) in problems { add(key.location(of: "key_id"), .error, message) }
            if let resolved, let role = root.root.roles["targets"], let first = body.signingKeys.first {
                let coming = body.signingKeys.filter { resolved.key($0.name) != nil && signing[$0.name] != nil }
                if Int64(coming.count) < role.threshold {
                    add(first.location, .error, "targets.json needs \(role.threshold) of the current root's targets keys to sign, but \(coming.count) come with a token; name more of them under 'targets:'")
                }
            }
        }
        return (findings, table)
    }
}
