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

@Suite("The site profile and the tool identity in the bundle")
struct BundleProfileTests {
    @Test("a ceremony run with a site profile carries its exact bytes as public/profile.yaml, sealed and listed; the start record names the tool")
    func profileCopied() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let profileBytes = Data("module: softhsm\n".utf8)
        var description = OutputDirectoryTests.description
        description.profile = SourceFile(url: URL(fileURLWithPath: "/tmp/room.yaml"), displayName: "room.yaml", bytes: profileBytes)
        description.tool = ToolIdentity(sha256: String(repeating: "ab", count: 32), version: "0.1.0-test", osRelease: "Debian GNU/Linux 12 (bookworm)")
        let output = try OutputDirectory(destination: folder.url.appendingPathComponent("out"), ceremony: description)
        try OutputDirectoryTests.writeOutputs(output)
        let directory = try output.complete()
        let copied = try Data(contentsOf: directory.appendingPathComponent("public/profile.yaml"))
        #expect(copied == profileBytes)
        let result = BundleCheck.run(directory: directory)
        #expect(result.problems == [])
        #expect(result.manifest?.files["profile.yaml"] == PlanDigest(of: profileBytes).hex)
        guard case .ceremonyStart(let start)? = result.transcript?.records.first?.event else {
            Issue.record("no ceremony-start record")
            return
        }
        #expect(start.profileDigest == PlanDigest(of: profileBytes).hex)
        #expect(start.toolSHA256 == String(repeating: "ab", count: 32))
        #expect(start.osRelease == "Debian GNU/Linux 12 (bookworm)")
    }

    @Test("os-release PRETTY_NAME is read with or without quotes")
    func prettyName() {
        #expect(ToolIdentity.prettyName(Data("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n".utf8)) == "Debian GNU/Linux 12 (bookworm)")
        #expect(ToolIdentity.prettyName(Data("PRETTY_NAME=Alpine\n".utf8)) == "Alpine")
        #expect(ToolIdentity.prettyName(Data("NAME=x\n".utf8)) == nil)
    }
}
