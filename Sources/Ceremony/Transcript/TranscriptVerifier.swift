import Crypto
import Foundation
import TrustMetadata

/// Walks a transcript and reports the first broken link.
///
/// Checks, in order, for every line: it is one canonical JSON record; `seq`
/// follows the previous one; `prev` is the SHA-256 of the previous line; the
/// time is RFC 3339 UTC and not earlier than the previous record's; nothing
/// follows a seal. Then, if required, that the transcript ends with a seal
/// whose own digest holds, and, given the `public/` folder, that every sealed
/// file is there with that digest and no unsealed file was added.
package enum TranscriptVerifier {
    /// Files in `public/` that cannot be in the seal: the transcript itself,
    /// and the two files written after it.
    package static let unsealedNames: Set<String> = ["transcript.jsonl", "manifest.json", "SHA256SUMS"]

    /// Verifies the transcript at `url`.
    package static func verify(fileAt url: URL, requireSeal: Bool = true,
                              publicDirectory: URL? = nil) throws(InputFileError) -> TranscriptVerification {
        let data: Data
        do {
            data = try BundlePath.read(url)
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return verify(data, requireSeal: requireSeal, publicDirectory: publicDirectory)
    }

    /// Verifies transcript bytes.
    package static func verify(_ data: Data, requireSeal: Bool = true,
                              publicDirectory: URL? = nil) -> TranscriptVerification {
        var records: [TranscriptRecord] = []
        func result(_ line: Int, _ kind: TranscriptProblem.Kind, _ message: String) -> TranscriptVerification {
            TranscriptVerification(records: records, problem: TranscriptProblem(line: line, kind: kind, message: message))
        }
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true {
            lines.removeLast()
        } else if !data.isEmpty {
            return result(lines.count, .malformedLine, "the last line has no newline; the transcript was cut off mid-write")
        }
        var previousDigest = TranscriptRecord.genesis
        var previousTime: Date?
        for (index, lineBytes) in lines.enumerated() {
            let number = index + 1
            let line = Data(lineBytes)
            let record: TranscriptRecord
            do {
                // This tool's own JSON reader first: its limits (nesting, sizes) are reported as limits.
                _ = try JSONParser.parse(Array(line))
            } catch {
                return result(number, .malformedLine, "line \(number) is not a transcript record (\(error.description))")
            }
            do {
                record = try TranscriptRecord.decode(line: line)
            } catch {
                return result(number, .malformedLine, "line \(number) is not a transcript record (\(describe(error)))")
            }
            guard (try? record.line()) == line else {
                return result(number, .malformedLine, "line \(number) is not in canonical form (sorted keys, no spaces); it was edited")
            }
            if records.last.map({ if case .seal = $0.event { return true } else { return false } }) == true {
                return result(number, .recordAfterSeal, "line \(number) follows the seal; nothing may be added after it")
            }
            guard record.seq == number else {
                return result(number, .sequenceGap, "line \(number) has seq \(record.seq), expected \(number); a record is missing or out of order")
            }
            guard record.prev == previousDigest else {
                return result(number, .prevMismatch, "line \(number) (seq \(record.seq)) has prev \(record.prev), but the previous line's SHA-256 is \(previousDigest); a record was changed, removed or inserted")
            }
            guard let time = RFC3339.parse(record.time), record.time.hasSuffix("Z") else {
                return result(number, .badTime, "line \(number) has time '\(record.time)', expected UTC RFC 3339 such as 2026-01-01T00:00:00.000Z")
            }
            if let previousTime, time < previousTime {
                return result(number, .badTime, "line \(number) is timed \(record.time), earlier than the record before it")
            }
            if case .seal(let seal) = record.event {
                var zeroed = record
                zeroed.event = .seal(.init(outputs: seal.outputs))
                guard let zeroLine = try? zeroed.line(), ByteEncoding.sha256Hex(zeroLine) == seal.digest else {
                    return result(number, .sealMismatch, "the seal on line \(number) does not match its own digest; the seal was changed")
                }
            }
            records.append(record)
            previousDigest = ByteEncoding.sha256Hex(line)
            previousTime = time
        }
        guard case .seal(let seal)? = records.last?.event else {
            if requireSeal {
                return result(lines.count, .missingSeal, records.isEmpty
                              ? "the transcript is empty"
                              : "the transcript ends at line \(lines.count) without a seal; the ceremony did not finish")
            }
            return TranscriptVerification(records: records, problem: nil)
        }
        if let publicDirectory, let problem = checkOutputs(seal, in: publicDirectory, sealLine: lines.count) {
            return TranscriptVerification(records: records, problem: problem)
        }
        return TranscriptVerification(records: records, problem: nil)
    }

    /// Compares the seal's digests with the files in `publicDirectory`.
    static func checkOutputs(_ seal: TranscriptEvent.Seal, in publicDirectory: URL, sealLine: Int) -> TranscriptProblem? {
        for (path, digest) in seal.outputs.sorted(by: { $0.key < $1.key }) {
            guard BundlePath.isSafeRelative(path) else {
                return TranscriptProblem(line: sealLine, kind: .sealMismatch, message: "the seal names '\(path)', which is not a plain relative path")
            }
            let url = publicDirectory.appendingPathComponent(path)
            guard let data = try? BundlePath.read(url) else {
                return TranscriptProblem(line: sealLine, kind: .missingOutput, message: "the seal lists \(path), which is missing from \(publicDirectory.path)")
            }
            let actual = ByteEncoding.sha256Hex(data)
            guard actual == digest else {
                return TranscriptProblem(line: sealLine, kind: .sealMismatch, message: "\(path) has SHA-256 \(actual), but the seal says \(digest)")
            }
        }
        let present = (try? BundlePath.regularFiles(under: publicDirectory)) ?? []
        for path in present where !unsealedNames.contains(path) && seal.outputs[path] == nil {
            return TranscriptProblem(line: sealLine, kind: .unsealedOutput, message: "\(path) is in \(publicDirectory.path) but not in the seal; it was added afterwards")
        }
        return nil
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context): return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.valueNotFound(_, let context): return "missing value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            // Only this tool's own messages (about a field) are passed on; the decoder's are not.
            return context.codingPath.isEmpty ? "not a JSON object of the expected shape" : context.debugDescription
        default: return "not JSON"
        }
    }
}

/// The outcome of ``TranscriptVerifier``.
package struct TranscriptVerification: Sendable, Equatable {
    /// The records read before any problem.
    package var records: [TranscriptRecord]
    /// The first broken link, or nil when the transcript holds.
    package var problem: TranscriptProblem?

    package var isValid: Bool { problem == nil }
    /// True when the last record read is a seal.
    package var isSealed: Bool {
        if case .seal? = records.last?.event { return true }
        return false
    }
}

/// The first thing wrong with a transcript.
package struct TranscriptProblem: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable, Equatable {
        case malformedLine = "malformed-line"
        case sequenceGap = "sequence-gap"
        case prevMismatch = "prev-mismatch"
        case badTime = "bad-time"
        case recordAfterSeal = "record-after-seal"
        case missingSeal = "missing-seal"
        case sealMismatch = "seal-mismatch"
        case missingOutput = "missing-output"
        case unsealedOutput = "unsealed-output"
    }

    /// The 1-based line the problem was found at.
    package var line: Int
    package var kind: Kind
    package var message: String

    package var description: String { "line \(line): \(message)" }
}
