import Foundation

extension PlanCheckReport {
    /// The report as `plan check` prints it: plan summary, digest in hex and
    /// words, thresholds, steps, and a one-line verdict. Findings are printed
    /// separately (to standard error) from ``diagnostics``.
    package var text: String {
        var out = "Plan: \(planFile)\n"
        if let resolved {
            let plan = resolved.plan
            out += "  \(plan.ceremony.rawValue) for \(plan.dialect.rawValue): \(plan.description)\n"
            out += "  repositories: \(plan.repositories.joined(separator: ", "))\n"
            out += "  expires: \(plan.expires)\n"
            out += "  module: \(resolved.module.map { "\($0)" } ?? "none (no key on a token)")\n"
        }
        out += "\nPlan digest (SHA-256 of the plan file):\n  \(planDigest.hex)\n"
        if let profileFile, let profileDigest {
            out += "\nSite profile: \(profileFile)\n  SHA-256: \(profileDigest.hex)\n"
        }
        if !onlineKeyIDs.isEmpty {
            out += "\nOnline keys:\n"
            for role in OnlineKeyFiles.roles {
                guard let keyID = onlineKeyIDs[role] else { continue }
                out += "  \(role): key ID \(keyID)" + (ceremonyDigest?.onlineKeyFiles[role].map { " (file SHA-256 \($0))" } ?? "") + "\n"
            }
        }
        if let ceremonyDigest {
            out += "\nCeremony digest (SHA-256 of the plan, the site profile and every input file: online keys, current root and targets, delegated keys):\n  \(ceremonyDigest.digest.hex)\n"
            out += "Read aloud:\n" + ceremonyDigest.digest.wordLines.map { "  \($0)\n" }.joined()
        } else {
            out += "\nCeremony digest: none. The plan does not pass its checks; do not publish or read out a digest for it.\n"
        }
        if !thresholds.isEmpty {
            out += "\nThresholds:\n" + thresholds.map { "  \($0)\n" }.joined()
        }
        if !delegations.isEmpty {
            out += "\nDelegations after this ceremony:\n" + delegations.map { "  \($0)\n" }.joined()
        }
        if !steps.isEmpty {
            out += "\nSteps:\n" + steps.map { "  \($0)\n" }.joined()
        }
        let errorCount = errors.count, warningCount = warnings.count
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        out += "\n"
        if passed {
            out += "OK: the plan can run" + (warningCount > 0 ? ", with \(count(warningCount, "warning"))" : "") + ".\n"
        } else {
            out += "FAILED: \(count(errorCount, "error"))" +
                (warningCount > 0 ? " and \(count(warningCount, "warning"))" : "") + ".\n"
        }
        return out
    }

    /// The report as `plan check --json` prints it: pretty, sorted JSON and a
    /// newline. Field names are part of the command's interface.
    package func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(PlanCheckJSON(self)) + Data("\n".utf8)
    }
}

/// The JSON form of a ``PlanCheckReport``.
struct PlanCheckJSON: Codable, Equatable {
    struct Digest: Codable, Equatable {
        var file: String
        var sha256: String
        var words: [String]?
    }

    struct Step: Codable, Equatable {
        var number: Int
        var total: Int
        var actor: String
        var text: String
    }

    struct Finding: Codable, Equatable {
        var file: String
        var line: Int
        var column: Int
        var message: String
    }

    var ok: Bool
    var plan: Digest
    var profile: Digest?
    /// What is read aloud; null when the plan fails its checks.
    var ceremonyDigest: Digest?
    var onlineKeys: [String: String]
    var thresholds: [String]
    /// A targets-delegation: the delegations after the ceremony, as table lines; absent otherwise.
    var delegations: [String]?
    var steps: [Step]
    var errors: [Finding]
    var warnings: [Finding]

    enum CodingKeys: String, CodingKey {
        case ok, plan, profile, thresholds, delegations, steps, errors, warnings
        case ceremonyDigest = "ceremony_digest", onlineKeys = "online_keys"
    }

    init(_ report: PlanCheckReport) {
        ok = report.passed
        plan = Digest(file: report.planFile, sha256: report.planDigest.hex, words: report.passed ? report.planDigest.words : nil)
        ceremonyDigest = report.ceremonyDigest.map { Digest(file: report.planFile, sha256: $0.digest.hex, words: $0.digest.words) }
        onlineKeys = report.onlineKeyIDs
        profile = report.profileFile.flatMap { file in
            report.profileDigest.map { Digest(file: file, sha256: $0.hex, words: nil) }
        }
        thresholds = report.thresholds
        delegations = report.delegations.isEmpty ? nil : report.delegations
        steps = report.steps.map { Step(number: $0.number, total: $0.total, actor: $0.actor, text: $0.text) }
        let finding = { (d: PlanDiagnostic) in Finding(file: d.file, line: d.line, column: d.column, message: d.message) }
        errors = report.errors.map(finding)
        warnings = report.warnings.map(finding)
    }
}
