import Foundation
import Testing
import TestSupport

/// `keyceremony shares check`, run as a process: shares on standard input and typed at a terminal.
@Suite("keyceremony shares check")
struct SharesCheckTests {
    /// A share made by the reference implementation: 2 of 3 groups, this one from group 2 (3 of 5),
    /// extendable, iteration exponent 1, a 256-bit secret.
    static func referenceShare() throws -> String {
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let groups = try ShamirMnemonic.split(secret: secret, groupThreshold: 2, groups: [(2, 3), (3, 5), (1, 1)],
                                              extendable: true, iterationExponent: 1)
        return groups[1][3]
    }

    /// The words of the check's output, and of its help, make up its own vocabulary; any other
    /// share word in the output would be a leak.
    static func leakedWords(_ output: String, share: String, sandbox: CLISandbox) throws -> [String] {
        let ownText = try sandbox.keyceremony(["shares", "check", "--help"]).output
            + "Valid SLIP-39 share: the checksum holds. Nothing was combined. share set identifier extendable yes no "
            + "iteration exponent group member length words looks wrong word not a valid type the whole or at least its first letters"
        let own = Set(ownText.lowercased().split { !$0.isLetter }.map(String.init))
        let printed = Set(output.lowercased().split { !$0.isLetter }.map(String.init))
        return share.split(separator: " ").map(String.init).filter { !own.contains($0) && printed.contains($0) }
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a share made by the reference implementation is valid, with the parameters the reference reads")
    func referenceShareOnStdin() throws {
        let sandbox = try CLISandbox("shares")
        defer { sandbox.remove() }
        let share = try Self.referenceShare()
        let reference = try ShamirMnemonic.decode(share)
        let result = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check", "--json"], stdin: Array((share + "\n").utf8))
        #expect(result.status == 0, "\(result.output)")
        let report = try json(result.stdout)
        #expect(report["schema"] as? Int == 1 && report["valid"] as? Bool == true)
        let fields = try #require(report["share"] as? [String: Any])
        for field in ["identifier", "iteration_exponent", "group_index", "group_threshold", "group_count",
                      "member_index", "member_threshold", "value_bits"] {
            #expect(fields[field] as? Int == reference[field] as? Int, "\(field)")
        }
        #expect(fields["extendable"] as? Bool == true && reference["extendable"] as? Bool == true)
        #expect(fields["group_index"] as? Int == 1 && fields["member_threshold"] as? Int == 3 && fields["words"] as? Int == 33)
        #expect(try Self.leakedWords(result.output, share: share, sandbox: sandbox).isEmpty)

        // The same share as 4-letter prefixes over several lines, in the text form.
        let prefixes = share.split(separator: " ").map { $0.prefix(4) }
        let lines = stride(from: 0, to: prefixes.count, by: 10).map { prefixes[$0..<min($0 + 10, prefixes.count)].joined(separator: " ") }
        let text = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"], stdin: Array(lines.joined(separator: "\n").utf8))
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("identifier \(reference["identifier"] as? Int ?? -1)"))
        #expect(text.stdout.contains("2 of 3 (group index 1); 2 of 3 groups needed"))
        #expect(text.stdout.contains("4 (member index 3); 3 members of this group needed"))
        #expect(text.stdout.contains("1 (PBKDF2-HMAC-SHA256, 20000 iterations in all)"))
        #expect(try Self.leakedWords(text.output, share: share, sandbox: sandbox).isEmpty)
    }

