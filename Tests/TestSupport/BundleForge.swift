import Ceremony
import Foundation

/// Rewrites a bundle's evidence after a deliberate change, as a careful forger would: the
/// transcript is re-chained (seq, prev) and re-sealed over the files as they now are, and
/// manifest.json and SHA256SUMS are written again. What is left for an audit to find is
/// only what the change means, not that the hashes stopped matching.
package enum BundleForge {
    /// The records of `publicDir/transcript.jsonl`, in order.
    package static func records(_ publicDir: URL) throws -> [TranscriptRecord] {
        let data = try Data(contentsOf: publicDir.appendingPathComponent("transcript.jsonl"))
        return try data.split(separator: 0x0A).map { try TranscriptRecord.decode(line: Data($0)) }
    }

    /// Writes `records` (the seal last, re-made) and the manifest and sums over the files now in `publicDir`.
    package static func reseal(_ publicDir: URL, records: [TranscriptRecord], rehearsal: Bool? = nil) throws {
        let fm = FileManager.default
        var files: [String: String] = [:]
        let enumerator = fm.enumerator(atPath: publicDir.path)!
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            fm.fileExists(atPath: publicDir.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[path] = PlanDigest(of: try Data(contentsOf: publicDir.appendingPathComponent(path))).hex }
        }
        var sealed = files
        for name in ["transcript.jsonl", "manifest.json", "SHA256SUMS"] { sealed[name] = nil }
        var lines = Data()
        var prev = TranscriptRecord.genesis
        var body = records.filter { if case .seal = $0.event { return false } else { return true } }
        body.append(TranscriptRecord(seq: 0, time: body.last?.time ?? "2026-01-01T00:00:00.000Z", prev: "", event: .seal(.init(outputs: sealed))))
        for (index, var record) in body.enumerated() {
            record.seq = index + 1
            record.prev = prev
            if case .seal(var seal) = record.event {
                seal.digest = TranscriptRecord.genesis
                record.event = .seal(seal)
                seal.digest = PlanDigest(of: try record.line()).hex
                record.event = .seal(seal)
            }
            let line = try record.line()
            lines += line + Data([0x0A])
            prev = PlanDigest(of: line).hex
        }
        try lines.write(to: publicDir.appendingPathComponent("transcript.jsonl"))
        let manifestURL = publicDir.appendingPathComponent("manifest.json")
        var manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(contentsOf: manifestURL))
        files["manifest.json"] = nil
        files["SHA256SUMS"] = nil
        files["transcript.jsonl"] = PlanDigest(of: lines).hex
        manifest.files = files
        if let rehearsal { manifest.rehearsal = rehearsal }
        if let plan = files["plan.yaml"] { manifest.planDigest = plan }
        let manifestBytes = try manifest.encoded()
        try manifestBytes.write(to: manifestURL)
        files["manifest.json"] = PlanDigest(of: manifestBytes).hex
        try Data(SHA256Sums(entries: files).text.utf8).write(to: publicDir.appendingPathComponent("SHA256SUMS"))
    }
}
