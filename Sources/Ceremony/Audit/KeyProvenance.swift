import Foundation
import PKCS11
import TrustMetadata

/// Checks 4 and 5 of the audit: where every key in the new roots came from, and whether the
/// keys' recorded attributes meet policy.
///
/// A root key is accounted for by a `key-generated` record (on the token the plan assigns, as
/// the `token` record before it shows), a `key-found` record (a kept key of a rotation or
/// re-sign, which must be a root key of the current root the `current-root` record names), or a
/// `certificate` record issued for such a key (Notary). Online role keys must be those recorded
/// at the start (and, when the plan's input files can be read, those files); a rotation that
/// names none keeps the current root's.
struct KeyProvenance {
    let records: [TranscriptRecord]
    let start: TranscriptEvent.CeremonyStart
    let plan: ResolvedPlan?
    let roots: [String: RootFiles]
    let publicDir: URL
    let onlineKeyFiles: [String: URL]
    /// False for a failed ceremony: keys made so far are listed, nothing is required.
    let complete: Bool

    private struct Origin {
        var seq: Int
        var name: String
        var holder: String
        var spkiPEM: String
    }

    /// Every key generated or found, with the token it was on.
    var rows: [AuditReport.KeyRow] {
        var tokens: [String: TranscriptEvent.TokenIdentity] = [:]
        var rows: [AuditReport.KeyRow] = []
        for record in records {
            switch record.event {
            case .token(let token): tokens[token.key] = token
            case .keyGenerated(let key):
                rows.append(.init(name: key.key, holder: key.holder, origin: "generated", keyIDs: key.keyIDs, fingerprint: Self.fingerprint(key.spkiPEM),
                                  tokenLabel: tokens[key.key]?.label, tokenSerial: tokens[key.key]?.serial, ckaID: key.ckaID,
                                  attributes: key.attributes, seq: record.seq))
            case .keyFound(let key):
                rows.append(.init(name: key.key, holder: key.holder, origin: "found", keyIDs: key.keyIDs, fingerprint: Self.fingerprint(key.spkiPEM),
                                  tokenLabel: tokens[key.key]?.label, tokenSerial: tokens[key.key]?.serial, ckaID: key.ckaID,
                                  attributes: key.attributes, seq: record.seq))
            case .certificate(let certificate):
                if let index = rows.lastIndex(where: { $0.name == certificate.key }), !rows[index].keyIDs.contains(certificate.keyID) {
                    rows[index].keyIDs.append(certificate.keyID)
                }
            default: break
            }
        }
        return rows
    }

    static func fingerprint(_ pem: String) -> String {
        (try? PublicKeyMaterial(pem: pem)).map { ByteEncoding.sha256Hex(Data($0.spki)) } ?? "unreadable public key"
    }