    @Test("one mistyped word is named by its position, and the reference refuses the share too")
    func mistypedWord() throws {
        let sandbox = try CLISandbox("shares")
        defer { sandbox.remove() }
        var words = try Self.referenceShare().split(separator: " ").map(String.init)
        words[16] = words[16] == "academic" ? "acid" : "academic"
        let share = words.joined(separator: " ")
        #expect(try ShamirMnemonic.decode(share)["ok"] as? Bool == false)
        let result = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"], stdin: Array(share.utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("word 17 looks wrong"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try Self.leakedWords(result.output, share: share, sandbox: sandbox).isEmpty)

        let machine = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check", "--json"], stdin: Array(share.utf8))
        #expect(machine.status == 1)
        let report = try json(machine.stdout)
        let error = try #require(report["error"] as? [String: Any])
        #expect(report["valid"] as? Bool == false && error["kind"] as? String == "checksum" && error["word_position"] as? Int == 17)
    }

    @Test("a word not in the list, and a share of the wrong length, are invalid shares (exit 1)")
    func unknownWordAndLength() throws {
        let original = try Self.referenceShare().split(separator: " ").map(String.init)
        var words = original
        words[4] = "bitcoin"
        let unknown = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"], stdin: Array(words.joined(separator: " ").utf8))
        #expect(unknown.status == 1 && unknown.stderr.contains("word 5 is not a SLIP-39 word"))
        let short = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"], stdin: Array(original.prefix(19).joined(separator: " ").utf8))
        #expect(short.status == 1 && short.stderr.contains("19 words"), "\(short.stderr)")
    }

    @Test("no input, too much input, or a share on the command line is a usage error (exit 2) that never repeats the words")
    func usage() throws {
        let share = try Self.referenceShare()
        let empty = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"], stdin: Array(" \n\t\n".utf8))
        #expect(empty.status == 2 && empty.stderr.contains("no share on standard input"))
        let huge = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"],
                                         stdin: Array(String(repeating: share + "\n", count: 400).utf8))
        #expect(huge.status == 2 && huge.stderr.contains("64 KiB"))
        let words = share.split(separator: " ").map(String.init)
        let argv = try ProcessRunner.run(try TestPaths.keyceremony, ["shares", "check"] + words, stdin: [])
        #expect(argv.status == 2 && argv.stderr.contains("never taken from the command line"))
        let sandbox = try CLISandbox("shares")
        defer { sandbox.remove() }
        #expect(try Self.leakedWords(argv.output, share: share, sandbox: sandbox).isEmpty)
    }

    @Test("typed at a terminal over two lines as 4-letter prefixes, nothing typed is shown")
    func terminal() throws {
        let sandbox = try CLISandbox("shares-tty")
        defer { sandbox.remove() }
        let share = try Self.referenceShare()
        let prefixes = share.split(separator: " ").map { String($0.prefix(4)) }
        let first = prefixes.prefix(20).joined(separator: " "), second = prefixes.dropFirst(20).joined(separator: " ")
        let keyceremony = try TestPaths.keyceremony
        let result = try sandbox.onTerminal([keyceremony, "shares", "check"], answers: [
            ("Share words", first), ("20 words so far", second), ("33 words so far", ""),
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Valid SLIP-39 share"))
        #expect(!result.stdout.contains(prefixes[0] + " " + prefixes[1]) && !result.stdout.contains(prefixes[30]))
        #expect(try Self.leakedWords(result.output, share: share, sandbox: sandbox).isEmpty)

        // A mistyped word at the terminal.
        var wrong = prefixes
        wrong[25] = wrong[25] == "acad" ? "acid" : "acad"
        let failed = try sandbox.onTerminal([keyceremony, "shares", "check"], answers: [
            ("Share words", wrong.joined(separator: " ")), ("33 words so far", ""),
        ])
        #expect(failed.status == 1 && failed.stdout.contains("word 26 looks wrong"), "\(failed.output)")
    }

    @Test("Ctrl-C at the share prompt exits 130")
    func interrupted() throws {
        let sandbox = try CLISandbox("shares-tty")
        defer { sandbox.remove() }
        let result = try sandbox.onTerminal([try TestPaths.keyceremony, "shares", "check"], answers: [("Share words", "\u{03}")])
        #expect(result.status == 130, "\(result.output)")
    }
}
