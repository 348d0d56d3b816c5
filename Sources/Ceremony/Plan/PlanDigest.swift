import Crypto
import Foundation
import TrustMetadata

/// The SHA-256 digest of a file's exact bytes, in hex and as words to read aloud.
///
/// At the start of a ceremony the officer reads the words and the witnesses
/// compare them against the digest published with the reviewed plan; words
/// survive a noisy room far better than 64 hex digits.
package struct PlanDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    package let bytes: [UInt8]

    package init(of data: Data) {
        self.bytes = Array(SHA256.hash(data: data))
    }

    /// Wraps digest bytes computed elsewhere.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Lower-case hex, 64 characters.
    package var hex: String { ByteEncoding.hex(bytes) }

    /// One PGP word per byte, 32 in all.
    package var words: [String] { PGPWordList.words(for: bytes) }

    /// The words in groups of four, one group per line, for reading aloud.
    package var wordLines: [String] {
        stride(from: 0, to: words.count, by: 4).map { start in
            words[start..<min(start + 4, words.count)].joined(separator: " ")
        }
    }

    /// `sha256:<hex>`.
    package var description: String { "sha256:\(hex)" }
}
