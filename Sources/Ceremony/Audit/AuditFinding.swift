import TrustMetadata

/// One thing `keyceremony audit` found, as a value: which check, where (a transcript record
/// by `seq`, or a file relative to the folder audited), what was expected and what was found.
package struct AuditFinding: Sendable, Equatable, CustomStringConvertible {
    /// The checks of issue 9, in the order the report lists them.
    package enum Check: String, Sendable, Equatable, CaseIterable {
        /// 1. The transcript's hash chain, seal, sequence numbers and times.
        case transcript
        /// 2. Every file against the seal, `manifest.json` and `SHA256SUMS`; nothing missing or extra.
        case files
        /// 3. `plan.yaml` (and `--plan`, and the site profile) against the digests recorded at the start.
        case plan
        /// 3. The steps executed are exactly the plan's, in order.
        case steps
        /// 4. Every root key's origin, and the online keys against their inputs.
        case provenance
        /// 5. Key attributes as recorded meet policy.
        case attributes
        /// 6. Every signature recorded is in the metadata and the metadata verifies.
        case signatures
        /// 7. Every confirmation the plan requires, by name.
        case people
        /// 8. Rehearsal or production, and tokens fit for it.
        case rehearsal
        /// 9. Backup shares (no backup ceremony exists yet).
        case backup
        /// 10. The executable's SHA-256, version and OS release.
        case tool
        /// A failed ceremony: what happened and which keys were left on which tokens.
        case failure
    }

    package enum Severity: String, Sendable, Equatable {
        case error
        case notice
    }

    package var check: Check
    package var severity: Severity
    /// `transcript.jsonl seq 12`, `public/metadata/example/root.json`, …
    package var location: String
    package var expected: String?
    package var found: String?
    /// Why, in words.
    package var detail: String

    package init(_ check: Check, _ severity: Severity = .error, at location: String, expected: String? = nil,
                found: String? = nil, _ detail: String) {
        self.check = check
        self.severity = severity
        self.location = location
        self.expected = expected
        self.found = found
        self.detail = detail
    }

    /// `transcript.jsonl seq N`, the location of a record.
    package static func record(_ seq: Int) -> String { "transcript.jsonl seq \(seq)" }

    package var description: String {
        var text = "\(severity.rawValue) [\(check.rawValue)] \(location): \(detail)"
        if expected != nil || found != nil {
            text += " (expected \(expected ?? "-"); found \(found ?? "-"))"
        }
        return text
    }

    /// The finding as `audit --json` prints it.
    package var json: JSONValue {
        var object = JSONObject()
        object["severity"] = .string(severity.rawValue)
        object["check"] = .string(check.rawValue)
        object["location"] = .string(location)
        object["expected"] = expected.map(JSONValue.string) ?? .null
        object["found"] = found.map(JSONValue.string) ?? .null
        object["detail"] = .string(detail)
        return .object(object)
    }
}
