import Foundation

/// Everything `keyceremony plan check` reports about a plan and profile.
package struct PlanCheckReport: Sendable, Equatable {
    package var planFile: String
    /// Digest of the plan's exact bytes; present whenever the file was read.
    package var planDigest: PlanDigest
    package var profileFile: String?
    package var profileDigest: PlanDigest?
    /// The plan with the profile applied, when both are valid.
    package var resolved: ResolvedPlan?
    /// The numbered steps; empty when the plan has errors.
    package var steps: [CeremonyStep]
    /// Thresholds in words, such as "root: 2 of Alice, Bob, Carol".
    package var thresholds: [String]
    /// Errors first, then warnings.
    package var diagnostics: [PlanDiagnostic]
    /// The digest to read aloud (plan, profile and online key files); nil when the plan fails
    /// its checks, so that nobody publishes the digest of a plan that cannot run.
    package var ceremonyDigest: CeremonyDigest?
    /// Online role → the key ID its key file gets in the plan's dialect.
    package var onlineKeyIDs: [String: String] = [:]
    /// A targets-delegation: the delegations targets.json will have, as a table (empty when the
    /// current targets.json is not on this machine, or for other kinds).
    package var delegations: [String] = []

    /// True when nothing stops the ceremony.
    package var passed: Bool { !diagnostics.contains { $0.severity == .error } }
    package var errors: [PlanDiagnostic] { diagnostics.filter { $0.severity == .error } }
    package var warnings: [PlanDiagnostic] { diagnostics.filter { $0.severity == .warning } }
}

