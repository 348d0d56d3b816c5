import Foundation
import TrustMetadata

/// Checks a finished output directory against its own evidence: the
/// manifest, `SHA256SUMS`, the sealed transcript and the plan copy must all
/// agree with each other and with the files.
///
/// This checks integrity and consistency only; whether the metadata inside is
/// valid TUF or Notary metadata is the metadata layer's job.
package enum BundleCheck {
    /// Checks the output directory at `directory`. Never throws: every
    /// problem, including unreadable files, is in the result.
    package static func run(directory: URL) -> BundleCheckResult {
        var problems: [String] = []
        let publicDir = directory.appendingPathComponent(BundlePath.publicFolder)
        var isDirectory: ObjCBool = false
        for folder in [BundlePath.publicFolder, BundlePath.backupFolder] {
            let path = directory.appendingPathComponent(folder).path
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                problems.append("\(folder)/ is missing")
            }
        }
        guard problems.isEmpty else { return BundleCheckResult(manifest: nil, transcript: nil, problems: problems) }

        let files: [String]
        do {
            files = try BundlePath.regularFiles(under: publicDir)
        } catch {
            return BundleCheckResult(manifest: nil, transcript: nil, problems: ["public/ cannot be listed: \(error)"])
        }
        func digest(_ path: String) -> String? {
            (try? BundlePath.read(publicDir.appendingPathComponent(path))).map { ByteEncoding.sha256Hex($0) }
        }

        var manifest: BundleManifest?
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self,
                                                from: BundlePath.read(publicDir.appendingPathComponent(BundlePath.manifest)))
        } catch {
            problems.append("manifest.json cannot be read: \(error)")
        }
        if let manifest {
            let expected = Set(files).subtracting([BundlePath.manifest, BundlePath.sums])
            for path in expected.subtracting(manifest.files.keys).sorted() {
                problems.append("public/\(path) is not listed in manifest.json")
            }
            for (path, sha) in manifest.files.sorted(by: { $0.key < $1.key }) {
                if let actual = digest(path) {
                    if actual != sha { problems.append("public/\(path) does not match its SHA-256 in manifest.json") }
                } else {
                    problems.append("public/\(path) is listed in manifest.json but missing")
                }
            }
            if digest(BundlePath.plan) != manifest.planDigest {
                problems.append("plan.yaml does not match the plan digest in manifest.json")
            }
        }

        problems += checkSums(publicDir: publicDir, files: files, digest: digest)

        let transcript = try? TranscriptVerifier.verify(fileAt: publicDir.appendingPathComponent(BundlePath.transcript),
                                                        publicDirectory: publicDir)
        if let transcript {
            if let problem = transcript.problem { problems.append("transcript.jsonl: \(problem)") }
            if let manifest, case .ceremonyStart(let start)? = transcript.records.first?.event {
                let agrees = start.ceremony == manifest.ceremony && start.dialect == manifest.dialect &&
                    start.repositories == manifest.repositories && start.planDigest == manifest.planDigest &&
                    start.profileDigest == manifest.profileDigest && start.rehearsal == manifest.rehearsal &&
                    start.toolVersion == manifest.toolVersion
                if !agrees { problems.append("the transcript's ceremony-start record disagrees with manifest.json") }
            } else if transcript.problem == nil {
                problems.append("transcript.jsonl does not begin with a ceremony-start record")
            }
        } else {
            problems.append("transcript.jsonl cannot be read")
        }
        return BundleCheckResult(manifest: manifest, transcript: transcript, problems: problems)
    }

    /// `SHA256SUMS` must list every other public file, each with its digest.
    private static func checkSums(publicDir: URL, files: [String], digest: (String) -> String?) -> [String] {
        guard let text = try? String(contentsOf: publicDir.appendingPathComponent(BundlePath.sums), encoding: .utf8) else {
            return ["SHA256SUMS cannot be read"]
        }
        var problems: [String] = []
        var listed: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 64, parts[1].isEmpty else {
                problems.append("SHA256SUMS line \(index + 1) is not '<sha256>  <path>'")
                continue
            }
            listed[String(parts[2])] = String(parts[0])
        }
        for path in Set(files).subtracting([BundlePath.sums]).subtracting(listed.keys).sorted() {
            problems.append("public/\(path) is not listed in SHA256SUMS")
        }
        for (path, sha) in listed.sorted(by: { $0.key < $1.key }) where digest(path) != sha {
            problems.append("public/\(path) does not match its SHA-256 in SHA256SUMS")
        }
        return problems
    }
}

/// The outcome of ``BundleCheck/run(directory:)``.
package struct BundleCheckResult: Sendable, Equatable {
    package var manifest: BundleManifest?
    package var transcript: TranscriptVerification?
    /// Plain-English problems; empty when everything agrees.
    package var problems: [String]

    package var isValid: Bool { problems.isEmpty }
    /// Whether the bundle says it is from a rehearsal.
    package var isRehearsal: Bool? { manifest?.rehearsal }
}