    func check() -> [AuditFinding] {
        var findings: [AuditFinding] = []
        var origins: [String: Origin] = [:]  // key ID → origin
        var tokens: [String: (Int, TranscriptEvent.TokenIdentity)] = [:]
        var generated: [String: Int] = [:], found: [String: Int] = [:]
        var currentRoots: [String: (Int, TranscriptEvent.CurrentRootRead)] = [:]
        var spkiByName: [String: (String, String)] = [:]
        var skippedKeys = Set<String>()
        // Keys wrapped for backup were generated extractable; restored keys are not local and
        // were not always sensitive. Each is allowed only where its own record says so.
        var wrapped = Set<String>()
        var restored = Set<String>()
        for record in records {
            if case let .keyWrapped(key) = record.event { wrapped.insert(key.key) }
        }
        for record in records {
            switch record.event {
            case .token(let token):
                tokens[token.key] = (record.seq, token)
            case .keyGenerated(let key):
                generated[key.key] = record.seq
                spkiByName[key.key] = (key.holder, key.spkiPEM)
                for id in key.keyIDs { origins[id] = Origin(seq: record.seq, name: key.key, holder: key.holder, spkiPEM: key.spkiPEM) }
                findings += attributeFindings(key.attributes, seq: record.seq, name: key.key, backedUp: wrapped.contains(key.key))
                findings += tokenFindings(key.key, seq: record.seq, tokens: tokens)
            case .keyRestored(let key):
                restored.insert(key.key)
                findings += tokenFindings(key.key, seq: record.seq, tokens: tokens)
            case .keyFound(let key):
                found[key.key] = record.seq
                spkiByName[key.key] = (key.holder, key.spkiPEM)
                for id in key.keyIDs { origins[id] = Origin(seq: record.seq, name: key.key, holder: key.holder, spkiPEM: key.spkiPEM) }
                findings += attributeFindings(key.attributes, seq: record.seq, name: key.key, restored: restored.contains(key.key), found: true)
                findings += tokenFindings(key.key, seq: record.seq, tokens: tokens)
            case .certificate(let certificate):
                if let (holder, pem) = spkiByName[certificate.key] {
                    origins[certificate.keyID] = Origin(seq: record.seq, name: certificate.key, holder: holder, spkiPEM: pem)
                } else {
                    findings.append(AuditFinding(.provenance, at: AuditFinding.record(record.seq), expected: "a key generated or found before",
                                                 found: "certificate for '\(certificate.key)'", "a certificate was issued for a key this ceremony neither generated nor found"))
                }
            case .currentRoot(let current):
                currentRoots[current.repository] = (record.seq, current)
            case .holderSkipped(let skipped):
                skippedKeys.insert(skipped.key)
            default: break
            }
        }
        guard complete else { return findings }

        // The plan's keys: generated ones generated, existing ones found, by their holders. Kept
        // offline targets keys of a rotation do not come; a delegation's signer skipped once the
        // threshold was met was never found.
        if let plan {
            var expected = plan.plan.root?.keys ?? []
            expected += (plan.plan.body.offlineTargets?.keys ?? []).filter { $0.algorithm != nil }
            if case let .targetsDelegation(body) = plan.plan.body {
                expected += body.signingKeys.filter { !skippedKeys.contains($0.name) }
            }
            for key in expected {
                switch key.source {
                case .generate:
                    if generated[key.name] == nil {
                        findings.append(AuditFinding(.provenance, at: "transcript.jsonl", expected: "key-generated for '\(key.name)' (\(key.holder))",
                                                     found: "no record", "the plan's new key '\(key.name)' was never generated"))
                    }
                case .existing(let keyID):
                    if found[key.name] == nil {
                        findings.append(AuditFinding(.provenance, at: "transcript.jsonl", expected: "key-found for '\(key.name)' (\(keyID))",
                                                     found: "no record", "the plan's kept key '\(key.name)' was never found on its token"))
                    }
                    if plan.plan.body.restoredKeys.contains(key.name) && !restored.contains(key.name) {
                        findings.append(AuditFinding(.provenance, at: "transcript.jsonl", expected: "key-restored for '\(key.name)'",
                                                     found: "no record", "the plan's key '\(key.name)' was to be restored from backup, but no restore is recorded"))
                    }
                case .recoveryDrill:
                    break
                }
            }
        }
        if start.ceremony == .targetsDelegation {
            // The root is not signed here: it must be the current root the ceremony read, byte for
            // byte, and every key found must be a targets key of it.
            for (repository, files) in roots.sorted(by: { $0.key < $1.key }) {
                findings += delegationRootFindings(repository, files: files, current: currentRoots[repository],
                                                   foundIDs: origins.filter { found[$0.value.name] != nil }.map(\.key))
            }
            return findings
        }
        let planned = plan.flatMap { $0.plan.root }.map { Set($0.keys.map(\.name)) }
        for (repository, files) in roots.sorted(by: { $0.key < $1.key }) {
            let root = files.root
            var namesInRoot = Set<String>()
            for keyID in root.roles["root"]?.keyIDs ?? [] {
                guard let origin = origins[keyID] else {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: "a key generated, found or declared in this ceremony",
                                                 found: "root key \(keyID)", "a root key of '\(repository)' is accounted for by no record"))
                    continue
                }
                namesInRoot.insert(origin.name)
                let listed = (try? root.keys[keyID]?.material(dialect: start.dialect))?.map(\.spki)
                let recorded = try? PublicKeyMaterial(pem: origin.spkiPEM).spki
                if listed == nil || listed! != recorded {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: "the public key of seq \(origin.seq)",
                                                 found: "another key under \(keyID)", "root key \(keyID) is not the key '\(origin.name)' recorded"))
                }
                if let planned, !planned.contains(origin.name) {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: "one of the plan's root keys",
                                                 found: "'\(origin.name)'", "root key \(keyID) belongs to key '\(origin.name)', which the plan does not keep in the root"))
                }
            }
            if let planned {
                for name in planned.subtracting(namesInRoot).sorted() {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: "key '\(name)' in the root", found: "absent",
                                                 "the plan's root key '\(name)' is not in the new root of '\(repository)'"))
                }
            }
            findings += currentRootFindings(repository, files: files, current: currentRoots[repository],
                                            foundIDs: origins.filter { found[$0.value.name] != nil && $0.value.seq == found[$0.value.name] }.map(\.key))
            findings += onlineKeyFindings(repository, files: files, current: currentRoots[repository]?.1, origins: origins)
        }
        return findings
    }

    /// A delegation: root.json is the current root recorded, as the bundle's copy of that version,
    /// and every key found on a token is a targets key of it.
    private func delegationRootFindings(_ repository: String, files: RootFiles, current: (Int, TranscriptEvent.CurrentRootRead)?,
                                        foundIDs: [String]) -> [AuditFinding] {
        guard let (seq, current) = current else {
            return [AuditFinding(.provenance, at: "transcript.jsonl", expected: "a current-root record for '\(repository)'", found: "none",
                                 "the root this delegation was signed under is not recorded")]
        }
        let at = AuditFinding.record(seq)
        var findings: [AuditFinding] = []
        guard let copy = files.versions[current.version] else {
            return [AuditFinding(.provenance, at: at, expected: "\(current.version).root.json in the bundle", found: "no file",
                                 "the current root recorded is not in the bundle")]
        }
        if copy.sha256 != current.sha256 {
            findings.append(AuditFinding(.provenance, at: at, expected: current.sha256, found: copy.sha256,
                                         "\(current.version).root.json is not the current root the ceremony read"))
        }
        if ByteEncoding.sha256Hex(files.bytes) != current.sha256 {
            findings.append(AuditFinding(.provenance, at: files.path, expected: current.sha256, found: ByteEncoding.sha256Hex(files.bytes),
                                         "root.json is not the current root the ceremony read; a delegation signs no root"))
        }
        let targetsKeys = Set(files.root.roles["targets"]?.keyIDs ?? [])
        for keyID in foundIDs.sorted() where !targetsKeys.contains(keyID) {
            findings.append(AuditFinding(.provenance, at: at, expected: "a targets key of version \(current.version)", found: keyID,
                                         "a key found on a token is not a targets key of the current root"))
        }
        return findings
    }

    /// Check 5: a key is sensitive, never extractable and made on its token; a key wrapped for
    /// backup (a key-wrapped record) was extractable, and a key restored from backup (a
    /// key-restored record) is non-extractable but neither local nor always sensitive.
    private func attributeFindings(_ attributes: KeyAttributes, seq: Int, name: String, backedUp: Bool = false,
                                   restored: Bool = false, found: Bool = false) -> [AuditFinding] {
        var rules: [(String, Bool?, Bool)] = [
            ("CKA_SENSITIVE", attributes.sensitive, true), ("CKA_ALWAYS_SENSITIVE", attributes.alwaysSensitive, !restored),
            ("CKA_EXTRACTABLE", attributes.extractable, backedUp), ("CKA_NEVER_EXTRACTABLE", attributes.neverExtractable, !backedUp && !restored),
            ("CKA_LOCAL", attributes.local, !restored),
        ]
        if restored { rules.removeAll { $0.0 == "CKA_NEVER_EXTRACTABLE" } }
        // A key found in a later ceremony that was backed up (or restored) before reports
        // CKA_NEVER_EXTRACTABLE=false forever, while CKA_EXTRACTABLE=false; that history is in the
        // earlier ceremony's transcript, so here it is a notice, not a finding against the key.
        var notices: [AuditFinding] = []
        if found, !backedUp, !restored, attributes.extractable == false, attributes.sensitive == true {
            for (attribute, value) in [("CKA_NEVER_EXTRACTABLE", attributes.neverExtractable), ("CKA_ALWAYS_SENSITIVE", attributes.alwaysSensitive), ("CKA_LOCAL", attributes.local)] where value == false {
                rules.removeAll { $0.0 == attribute }
                notices.append(AuditFinding(.attributes, .notice, at: AuditFinding.record(seq), expected: "\(attribute)=true",
                                            found: "\(attribute)=false",
                                            "key '\(name)' is non-extractable now but was backed up or restored in an earlier ceremony; that ceremony's transcript records the wrap or the restore"))
            }
        }
        return notices + rules.compactMap { attribute, value, wanted in
            guard value != wanted else { return nil }
            return AuditFinding(.attributes, at: AuditFinding.record(seq), expected: "\(attribute)=\(wanted)",
                                found: "\(attribute)=\(value.map(String.init) ?? "not reported")",
                                "key '\(name)' does not meet the root key policy (no backup or recovery is recorded for it)")
        }
    }

    /// The key's token, recorded before it, must be the one the plan (and profile) assign.
    private func tokenFindings(_ name: String, seq: Int, tokens: [String: (Int, TranscriptEvent.TokenIdentity)]) -> [AuditFinding] {
        guard let plan, let assigned = plan.key(name)?.token else { return [] }
        guard let (tokenSeq, token) = tokens[name] else {
            return [AuditFinding(.provenance, at: AuditFinding.record(seq), expected: "a token record for '\(name)'", found: "none",
                                 "key '\(name)' was used on no recorded token")]
        }
        let identity = PKCS11.TokenIdentity(label: token.label, serial: token.serial, manufacturer: token.manufacturer, model: token.model)
        let matches: Bool
        switch assigned {
        case .label(let label): matches = label.utf8.elementsEqual(token.label.utf8)
        case .serial(let serial): matches = serial.utf8.elementsEqual(token.serial.utf8)
        case .uri(let uri): matches = uri.matches(identity)
        }
        return matches ? [] : [AuditFinding(.provenance, at: AuditFinding.record(tokenSeq), expected: assigned.description,
                                            found: "token '\(token.label)' serial \(token.serial)", "key '\(name)' was on another token than the plan assigns")]
    }

    /// A rotation or re-sign: the current root recorded is the one in the bundle, it holds every
    /// kept key, and the new root is the next version.
    private func currentRootFindings(_ repository: String, files: RootFiles, current: (Int, TranscriptEvent.CurrentRootRead)?,
                                     foundIDs: [String]) -> [AuditFinding] {
        guard start.ceremony != .rootGeneration else {
            return files.root.version == 1 ? [] : [AuditFinding(.provenance, at: files.path, expected: "version 1", found: "version \(files.root.version)",
                                                                 "a root generation makes version 1")]
        }
        guard let (seq, current) = current else {
            return [AuditFinding(.provenance, at: "transcript.jsonl", expected: "a current-root record for '\(repository)'", found: "none",
                                 "the root this ceremony replaced is not recorded")]
        }
        var findings: [AuditFinding] = []
        let at = AuditFinding.record(seq)
        guard let previous = files.versions[current.version] else {
            return [AuditFinding(.provenance, at: at, expected: "\(current.version).root.json in the bundle", found: "no file",
                                 "the current root recorded is not in the bundle")]
        }
        if previous.sha256 != current.sha256 {
            findings.append(AuditFinding(.provenance, at: at, expected: current.sha256, found: previous.sha256,
                                         "\(current.version).root.json is not the current root the ceremony read"))
        }
        if files.root.version != Int64(current.version) + 1 {
            findings.append(AuditFinding(.provenance, at: files.path, expected: "version \(current.version + 1)", found: "version \(files.root.version)",
                                         "the new root does not follow the current root recorded"))
        }
        let currentKeys = Set(previous.root?.roles["root"]?.keyIDs ?? [])
        for keyID in foundIDs.sorted() where !currentKeys.contains(keyID) {
            findings.append(AuditFinding(.provenance, at: at, expected: "a root key of version \(current.version)", found: keyID,
                                         "a key found on a token is not a root key of the current root"))
        }
        return findings
    }

    /// Online role keys: as recorded at the start, as in the input files when readable, or as in
    /// the current root when the plan replaces none.
    private func onlineKeyFindings(_ repository: String, files: RootFiles, current: TranscriptEvent.CurrentRootRead?,
                                   origins: [String: Origin]) -> [AuditFinding] {
        var findings: [AuditFinding] = []
        let offlineTargets = plan?.plan.body.offlineTargets
        for role in OnlineKeyFiles.roles {
            let listed = files.root.roles[role]?.keyIDs ?? []
            if role == "targets", let offline = offlineTargets {
                // Offline targets keys: generated in this ceremony, or kept from the current root.
                let kept = Set(offline.keys.compactMap(\.existingKeyID))
                let names = Set(offline.keys.map(\.name))
                for keyID in listed where !kept.contains(keyID) && !(origins[keyID].map { names.contains($0.name) } ?? false) {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: "a targets key generated on a token in this ceremony or kept by the plan",
                                                 found: keyID, "the targets key \(keyID) is accounted for by no record"))
                }
                if listed.count != offline.keys.count || files.root.roles[role]?.threshold != Int64(offline.threshold) {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: offline.summary(role: "targets"),
                                                 found: "threshold \(files.root.roles[role]?.threshold ?? 0) of \(listed.count) keys", "the targets role is not the plan's"))
                }
                continue
            }
            if let input = start.onlineKeys?[role] {
                if !listed.contains(input.keyID) {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: "\(role) key \(input.keyID) (seq 1)", found: listed.joined(separator: ", "),
                                                 "the \(role) key is not the online key declared as input"))
                }
                if let url = onlineKeyFiles[role], let source = try? SourceFile.read(url) {
                    if source.digest.hex != input.fileSHA256 {
                        findings.append(AuditFinding(.provenance, at: url.path, expected: input.fileSHA256, found: source.digest.hex,
                                                     "the \(role) key file is not the one the ceremony read"))
                    }
                }
            } else if start.ceremony == .rootGeneration {
                findings.append(AuditFinding(.provenance, .notice, at: AuditFinding.record(1), found: "not recorded",
                                             "the \(role) key's input file is not recorded, so it cannot be matched"))
            } else if let current, let previous = files.versions[current.version]?.root {
                let before = previous.roles[role]?.keyIDs ?? []
                if Set(before) != Set(listed) {
                    findings.append(AuditFinding(.provenance, at: files.path, expected: before.joined(separator: ", "), found: listed.joined(separator: ", "),
                                                 "the \(role) keys changed, but the plan declares no new \(role) key"))
                }
            }
        }
        return findings
    }
}