/// The checks behind `keyceremony plan check`, usable by the engine before a run.
package enum PlanCheck {
    /// Reads and checks a plan and optional profile as of `now`.
    ///
    /// With `askTokens`, the plan's module is opened when it is installed here and every planned
    /// token present is asked whether it can make and sign with its key's algorithm
    /// (``TokenCapabilityCheck``). A module is initialised once per process, so callers that
    /// load modules themselves (tests) leave it off unless they mean it.
    ///
    /// - Throws: ``InputFileError`` only when a file cannot be read at all;
    ///   every problem inside the files is in the report.
    package static func run(planAt planURL: URL, profileAt profileURL: URL?, now: Date = Date(),
                            askTokens: Bool = false) throws(InputFileError) -> PlanCheckReport {
        let plan = try SourceFile.read(planURL)
        let profile = try profileURL.map { url throws(InputFileError) in try SourceFile.read(url) }
        return run(plan: plan, profile: profile, now: now, askTokens: askTokens)
    }

    /// Checks plan and profile bytes already read, as of `now`.
    package static func run(plan planSource: SourceFile, profile profileSource: SourceFile?, now: Date = Date(),
                            askTokens: Bool = false) -> PlanCheckReport {
        var report = PlanCheckReport(planFile: planSource.displayName, planDigest: planSource.digest,
                                     profileFile: profileSource?.displayName, profileDigest: profileSource?.digest,
                                     resolved: nil, steps: [], thresholds: [], diagnostics: [], ceremonyDigest: nil)
        var diagnostics: [PlanDiagnostic] = []
        var plan: Plan?
        var profile: SiteProfile?
        do {
            plan = try PlanParser.parse(planSource)
            diagnostics += plan?.warnings ?? []
        } catch {
            diagnostics += error.diagnostics
        }
        if let profileSource {
            do {
                profile = try SiteProfile.parse(profileSource)
            } catch {
                diagnostics += error.diagnostics
            }
        }
        if let plan, profileSource == nil || profile != nil {
            do {
                let resolved = try ResolvedPlan.resolve(plan: plan, profile: profile)
                report.resolved = resolved
                report.thresholds = resolved.thresholdSummaries
                diagnostics += environmentFindings(resolved)
                if askTokens { diagnostics += TokenCapabilityCheck.findings(resolved) }
            } catch {
                diagnostics += error.diagnostics
            }
            if let expiry = plan.expiryDiagnostic(at: now) { diagnostics.append(expiry) }
            let fileFindings = onlineKeyFindings(plan)
            diagnostics += fileFindings
            if fileFindings.isEmpty {
                for (role, url) in plan.onlineKeys.all {
                    do {
                        let key = try OnlineKeys.load(OnlineKeyFiles(files: [role: url]), dialect: plan.dialect)
                        if let keyID = key[role]?.keyID { report.onlineKeyIDs[role] = keyID }
                    } catch {
                        diagnostics.append(at(plan.source, plan.onlineKeys.locations[role] ?? SourceLocation(line: 1, column: 1), .error,
                                              "online_keys \(role) file \(url.path) is not a usable \(plan.dialect.rawValue) public key"))
                    }
                }
            }
            diagnostics += currentRootFindings(plan)
            let delegation = delegationFindings(plan, resolved: report.resolved, at: now)
            diagnostics += delegation.diagnostics
            report.delegations = delegation.table
            if plan.dialect == .notary, plan.root != nil,
               let window = Expiry.utcCalendar.date(byAdding: .month, value: Expiry.notaryNearExpiryMonths, to: now),
               plan.expires.date(from: now) < window {
                diagnostics.append(at(plan.source, plan.expiresLocation, .warning,
                                      "the root expires within \(Expiry.notaryNearExpiryMonths) months: notary's clients re-sign such a root at every publish, so until a new root is signed nobody without the root keys (a delegate, the targets key holder) can publish"))
            }
            if let root = plan.root, root.threshold == 1 && root.keys.count > 1 {
                diagnostics.append(at(plan.source, root.thresholdLocation, .warning,
                                      "root threshold is 1: any single holder can sign a new root alone"))
            }
        }
        report.diagnostics = diagnostics.filter { $0.severity == .error } + diagnostics.filter { $0.severity == .warning }
        if report.passed, let resolved = report.resolved {
            report.steps = resolved.steps
            report.ceremonyDigest = try? CeremonyDigest(plan: resolved.plan, profile: profileSource)
        }
        return report
    }

    /// Online key files must exist and be readable; their format is read later.
    static func onlineKeyFindings(_ plan: Plan) -> [PlanDiagnostic] {
        plan.onlineKeys.all.compactMap { role, url in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            guard !exists || isDirectory.boolValue || !FileManager.default.isReadableFile(atPath: url.path) else {
                return nil
            }
            let why = !exists ? "does not exist" : (isDirectory.boolValue ? "is a directory" : "is not readable")
            return at(plan.source, plan.onlineKeys.locations[role] ?? SourceLocation(line: 1, column: 1), .error,
                      "online_keys \(role) file \(url.path) \(why); expected a readable public key file")
        }
    }

    /// A rotation's current root is read at the ceremony; missing here is only a warning, since
    /// plans are reviewed away from the room (as a module that is not installed).
    static func currentRootFindings(_ plan: Plan) -> [PlanDiagnostic] {
        guard let body = plan.body.rootUpdate else { return [] }
        var findings: [PlanDiagnostic] = []
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: body.previous.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            findings.append(at(plan.source, body.previousLocation, .warning,
                               "previous \(body.previous.path) is not a folder on this machine; the ceremony reads the current root from it"))
        }
        if let trusted = body.trustedRoot, !FileManager.default.fileExists(atPath: trusted.path) {
            findings.append(at(plan.source, body.previousLocation, .warning,
                               "trusted_root \(trusted.path) does not exist on this machine"))
        }
        return findings
    }

    /// Findings about this machine: a module that is not installed here is
    /// only a warning, since plans are often checked away from the ceremony room.
    static func environmentFindings(_ resolved: ResolvedPlan) -> [PlanDiagnostic] {
        let profileSource = resolved.profile.flatMap { $0.module == nil ? nil : $0.source }
        let source = profileSource ?? resolved.plan.source
        let line = profileSource == nil ? resolved.plan.moduleLocation : SourceLocation(line: 1, column: 1)
        guard let module = resolved.module else { return [] }
        guard let path = module.resolvedPath() else {
            return [at(source, line, .warning,
                       "module '\(module)' is not installed on this machine")]
        }
        if !FileManager.default.fileExists(atPath: path) {
            return [at(source, line, .warning,
                       "module \(path) does not exist on this machine")]
        }
        return []
    }

    static func at(_ source: SourceFile, _ location: SourceLocation,
                           _ severity: PlanDiagnostic.Severity, _ message: String) -> PlanDiagnostic {
        PlanDiagnostic(severity: severity, file: source.displayName, line: location.line,
                       column: location.column, message: message)
    }
}
