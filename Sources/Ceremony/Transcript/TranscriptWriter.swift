import Crypto
import Foundation
import TrustMetadata
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends hash-chained records to a new transcript file, one line each,
/// flushed to disk before ``append(_:)`` returns.
///
/// The file is created, never reopened: a transcript is written once, in
/// order, by the ceremony that it describes. After ``seal(outputs:)`` nothing
/// more can be appended.
package final class TranscriptWriter {
    package let url: URL
    /// The `seq` the next record will get.
    package private(set) var nextSeq = 1
    /// SHA-256 hex of the last line written (the next record's `prev`).
    package private(set) var lastLineDigest = TranscriptRecord.genesis
    package private(set) var isSealed = false

    private var fd: Int32
    private let clock: () -> Date

    /// Creates the transcript at `url`; fails if anything exists there.
    ///
    /// - Parameter clock: the source of record times; tests pass a fixed clock.
    package init(creatingAt url: URL, clock: @escaping () -> Date = Date.init) throws(FileError) {
        self.url = url
        self.clock = clock
        self.fd = try SafeFile.openExclusive(url, flags: O_WRONLY | O_APPEND)
    }

    deinit {
        close()
    }

    /// Appends `event` as the next record and flushes it to disk.
    @discardableResult
    package func append(_ event: TranscriptEvent) throws -> TranscriptRecord {
        guard !isSealed else { throw TranscriptWriteError.sealed }
        guard fd >= 0 else { throw TranscriptWriteError.closed }
        if case .seal = event { throw TranscriptWriteError.useSeal }
        return try write(event)
    }

    /// Appends the seal over `outputs` (paths relative to `public/` mapped to
    /// SHA-256 hex) and closes the file.
    @discardableResult
    package func seal(outputs: [String: String]) throws -> TranscriptRecord {
        guard !isSealed else { throw TranscriptWriteError.sealed }
        guard fd >= 0 else { throw TranscriptWriteError.closed }
        let record = try write(.seal(.init(outputs: outputs)))
        isSealed = true
        close()
        return record
    }

    /// Closes the file without sealing, as after a failure.
    package func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
    }

    private func write(_ event: TranscriptEvent) throws -> TranscriptRecord {
        var record = TranscriptRecord(seq: nextSeq, time: RFC3339.format(clock()),
                                      prev: lastLineDigest, event: event)
        var line = try record.line()
        if case .seal(var seal) = event {
            seal.digest = ByteEncoding.sha256Hex(line)
            record.event = .seal(seal)
            line = try record.line()
        }
        try SafeFile.writeAll(fd, line + Data([0x0A]), path: url.path)
        try SafeFile.sync(fd, path: url.path)
        lastLineDigest = ByteEncoding.sha256Hex(line)
        nextSeq += 1
        return record
    }
}

/// `close(2)`, outside the writer so its own `close()` does not shadow it.
private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}

/// Why a record could not be appended.
package enum TranscriptWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    case sealed
    case closed
    case useSeal

    package var description: String {
        switch self {
        case .sealed: return "the transcript is sealed; nothing can be added after the seal"
        case .closed: return "the transcript is closed"
        case .useSeal: return "seal the transcript with seal(outputs:), not append"
        }
    }
}
