import CPKCS11

/// Secret bytes (a PIN, a wrapping key) in memory this type owns, zeroed when wiped or released.
///
/// The bytes live in a buffer allocated here rather than in an `Array`, so no copy-on-write copy
/// can outlive a wipe. The type is deliberately neither `Codable` nor meaningfully printable, so a
/// secret cannot be formatted into a message, a log line or a transcript by accident.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private var length: Int

    /// Copies `bytes` in. The caller remains responsible for its own copy.
    public init(_ bytes: [UInt8]) {
        storage = .allocate(capacity: max(bytes.count, 1))
        storage.initialize(repeating: 0)
        for (i, byte) in bytes.enumerated() { storage[i] = byte }
        length = bytes.count
    }

    /// Lets `fill` write up to `capacity` bytes straight into the secret's own storage, so that
    /// input such as a typed PIN never passes through an intermediate buffer. `fill` returns how
    /// many bytes it wrote.
    public init(capacity: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        storage = .allocate(capacity: max(capacity, 1))
        storage.initialize(repeating: 0)
        length = min(max(fill(storage), 0), capacity)
    }

    /// Takes a copy of the UTF-8 bytes of `text`. Prefer reading PINs straight into bytes.
    public convenience init(utf8 text: String) { self.init(Array(text.utf8)) }

    public var count: Int { length }
    public var isEmpty: Bool { length == 0 }

    /// Lends the bytes for the duration of one call.
    public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(rebasing: storage[0..<length]))
    }

    /// Constant-time comparison, for checking a PIN typed twice.
    public func equals(_ other: SecretBytes) -> Bool {
        guard length == other.length else { return false }
        var difference: UInt8 = 0
        for i in 0..<length { difference |= storage[i] ^ other.storage[i] }
        return difference == 0
    }

    /// Zeroes the bytes now rather than waiting for the last reference to go.
    public func wipe() {
        kc_secure_zero(storage.baseAddress, UInt(storage.count))
        length = 0
    }

    public var description: String { "<secret: \(length) bytes>" }

    /// Zeroes an array that held a secret before it is released (for bytes a library returned
    /// as an `Array`; copies it made earlier are beyond reach, so prefer ``SecretBytes``).
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { kc_secure_zero($0.baseAddress, UInt($0.count)) }
    }

    deinit {
        wipe()
        storage.deallocate()
    }
}
