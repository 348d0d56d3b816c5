import ArgumentParser
import Ceremony
import Foundation
import TrustMetadata

/// `keyceremony digest FILE…`: a file's SHA-256 in hex, as `sha256sum` prints it, and in PGP words
/// to read aloud — for the executable itself before a ceremony, or any file carried into the room.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print files' SHA-256 in hex (as sha256sum does) and in PGP words to read aloud.",
        discussion: """
        For each FILE, the SHA-256 of its exact bytes: first a line as 'sha256sum' prints it, \
        then the 32 bytes as PGP words (Juola and Zimmermann), four to a line, to read aloud. \
        Even bytes are two-syllable words and odd bytes three-syllable words, so a word swapped, \
        dropped or doubled breaks the rhythm.

        Before a ceremony the officer checks the executable carried into the room with the \
        system's own tool ('sha256sum -c --ignore-missing SHA256SUMS', as published beside the executable), then \
        reads the words of 'keyceremony digest keyceremony' aloud while a witness follows the \
        words printed on the published release sheet (dist/BUILDINFO). The words are a reading \
        aid: the check is sha256sum's, which does not depend on the executable being checked.

        Exit codes: 0 printed, 2 a file that is missing, not a regular file or larger than 1 GiB.

        Examples:
          keyceremony digest /media/usb/keyceremony
          keyceremony digest plans/root.yaml --json
        """
    )

    @Argument(help: ArgumentHelp("Regular files to digest.", valueName: "file"))
    var files: [String]

    @Flag(help: "Print {\"schema\": 1, \"files\": [{\"path\", \"sha256\", \"words\"}]} as JSON.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
    }

    func run() throws {
        var digests: [(path: String, digest: PlanDigest)] = []
        for path in files {
            do {
                digests.append((path, PlanDigest(of: Data(try BoundedFile.read(path, limit: 1 << 30, what: "a file to digest")))))
            } catch {
                throw CommandFailure.exit(error, usage: true)
            }
        }
        if json {
            var list: [JSONValue] = []
            for (path, digest) in digests {
                var object = JSONObject()
                object["path"] = .string(path)
                object["sha256"] = .string(digest.hex)
                object["words"] = .array(digest.words.map(JSONValue.string))
                list.append(.object(object))
            }
            var object = JSONObject()
            object["schema"] = .integer(1)
            object["files"] = .array(list)
            var bytes = PrettyJSONEncoder.encode(.object(object), sortKeys: false)
            bytes.append(0x0A)
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        for (index, (path, digest)) in digests.enumerated() {
            if index > 0 { print("") }
            print("\(digest.hex)  \(path)")
            print("In PGP words, to read aloud:")
            for (line, words) in digest.wordLines.enumerated() { print("  \(line + 1). \(words)") }
        }
    }
}
