#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroes secret-bearing buffers this library owns, with a call the optimizer may not remove
/// (`explicit_bzero` on Linux, `memset_s` on Apple platforms).
///
/// Limits: this clears the array's current storage only. Copies Swift made earlier (copy-on-write,
/// values handed to the caller such as ``SLIP39Share/value`` and the secret `combine` returns) are
/// outside its reach; callers wipe what they keep.
enum SecureZero {
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            #if canImport(Glibc)
            explicit_bzero(base, buffer.count)
            #elseif canImport(Darwin)
            _ = memset_s(base, buffer.count, 0, buffer.count)
            #else
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            #endif
        }
    }
}
