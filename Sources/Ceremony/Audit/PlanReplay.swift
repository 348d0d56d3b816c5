import Foundation
import TrustMetadata

/// Check 3 of the audit: `plan.yaml` (and `--plan`, and `profile.yaml`) against the digests in
/// the ceremony-start record, then the plan read again by the plan parser and resolved with the
/// profile, so ``ResolvedPlan/steps`` gives the steps the ceremony had to run.
package struct PlanReplay: Sendable {
    package var resolved: ResolvedPlan
    /// Role → online key file the plan names, when the file can be found from where the plan was read.
    package var onlineKeyFiles: [String: URL]
    /// Whether the steps are replayed from the plan given with `--plan`, whose folder holds the
    /// plan's input files (online keys, delegated key files).
    package var fromGivenPlan = false

    /// - Returns: nil when there is no plan to replay (findings say why).
    /// - Throws: ``AuditInputError`` when `--plan` or a bundle file cannot be read at all.
    static func load(publicDir: URL, start: TranscriptEvent.CeremonyStart, options: AuditOptions, failed: Bool,
                     into findings: inout [AuditFinding]) throws(AuditInputError) -> PlanReplay? {
        let at = AuditFinding.record(1)
        let bundled = try read(publicDir.appendingPathComponent(BundlePath.plan))
        if let bundled, bundled.digest.hex != start.planDigest {
            findings.append(AuditFinding(.plan, at: "public/plan.yaml", expected: start.planDigest, found: bundled.digest.hex,
                                         "plan.yaml is not the plan the ceremony started from (its SHA-256 differs from the digest in seq 1)"))
        } else if bundled == nil, !failed {
            findings.append(AuditFinding(.plan, at: "public/plan.yaml", expected: "the plan's copy", found: "no file", "the bundle has no copy of its plan"))
        }
        var given: SourceFile?
        if let url = options.plan {
            do {
                given = try SourceFile.read(url)
            } catch {
                switch error {
                case .unreadable(_, let reason): throw AuditInputError(path: url.path, reason: reason)
                }
            }
            if given!.digest.hex != start.planDigest {
                findings.append(AuditFinding(.plan, at: url.path, expected: start.planDigest, found: given!.digest.hex,
                                             "the plan given with --plan is not the plan this ceremony ran"))
            }
        }
        var profile: SiteProfile?
        let profileFile = try read(publicDir.appendingPathComponent(BundlePath.profile))
        if let digest = start.profileDigest {
            if let profileFile {
                if profileFile.digest.hex != digest {
                    findings.append(AuditFinding(.plan, at: "public/profile.yaml", expected: digest, found: profileFile.digest.hex,
                                                 "profile.yaml is not the site profile the ceremony used"))
                }
                profile = try? SiteProfile.parse(profileFile)
            } else if !failed {
                findings.append(AuditFinding(.plan, at: "public/profile.yaml", expected: "the site profile (SHA-256 \(digest))", found: "no file",
                                             "the ceremony used a site profile that is not in the bundle, so its steps cannot be replayed"))
                return nil
            } else {
                return nil
            }
        } else if profileFile != nil {
            findings.append(AuditFinding(.plan, at: "public/profile.yaml", expected: "no profile", found: profileFile!.digest.hex,
                                         "the bundle holds a site profile, but the ceremony recorded none"))
        }
        // Replay from the plan that matches the record: --plan (whose folder holds the online key
        // files) when it matches, else the bundle's copy.
        let candidates = [given, bundled].compactMap { $0 }.filter { $0.digest.hex == start.planDigest }
        guard let source = candidates.first else {
            if failed, given == nil {
                findings.append(AuditFinding(.plan, .notice, at: at, "no plan to replay the steps with; give it with --plan"))
            }
            return nil
        }
        let plan: Plan
        do {
            plan = try PlanParser.parse(source)
        } catch {
            findings.append(AuditFinding(.plan, at: source.displayName, found: error.diagnostics.first.map { "\($0)" },
                                         "the plan cannot be read, so its steps cannot be replayed"))
            return nil
        }
        let resolved: ResolvedPlan
        do {
            resolved = try ResolvedPlan.resolve(plan: plan, profile: profile)
        } catch {
            findings.append(AuditFinding(.plan, at: source.displayName, found: error.diagnostics.first.map { "\($0)" },
                                         "the plan and profile do not resolve, so the steps cannot be replayed"))
            return nil
        }
        var files: [String: URL] = [:]
        if source == given {
            for (role, url) in plan.onlineKeys.all { files[role] = url }
        }
        var replay = PlanReplay(resolved: resolved, onlineKeyFiles: files)
        replay.fromGivenPlan = source == given
        return replay
    }

    /// The file at `url`, nil when it does not exist; any other failure to read it is an input error.
    static func read(_ url: URL) throws(AuditInputError) -> SourceFile? {
        do {
            return SourceFile(url: url, displayName: url.lastPathComponent, bytes: try BundlePath.read(url))
        } catch {
            if error.reason == "no such file" { return nil }
            throw AuditInputError(path: url.path, reason: error.reason)
        }
    }
}
