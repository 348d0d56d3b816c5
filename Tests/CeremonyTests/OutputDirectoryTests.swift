import Foundation
import Testing
import TrustMetadata
import TestSupport
@testable import Ceremony

@Suite("Output directory assembly")
struct OutputDirectoryTests {
    static let description = CeremonyDescription(
        ceremony: .rootGeneration, dialect: .notary, repositories: ["docker.io/acme/app"],
        planDigest: PlanDigest(of: Data(validTUFPlan.utf8)), profileDigest: PlanDigest(of: Data("module: softhsm\n".utf8)),
        toolVersion: "0.1.0-test", rehearsal: true)

    static let planSource = SourceFile(url: URL(fileURLWithPath: "/tmp/plan.yaml"), displayName: "plan.yaml",
                                       bytes: Data(validTUFPlan.utf8))

    /// Writes the files a root-generation ceremony produces.
    static func writeOutputs(_ output: OutputDirectory) throws {
        try output.writePlan(planSource)
        try output.writePublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", keyID: "4c5d6e")
        try output.writeCertificate(pem: "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n", keyID: "4c5d6e")
        try output.writeRootMetadata(Data("{\"signed\":{}}".utf8), repository: "docker.io/acme/app", version: 1)
        try output.transcript.append(.stepStart(.init(step: 1, total: 2, actor: "Alice", text: "generate")))
        try output.transcript.append(.stepEnd(.init(step: 1, outcome: .completed)))
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("a complete assembly has the contract layout, modes, manifest and a seal that verifies")
    func success() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("out")
        let clock = SteppingClock()
        let output = try OutputDirectory(destination: destination, ceremony: Self.description, clock: clock.read)
        try Self.writeOutputs(output)
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        let result = try output.complete()
        #expect(result == destination.standardizedFileURL)
        #expect(try folder.entries() == ["out"])

        let publicDir = destination.appendingPathComponent("public")
        let files = try BundlePath.regularFiles(under: publicDir)
        #expect(files == [
            "SHA256SUMS", "keys/4c5d6e.crt.pem", "keys/4c5d6e.pem", "manifest.json",
            "metadata/docker.io/acme/app/1.root.json", "metadata/docker.io/acme/app/root.json",
            "plan.yaml", "transcript.jsonl",
        ])
        #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent("backup").path))
        #expect(try Data(contentsOf: publicDir.appendingPathComponent("plan.yaml")) == Data(validTUFPlan.utf8))
        for file in files { #expect(try Self.mode(publicDir.appendingPathComponent(file)) == 0o644, "\(file)") }
        for dir in ["", "public", "backup", "public/keys", "public/metadata/docker.io/acme"] {
            #expect(try Self.mode(destination.appendingPathComponent(dir)) == 0o755, "\(dir)")
        }

        let manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(contentsOf: publicDir.appendingPathComponent("manifest.json")))
        #expect(manifest.rehearsal)
        #expect(manifest.ceremony == .rootGeneration)
        #expect(manifest.dialect == .notary)
        #expect(manifest.repositories == ["docker.io/acme/app"])
        #expect(manifest.planDigest == Self.description.planDigest.hex)
        #expect(manifest.profileDigest == Self.description.profileDigest?.hex)
        #expect(manifest.toolVersion == "0.1.0-test")
        #expect(manifest.started == "2026-11-25T12:00:00.000Z")
        #expect(manifest.started < manifest.finished)
        #expect(Set(manifest.files.keys) == Set(files).subtracting(["manifest.json", "SHA256SUMS"]))
        for (path, digest) in manifest.files {
            #expect(ByteEncoding.sha256Hex(try Data(contentsOf: publicDir.appendingPathComponent(path))) == digest)
        }

        let transcript = try TranscriptVerifier.verify(fileAt: publicDir.appendingPathComponent("transcript.jsonl"),
                                                       publicDirectory: publicDir)
        #expect(transcript.isValid, "\(String(describing: transcript.problem))")
        #expect(transcript.records.first?.event == Self.description.startEvent)
        guard case .seal(let seal)? = transcript.records.last?.event else {
            Issue.record("no seal")
            return
        }
        #expect(Set(seal.outputs.keys) == Set(files).subtracting(TranscriptVerifier.unsealedNames))
    }

    @Test("sha256sum -c accepts SHA256SUMS, and rejects a changed file")
    func sha256sumAccepts() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("out")
        let output = try OutputDirectory(destination: destination, ceremony: Self.description)
        try Self.writeOutputs(output)
        try output.complete()
        let publicDir = destination.appendingPathComponent("public")
        let sums = try String(contentsOf: publicDir.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        #expect(sums.contains("  manifest.json\n"))
        #expect(sums.contains("  transcript.jsonl\n"))
        #expect(!sums.contains("  SHA256SUMS\n"))

        let ok = try Self.run("/usr/bin/sha256sum", ["--strict", "-c", "SHA256SUMS"], in: publicDir)
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("metadata/docker.io/acme/app/root.json: OK"))

        let key = publicDir.appendingPathComponent("keys/4c5d6e.pem")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        try Data("tampered".utf8).write(to: key)
        let bad = try Self.run("/usr/bin/sha256sum", ["--strict", "-c", "SHA256SUMS"], in: publicDir)
        #expect(bad.status != 0)
        let verification = try TranscriptVerifier.verify(fileAt: publicDir.appendingPathComponent("transcript.jsonl"),
                                                         publicDirectory: publicDir)
        #expect(verification.problem?.kind == .sealMismatch)
    }

    @Test("a file added after the seal is reported")
    func addedFile() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("out")
        let output = try OutputDirectory(destination: destination, ceremony: Self.description)
        try Self.writeOutputs(output)
        try output.complete()
        let publicDir = destination.appendingPathComponent("public")
        try Data("x".utf8).write(to: publicDir.appendingPathComponent("keys/extra.pem"))
        let verification = try TranscriptVerifier.verify(fileAt: publicDir.appendingPathComponent("transcript.jsonl"),
                                                         publicDirectory: publicDir)
        #expect(verification.problem?.kind == .unsealedOutput)
    }

    @Test("an existing non-empty DIR is refused and nothing is created")
    func nonEmptyRefused() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        try folder.write("earlier ceremony", to: "out/public/manifest.json")
        #expect(throws: BundleError.destinationExists(path: folder.url.appendingPathComponent("out").path,
                                                      reason: "it is a folder that is not empty")) {
            _ = try OutputDirectory(destination: folder.url.appendingPathComponent("out"), ceremony: Self.description)
        }
        try folder.write("a file", to: "file-out")
        #expect(throws: BundleError.self) {
            _ = try OutputDirectory(destination: folder.url.appendingPathComponent("file-out"), ceremony: Self.description)
        }
        #expect(throws: BundleError.parentMissing(path: folder.url.appendingPathComponent("missing").path)) {
            _ = try OutputDirectory(destination: folder.url.appendingPathComponent("missing/out"), ceremony: Self.description)
        }
        #expect(try folder.entries() == ["file-out", "out"])
        #expect(try String(contentsOf: folder.url.appendingPathComponent("out/public/manifest.json"), encoding: .utf8) == "earlier ceremony")
    }

    @Test("an existing empty DIR is used")
    func emptyAccepted() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        let output = try OutputDirectory(destination: destination, ceremony: Self.description)
        try Self.writeOutputs(output)
        try output.complete()
        #expect(try folder.entries() == ["out"])
        #expect(FileManager.default.fileExists(atPath: destination.appendingPathComponent("public/SHA256SUMS").path))
    }

    @Test("a failure leaves only DIR.failed-*/transcript.jsonl, which records the error")
    func failureLeavesTranscript() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("out")
        let clock = SteppingClock()
        let output = try OutputDirectory(destination: destination, ceremony: Self.description, clock: clock.read)
        try Self.writeOutputs(output)
        // A real failure: a second key with the same key ID would overwrite the first.
        #expect(throws: FileError.self) {
            try output.writePublicKey(pem: "other", keyID: "4c5d6e")
        }
        let failed = try #require(output.fail(step: 1, message: "key ID collision"))
        #expect(output.state == .failed(failed))

        let entries = try folder.entries()
        #expect(entries.count == 1)
        #expect(entries.first?.hasPrefix("out.failed-2026") == true)
        #expect(entries.first?.hasSuffix("Z") == true)
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: failed.path) == ["transcript.jsonl"])

        let verification = try TranscriptVerifier.verify(fileAt: failed.appendingPathComponent("transcript.jsonl"),
                                                         requireSeal: false)
        #expect(verification.isValid)
        #expect(verification.records.first?.event == Self.description.startEvent)
        #expect(verification.records.last?.event == .error(.init(step: 1, message: "key ID collision")))
        #expect(throws: BundleError.finished) { try output.complete() }
    }

    @Test("if DIR is filled while assembling, completion fails safely and DIR is untouched")
    func destinationFilledMeanwhile() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let destination = folder.url.appendingPathComponent("out")
        let output = try OutputDirectory(destination: destination, ceremony: Self.description)
        try Self.writeOutputs(output)
        try folder.write("someone else", to: "out/note.txt")
        #expect(throws: BundleError.self) { try output.complete() }
        let entries = try folder.entries()
        #expect(entries.count == 2)
        #expect(entries.contains("out"))
        #expect(entries.contains { $0.hasPrefix("out.failed-") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path) == ["note.txt"])
    }

    @Test("paths cannot escape the output directory or replace its own files")
    func unsafePaths() throws {
        let folder = try TemporaryDirectory("ceremony-tests")
        defer { folder.remove() }
        let output = try OutputDirectory(destination: folder.url.appendingPathComponent("out"), ceremony: Self.description)
        defer { output.fail(step: nil, message: "test over") }
        #expect(throws: BundleError.unsafePath("../x")) { try output.writePublicKey(pem: "", keyID: "../x") }
        #expect(throws: BundleError.unsafePath("../../etc")) { try output.writeRootMetadata(Data(), repository: "../../etc", version: 1) }
        #expect(throws: BundleError.unsafePath("a/.hidden")) { try output.writeRootMetadata(Data(), repository: "a/.hidden", version: 1) }
        #expect(throws: BundleError.unsafePath("/abs")) { try output.writePublicFile(Data(), at: "/abs") }
        #expect(throws: BundleError.unsafePath("manifest.json")) { try output.writePublicFile(Data(), at: "manifest.json") }
        #expect(throws: BundleError.unsafePath("transcript.jsonl")) { try output.writePublicFile(Data(), at: "transcript.jsonl") }
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
