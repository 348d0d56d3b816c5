import Ceremony
import Foundation
import TrustMetadata

/// A ceremony bundle checked for publishing: the same checks as `keyceremony verify` on a
/// bundle (its metadata, and the transcript, manifest and SHA256SUMS agreeing with every file),
/// then its root versions per repository.
package struct PublishableBundle {
    /// Why a bundle is not published, in words.
    package struct Refusal: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    package let directory: URL
    package let manifest: BundleManifest

    /// Checks the bundle at `directory`.
    ///
    /// - Throws: ``Refusal`` when it is not a complete ceremony output, its bundle check or
    ///   verification finds anything, or it is a rehearsal and `allowRehearsal` is false.
    package static func open(_ directory: URL, allowRehearsal: Bool, at time: Date = Date()) throws -> PublishableBundle {
        if directory.standardizedFileURL.lastPathComponent == BundlePath.publicFolder,
           FileManager.default.fileExists(atPath: directory.appendingPathComponent(BundlePath.manifest).path) {
            throw Refusal(description: "\(directory.path) is the bundle's public/ folder; give the ceremony output directory that holds it, so its transcript and manifest are checked with it")
        }
        let check = BundleCheck.run(directory: directory)
        guard check.isValid, let manifest = check.manifest else {
            throw Refusal(description: "\(directory.path) is not a complete, consistent ceremony bundle: " + check.problems.joined(separator: "; "))
        }
        if manifest.rehearsal && !allowRehearsal {
            throw Refusal(description: "\(directory.path) is a rehearsal bundle; its keys are not production keys. Publish it only to a test server, with --allow-rehearsal")
        }
        let report: PathVerifier.Report
        do {
            report = try PathVerifier(options: VerificationOptions(dialect: manifest.dialect, at: time)).verify(path: directory.path)
        } catch {
            throw Refusal(description: "\(error)")
        }
        let errors = report.findings.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw Refusal(description: "\(directory.path) does not verify: " + errors.map(\.description).joined(separator: "; "))
        }
        return PublishableBundle(directory: directory, manifest: manifest)
    }

    /// The bundle's `targets.json` for `repository` (a targets-delegation bundle), as its version
    /// and exact bytes; nil when the bundle has none.
    ///
    /// - Throws: ``Refusal`` when the file cannot be read or is not targets metadata.
    package func targets(of repository: String) throws -> (version: Int64, bytes: [UInt8])? {
        let relative = BundlePath.metadataFolder(repository: repository) + "/targets.json"
        guard manifest.files[relative] != nil else { return nil }
        let url = directory.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(relative)
        do {
            let bytes = Array(try BundlePath.read(url))
            let targets = try TargetsMetadata(signed: try SignedMetadata(bytes: bytes).signed)
            return (targets.version, bytes)
        } catch {
            throw Refusal(description: "\(url.path) cannot be published: \(error)")
        }
    }

    /// The bundle's `N.root.json` files for `repository`, oldest first, as (version, exact bytes).
    ///
    /// - Throws: ``Refusal`` when the bundle has no such repository or no root for it.
    package func roots(of repository: String) throws -> [(version: Int, bytes: [UInt8])] {
        guard manifest.repositories.contains(where: { $0.utf8.elementsEqual(repository.utf8) }) else {
            throw Refusal(description: "the bundle has no repository '\(repository)'; it has \(manifest.repositories.map { "'\($0)'" }.joined(separator: ", "))")
        }
        let folder = directory.appendingPathComponent(BundlePath.publicFolder).appendingPathComponent(BundlePath.metadataFolder(repository: repository))
        var roots: [(version: Int, bytes: [UInt8])] = []
        for path in manifest.files.keys where path.hasPrefix(BundlePath.metadataFolder(repository: repository) + "/") {
            let name = String(path.dropFirst(BundlePath.metadataFolder(repository: repository).count + 1))
            guard name.hasSuffix(".root.json"), let version = Int(name.dropLast(".root.json".count)), "\(version).root.json" == name else { continue }
            do {
                roots.append((version, Array(try BundlePath.read(folder.appendingPathComponent(name)))))
            } catch {
                throw Refusal(description: "\(error)")
            }
        }
        guard !roots.isEmpty else { throw Refusal(description: "the bundle holds no root for '\(repository)'") }
        return roots.sorted { $0.version < $1.version }
    }
}
