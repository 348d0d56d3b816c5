import ArgumentParser
import Ceremony
import Foundation
import Glibc
import PKCS11
import SLIP39

struct SharesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shares",
        abstract: "Work with SLIP-39 backup shares.",
        subcommands: [CheckShareCommand.self]
    )
}

/// `keyceremony shares check`: reads one SLIP-39 share, verifies its checksum and shows its
/// parameters; never the words, never combining anything.
struct CheckShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check one SLIP-39 share's checksum and show its set, group and member, without combining anything.",
        discussion: """
        A custodian can check a share card (or a rehearsal's share file) before a recovery \
        ceremony: the command verifies the share's RS1024 checksum and shows the share set's \
        identifier, the extendable flag, the iteration exponent, the group (index, count and how \
        many groups are needed) and the member (index and how many members of the group are \
        needed). It never shows the words and never combines shares, so it learns nothing about \
        the secret.

        The share is read from standard input when that is not a terminal (a file or a pipe: \
        words separated by spaces or newlines). At a terminal it is typed without echo, on one \
        line or several, and an empty line ends it. Each word may be typed as its first four \
        letters. A share is never taken from the command line, where it would stay in the shell \
        history and the process list.

        A mistyped word is named by its position ("word 17 looks wrong"): the checksum locates \
        any single wrong word, and says so when more than one word is wrong.

        Exit codes: 0 the share is valid, 1 it is not (the message says why), 2 usage or no input. \
        --json prints the schema documented in the README (schema 1).

        Examples:
          keyceremony shares check                     (type the share at the prompt)
          keyceremony shares check < shares/alice.txt
          keyceremony shares check --json < share.txt
        """
    )

    /// Largest standard input read: a share is a few hundred bytes.
    static let inputLimit = 64 * 1024

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var stray: [String] = []

    func run() throws {
        guard stray.isEmpty else {
            // The words themselves are not repeated: they would land in a log or a screen recording.
            FileHandle.standardError.write(Data("""
                error: a share is never taken from the command line (it would stay in the shell history \
                and the process list); pipe it on standard input or type it at the prompt. \
                Run 'keyceremony shares check --help' for more.\n
                """.utf8))
            throw ExitCode(2)
        }
        let typed: SecretBytes
        do {
            typed = isatty(STDIN_FILENO) == 1 ? try readFromTerminal() : try readStandardInput()
        } catch {
            throw CommandFailure.exit(error, usage: true)
        }
        defer { typed.wipe() }
        let share: SLIP39Share
        do {
            share = try typed.withBytes { bytes throws(SLIP39Error) in
                try SLIP39Share(mnemonic: String(decoding: bytes, as: UTF8.self))
            }
        } catch {
            if json { try Output.json(Report(error: error)) }
            throw CommandFailure.exit(ShareCheckFailure(reason: error), usage: false)
        }
        if json {
            try Output.json(Report(share: share))
        } else {
            print(Self.describe(share))
        }
    }

    private func readFromTerminal() throws -> SecretBytes {
        Interruption.install(nil)
        defer { Interruption.remove() }
        return try TerminalShareReader.read(prompt: "Share words (4-letter prefixes are enough; not shown)")
    }

    private func readStandardInput() throws -> SecretBytes {
        var tooLong = false
        let typed = SecretBytes(capacity: Self.inputLimit) { buffer in
            var count = 0
            while count < buffer.count {
                let got = Glibc.read(STDIN_FILENO, buffer.baseAddress! + count, buffer.count - count)
                if got <= 0 { break }
                count += got
            }
            if count == buffer.count {
                var byte: UInt8 = 0
                tooLong = Glibc.read(STDIN_FILENO, &byte, 1) == 1
            }
            return count
        }
        if tooLong {
            typed.wipe()
            throw InputFailure.tooLong
        }
        let hasWord = typed.withBytes { bytes in bytes.contains { !($0 == 0x20 || (0x09...0x0D).contains($0)) } }
        guard hasWord else { throw InputFailure.empty }
        return typed
    }

    enum InputFailure: Error, CustomStringConvertible {
        case empty, tooLong
        var description: String {
            switch self {
            case .empty: "no share on standard input"
            case .tooLong: "more than \(CheckShareCommand.inputLimit / 1024) KiB on standard input; a share is a few hundred bytes"
            }
        }
    }

    struct ShareCheckFailure: Error, CustomStringConvertible {
        let reason: SLIP39Error
        var description: String { "not a valid SLIP-39 share: \(reason)" }
    }

    static func describe(_ share: SLIP39Share) -> String {
        let iterations = 10_000 << share.iterationExponent
        let rows = [
            ["share set", "identifier \(share.identifier)"],
            ["extendable", share.extendable ? "yes" : "no"],
            ["iteration exponent", "\(share.iterationExponent) (PBKDF2-HMAC-SHA256, \(iterations) iterations in all)"],
            ["group", "\(share.groupIndex + 1) of \(share.groupCount) (group index \(share.groupIndex)); "
                + "\(share.groupThreshold) of \(share.groupCount) \(share.groupCount == 1 ? "group" : "groups") needed"],
            ["member", "\(share.memberIndex + 1) (member index \(share.memberIndex)); "
                + "\(share.memberThreshold) \(share.memberThreshold == 1 ? "member" : "members") of this group needed"],
            ["length", "\(share.words.count) words (\(share.value.count * 8)-bit share value)"],
        ]
        return "Valid SLIP-39 share: the checksum holds. Nothing was combined.\n"
            + Output.table(["", ""], rows).split(separator: "\n").dropFirst().map { "  " + $0 }.joined(separator: "\n")
    }

    /// `shares check --json` (schema 1).
    struct Report: Encodable {
        struct Share: Encodable {
            let identifier: Int, extendable: Bool, iterationExponent: Int
            let groupIndex: Int, groupCount: Int, groupThreshold: Int
            let memberIndex: Int, memberThreshold: Int
            let words: Int, valueBits: Int
            enum CodingKeys: String, CodingKey {
                case identifier, extendable, iterationExponent = "iteration_exponent"
                case groupIndex = "group_index", groupCount = "group_count", groupThreshold = "group_threshold"
                case memberIndex = "member_index", memberThreshold = "member_threshold"
                case words, valueBits = "value_bits"
            }
        }
        struct Problem: Encodable {
            let kind: String
            let message: String
            let wordPosition: Int?
            enum CodingKeys: String, CodingKey { case kind, message, wordPosition = "word_position" }
        }
        let schema = 1
        let valid: Bool
        let share: Share?
        let error: Problem?

        init(share: SLIP39Share) {
            valid = true
            error = nil
            self.share = Share(identifier: Int(share.identifier), extendable: share.extendable,
                               iterationExponent: share.iterationExponent, groupIndex: share.groupIndex,
                               groupCount: share.groupCount, groupThreshold: share.groupThreshold,
                               memberIndex: share.memberIndex, memberThreshold: share.memberThreshold,
                               words: share.words.count, valueBits: share.value.count * 8)
        }

        init(error: SLIP39Error) {
            valid = false
            share = nil
            let kind: String, position: Int?
            switch error {
            case .unknownWord(let at): (kind, position) = ("unknown-word", at)
            case .wrongWordCount: (kind, position) = ("word-count", nil)
            case .checksumFailed(let at): (kind, position) = ("checksum", at)
            case .invalidPadding: (kind, position) = ("padding", nil)
            case .groupThresholdExceedsGroupCount: (kind, position) = ("group-parameters", nil)
            default: (kind, position) = ("invalid", nil)
            }
            self.error = Problem(kind: kind, message: error.description, wordPosition: position)
        }

    }
}
