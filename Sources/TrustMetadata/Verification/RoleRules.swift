/// Rules every role definition (top-level or delegated) must follow.
enum RoleRules {
    /// Threshold at least 1 and reachable, key IDs unique and defined.
    static func check(_ role: RoleKeys, name: String, keys: [String: MetadataKey], ring: KeyRing, file: String,
                      findings: inout [Finding], check: Finding.Check = .role) {
        if role.threshold < 1 {
            findings.append(Finding(file: file, role: name, check: check, detail: "threshold \(role.threshold) is below 1"))
        }
        var seen = Set<String>()
        for keyID in role.keyIDs {
            if !seen.insert(keyID).inserted {
                findings.append(Finding(file: file, role: name, keyID: keyID, check: check, detail: "key ID listed twice"))
            } else if keys[keyID] == nil {
                findings.append(Finding(file: file, role: name, keyID: keyID, check: check, detail: "key ID is not among the keys"))
            }
        }
        let distinctKeys = Set(seen.compactMap { ring.usable[$0] }).count
        if role.threshold >= 1, distinctKeys == 0 {
            findings.append(Finding(file: file, role: name, check: check,
                                    detail: "\(name) has threshold \(role.threshold) and 0 usable keys: nothing it signs can be trusted"))
        } else if role.threshold > distinctKeys {
            findings.append(Finding(file: file, role: name, check: check,
                                    detail: "threshold \(role.threshold) exceeds the \(distinctKeys) distinct usable keys listed"))
        }
    }
}
