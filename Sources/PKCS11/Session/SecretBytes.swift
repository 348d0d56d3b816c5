import CPKCS11

/// Secret bytes (a PIN, a wrapping key) that are zeroed when no longer referenced.
///
/// It is deliberately not `CustomStringConvertible` in any useful way and not `Codable`, so a
/// secret cannot be formatted into a message, a log line or a transcript by accident.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible {
    private var storage: [UInt8]

    public init(_ bytes: [UInt8]) { storage = bytes }

    /// Takes a copy of the UTF-8 bytes of `text`. Prefer reading PINs straight into bytes.
    public convenience init(utf8 text: String) { self.init(Array(text.utf8)) }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Lends the bytes for the duration of one call.
    public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = storage.withUnsafeBufferPointer { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Constant-time comparison, for checking a PIN typed twice.
    public func equals(_ other: SecretBytes) -> Bool {
        guard storage.count == other.storage.count else { return false }
        var difference: UInt8 = 0
        for i in storage.indices { difference |= storage[i] ^ other.storage[i] }
        return difference == 0
    }

    /// Zeroes the bytes now rather than waiting for the last reference to go.
    public func wipe() {
        storage.withUnsafeMutableBytes { kc_secure_zero($0.baseAddress, UInt($0.count)) }
        storage.removeAll()
    }

    public var description: String { "<secret: \(storage.count) bytes>" }

    deinit { wipe() }
}
