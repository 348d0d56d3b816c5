/// One thing verification found, as a value a transcript or audit can keep.
///
/// Errors make verification fail; notices are reported but match what the peer
/// clients tolerate (an extra bad signature when the threshold is met anyway, a
/// rehearsal bundle), so verification still agrees with those clients.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error
        case notice
    }

    /// What kind of check produced the finding.
    public enum Check: String, Hashable, Sendable {
        /// The file is not JSON or does not have the required structure.
        case malformed
        /// The file's dialect is not the expected one.
        case dialect
        /// A key cannot be decoded or uses an unsupported algorithm.
        case key
        /// A listed key ID is not the hash of its key.
        case keyID = "keyid"
        /// A signature does not verify or cannot be decoded.
        case signature
        /// Fewer distinct keys signed than the role's threshold.
        case threshold
        /// The metadata has expired at the time checked.
        case expiry
        /// A version is out of sequence.
        case version
        /// A role definition is inconsistent (missing roles, unreachable thresholds, …).
        case role
        /// A delegation is malformed.
        case delegation
        /// A Notary root certificate would not be trusted.
        case certificate
        /// A target entry is malformed.
        case target
        /// A role is missing from snapshot.json, or does not match what it lists.
        case snapshot
        /// A file in the repository matches no role a client loads, so it was not verified.
        case unmatched
        /// The bundle is a rehearsal: its keys are not production keys.
        case rehearsal
        /// A ceremony bundle's transcript, seal, manifest or `SHA256SUMS` disagrees with its files.
        case bundle
    }

    /// The file the finding is about, as given to the verifier.
    public var file: String
    /// The role concerned, if any.
    public var role: String?
    /// The key concerned, if any.
    public var keyID: String?
    public var check: Check
    public var severity: Severity
    /// Why, in words an operator can act on.
    public var detail: String

    public init(file: String, role: String? = nil, keyID: String? = nil, check: Check,
                severity: Severity = .error, detail: String) {
        self.file = file
        self.role = role
        self.keyID = keyID
        self.check = check
        self.severity = severity
        self.detail = detail
    }

    public var description: String {
        var parts = ["\(severity.rawValue): \(file)"]
        if let role { parts.append("role \(role)") }
        if let keyID { parts.append("key \(keyID.prefix(16))…") }
        return parts.joined(separator: " ") + " [\(check.rawValue)] \(detail)"
    }

    /// The finding as a JSON object for `--json` output.
    public var json: JSONValue {
        var object = JSONObject()
        object["severity"] = .string(severity.rawValue)
        object["file"] = .string(file)
        object["role"] = role.map(JSONValue.string) ?? .null
        object["keyid"] = keyID.map(JSONValue.string) ?? .null
        object["check"] = .string(check.rawValue)
        object["detail"] = .string(detail)
        return .object(object)
    }
}
