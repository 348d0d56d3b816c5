import Foundation
import Testing
import TestSupport
@testable import Ceremony

@Suite("Checking a finished output directory")
struct BundleCheckTests {
    static func completed(in folder: TemporaryDirectory) throws -> URL {
        let destination = folder.url.appendingPathComponent("out")
        let output = try OutputDirectory(destination: destination, ceremony: OutputDirectoryTests.description)
        try OutputDirectoryTests.writeOutputs(output)
        return try output.complete()
    }

    @Test("a completed bundle checks clean and reports the rehearsal flag")
    func clean() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let result = BundleCheck.run(directory: try Self.completed(in: folder))
        #expect(result.problems == [])
        #expect(result.isRehearsal == true)
        #expect(result.transcript?.isSealed == true)
    }

    @Test("a changed plan copy is caught by manifest, SHA256SUMS and seal alike")
    func changedPlan() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let directory = try Self.completed(in: folder)
        try Data("version: 2\n".utf8).write(to: directory.appendingPathComponent("public/plan.yaml"))
        let problems = BundleCheck.run(directory: directory).problems
        #expect(problems.contains("public/plan.yaml does not match its SHA-256 in manifest.json"))
        #expect(problems.contains("plan.yaml does not match the plan digest in manifest.json"))
        #expect(problems.contains("public/plan.yaml does not match its SHA-256 in SHA256SUMS"))
        #expect(problems.contains { $0.hasPrefix("transcript.jsonl: ") && $0.contains("plan.yaml has SHA-256") })
    }

    @Test("a manifest that claims no rehearsal disagrees with the transcript")
    func flippedRehearsal() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let directory = try Self.completed(in: folder)
        let url = directory.appendingPathComponent("public/manifest.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"rehearsal\" : true", with: "\"rehearsal\" : false").utf8).write(to: url)
        let problems = BundleCheck.run(directory: directory).problems
        #expect(problems.contains("the transcript's ceremony-start record disagrees with manifest.json"))
        #expect(problems.contains("public/manifest.json does not match its SHA-256 in SHA256SUMS"))
    }
}
