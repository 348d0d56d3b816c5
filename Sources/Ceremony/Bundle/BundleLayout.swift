import Foundation

/// What kind of ceremony output a folder is, found from the files in it.
///
/// - ``Kind/outputDirectory``: `DIR/public/` (and `DIR/backup/`), as ``OutputDirectory`` completes it;
/// - ``Kind/publicFolder``: that `public/` folder on its own (it holds `manifest.json`);
/// - ``Kind/failedCeremony``: `DIR.failed-<time>/transcript.jsonl` alone, as a failure leaves it.
package struct BundleLayout: Sendable, Equatable {
    package enum Kind: String, Sendable, Equatable {
        case outputDirectory = "output directory"
        case publicFolder = "public folder"
        case failedCeremony = "failed ceremony"
    }

    /// The folder given.
    package var root: URL
    package var kind: Kind

    /// The folder holding `transcript.jsonl` (and, unless failed, the other public files).
    package var publicDirectory: URL {
        kind == .outputDirectory ? root.appendingPathComponent(BundlePath.publicFolder) : root
    }

    /// The layout of `url`, or nil when it is no ceremony output (a plain metadata folder or file).
    package static func find(_ url: URL) -> BundleLayout? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        let publicDir = url.appendingPathComponent(BundlePath.publicFolder)
        if fm.fileExists(atPath: publicDir.path, isDirectory: &isDirectory), isDirectory.boolValue,
           [BundlePath.manifest, BundlePath.transcript, BundlePath.sums, BundlePath.plan]
            .contains(where: { fm.fileExists(atPath: publicDir.appendingPathComponent($0).path) }) {
            return BundleLayout(root: url, kind: .outputDirectory)
        }
        let here = [BundlePath.manifest, BundlePath.sums, BundlePath.plan].contains { fm.fileExists(atPath: url.appendingPathComponent($0).path) }
        if here { return BundleLayout(root: url, kind: .publicFolder) }
        if fm.fileExists(atPath: url.appendingPathComponent(BundlePath.transcript).path) {
            return BundleLayout(root: url, kind: .failedCeremony)
        }
        return nil
    }

    /// The bundle check that fits the layout: the whole output directory, or `public/` alone.
    /// A failed ceremony's folder has only its transcript, checked without a seal.
    package func check() -> BundleCheckResult {
        switch kind {
        case .outputDirectory: return BundleCheck.run(directory: root)
        case .publicFolder: return BundleCheck.run(publicDirectory: root)
        case .failedCeremony:
            let verification = try? TranscriptVerifier.verify(fileAt: root.appendingPathComponent(BundlePath.transcript), requireSeal: false)
            var findings: [BundleFinding] = []
            if let problem = verification?.problem {
                findings.append(BundleFinding(file: BundlePath.transcript, line: problem.line, "transcript.jsonl: \(problem)"))
            } else if verification == nil {
                findings.append(BundleFinding(file: BundlePath.transcript, "transcript.jsonl cannot be read"))
            }
            return BundleCheckResult(manifest: nil, transcript: verification, findings: findings)
        }
    }

    /// `relative` (as a finding names it) as a path under the folder given.
    package func path(_ relative: String) -> String {
        var relative = relative
        if kind != .outputDirectory, relative.hasPrefix("\(BundlePath.publicFolder)/") {
            relative.removeFirst(BundlePath.publicFolder.count + 1)
        }
        return root.appendingPathComponent(relative).path
    }
}
