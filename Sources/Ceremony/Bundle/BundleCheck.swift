import Foundation
import TrustMetadata

/// Checks a finished output directory against its own evidence: the
/// manifest, `SHA256SUMS`, the sealed transcript and the plan copy must all
/// agree with each other and with the files.
///
/// Every file is read with ``BundlePath/read(_:)`` (bounded, regular files only). Checked:
/// - `manifest.json` lists every other public file but `SHA256SUMS`, each with its SHA-256;
///   its plan digest is that of `plan.yaml`; its header equals the ceremony-start record;
/// - `SHA256SUMS` is exactly what `sha256sum` writes for every other public file;
/// - the transcript's hash chain, times and seal hold, and the seal lists every public file
///   but the three written after it (``TranscriptVerifier/unsealedNames``), each with its digest.
///
/// This checks integrity and consistency only; whether the metadata inside is
/// valid TUF or Notary metadata is the metadata layer's job.
package enum BundleCheck {
    /// Checks the output directory at `directory` (holding `public/` and `backup/`). Never
    /// throws: every problem, including unreadable files, is in the result.
    package static func run(directory: URL) -> BundleCheckResult {
        var missing: [BundleFinding] = []
        var isDirectory: ObjCBool = false
        // backup/ is not required: a ceremony without backup leaves it empty, and copies drop empty folders.
        for folder in [BundlePath.publicFolder] {
            let path = directory.appendingPathComponent(folder).path
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                missing.append(BundleFinding(file: "\(folder)/", expected: "a folder", found: "nothing", "\(folder)/ is missing"))
            }
        }
        guard missing.isEmpty else { return BundleCheckResult(manifest: nil, transcript: nil, findings: missing) }
        return run(publicDirectory: directory.appendingPathComponent(BundlePath.publicFolder))
    }

    /// Checks a bundle's `public/` folder on its own, as an auditor handed only that folder does.
    package static func run(publicDirectory publicDir: URL) -> BundleCheckResult {
        var findings: [BundleFinding] = []
        func add(_ file: String, expected: String? = nil, found: String? = nil, _ text: String) {
            findings.append(BundleFinding(file: file, expected: expected, found: found, text))
        }
        let files: [String]
        do {
            files = try BundlePath.regularFiles(under: publicDir)
        } catch {
            return BundleCheckResult(manifest: nil, transcript: nil,
                                     findings: [BundleFinding(file: "public/", "public/ cannot be listed: \(error)")])
        }
        var cache: [String: String?] = [:]
        func digest(_ path: String) -> String? {
            if let known = cache[path] { return known }
            let value = BundlePath.isSafeRelative(path)
                ? (try? BundlePath.read(publicDir.appendingPathComponent(path))).map { ByteEncoding.sha256Hex($0) } : nil
            cache[path] = value
            return value
        }

        var manifest: BundleManifest?
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self,
                                                from: BundlePath.read(publicDir.appendingPathComponent(BundlePath.manifest)))
        } catch let error as BoundedFile.Failure {
            add("public/manifest.json", "manifest.json cannot be read: \(error.reason)")
        } catch {
            add("public/manifest.json", "manifest.json cannot be read: it is not a manifest (version 1)")
        }
        if let manifest {
            let expected = Set(files).subtracting([BundlePath.manifest, BundlePath.sums])
            for path in expected.subtracting(manifest.files.keys).sorted() {
                add("public/\(path)", expected: "not present", found: digest(path), "public/\(path) is not listed in manifest.json")
            }
            for (path, sha) in manifest.files.sorted(by: { $0.key < $1.key }) {
                if let actual = digest(path) {
                    if actual != sha {
                        add("public/\(path)", expected: sha, found: actual, "public/\(path) does not match its SHA-256 in manifest.json")
                    }
                } else {
                    add("public/\(path)", expected: sha, found: "no file", "public/\(path) is listed in manifest.json but missing")
                }
            }
            if digest(BundlePath.plan) != manifest.planDigest {
                add("public/plan.yaml", expected: manifest.planDigest, found: digest(BundlePath.plan) ?? "no file",
                    "plan.yaml does not match the plan digest in manifest.json")
            }
        }

        findings += checkSums(publicDir: publicDir, files: files, digest: digest)

        let transcript = try? TranscriptVerifier.verify(fileAt: publicDir.appendingPathComponent(BundlePath.transcript),
                                                        publicDirectory: publicDir)
        if let transcript {
            if let problem = transcript.problem {
                findings.append(BundleFinding(file: "public/transcript.jsonl", line: problem.line, "transcript.jsonl: \(problem)"))
            }
            if let manifest, case .ceremonyStart(let start)? = transcript.records.first?.event {
                let agrees = start.ceremony == manifest.ceremony && start.dialect == manifest.dialect &&
                    start.repositories == manifest.repositories && start.planDigest == manifest.planDigest &&
                    start.profileDigest == manifest.profileDigest && start.rehearsal == manifest.rehearsal &&
                    start.toolVersion == manifest.toolVersion
                if !agrees {
                    findings.append(BundleFinding(file: "public/manifest.json", line: 1,
                                                  "the transcript's ceremony-start record disagrees with manifest.json"))
                }
            } else if transcript.problem == nil {
                findings.append(BundleFinding(file: "public/transcript.jsonl", line: 1,
                                              "transcript.jsonl does not begin with a ceremony-start record"))
            }
        } else {
            add("public/transcript.jsonl", "transcript.jsonl cannot be read")
        }
        return BundleCheckResult(manifest: manifest, transcript: transcript, findings: findings)
    }

    /// `SHA256SUMS` must be exactly the file `sha256sum` writes for every other public file:
    /// each listed once, with its digest, sorted, nothing else in the file.
    private static func checkSums(publicDir: URL, files: [String], digest: (String) -> String?) -> [BundleFinding] {
        let file = "public/SHA256SUMS"
        let bytes: Data
        do {
            bytes = try BundlePath.read(publicDir.appendingPathComponent(BundlePath.sums))
        } catch {
            return [BundleFinding(file: file, "SHA256SUMS cannot be read: \(error.reason)")]
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            return [BundleFinding(file: file, "SHA256SUMS is not UTF-8 text")]
        }
        var findings: [BundleFinding] = []
        var listed: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 64, parts[1].isEmpty else {
                findings.append(BundleFinding(file: file, line: index + 1, expected: "<sha256>  <path>", found: String(line),
                                              "SHA256SUMS line \(index + 1) is not '<sha256>  <path>'"))
                continue
            }
            listed[String(parts[2])] = String(parts[0])
        }
        for path in Set(files).subtracting([BundlePath.sums]).subtracting(listed.keys).sorted() {
            findings.append(BundleFinding(file: "public/\(path)", expected: "listed", found: "not listed",
                                          "public/\(path) is not listed in SHA256SUMS"))
        }
        for (path, sha) in listed.sorted(by: { $0.key < $1.key }) {
            let actual = digest(path)
            if actual != sha {
                findings.append(BundleFinding(file: "public/\(path)", expected: sha, found: actual ?? "no file",
                                              "public/\(path) does not match its SHA-256 in SHA256SUMS"))
            }
        }
        if findings.isEmpty, SHA256Sums(entries: listed).text != text {
            findings.append(BundleFinding(file: file, expected: "one sorted line per file and nothing else",
                                          found: "other bytes", "SHA256SUMS has other bytes than sha256sum writes (order, blank lines or spacing changed)"))
        }
        return findings
    }
}

/// The outcome of ``BundleCheck/run(directory:)``.
package struct BundleCheckResult: Sendable, Equatable {
    package var manifest: BundleManifest?
    package var transcript: TranscriptVerification?
    /// Every disagreement found; empty when everything agrees.
    package var findings: [BundleFinding]

    /// The findings in plain English.
    package var problems: [String] { findings.map(\.description) }
    package var isValid: Bool { findings.isEmpty }
    /// Whether the bundle says it is from a rehearsal.
    package var isRehearsal: Bool? { manifest?.rehearsal }
}
