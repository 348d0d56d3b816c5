import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one way this tool reads an input file: a regular file, of at most a given size.
///
/// A FIFO would block `open` and `read` forever and a device such as `/dev/zero` never ends,
/// and both report a size of 0, so neither the size nor the path's type can be trusted on
/// their own. The file is therefore opened without blocking, its type checked on the open
/// descriptor (so it cannot be swapped between the check and the read), and the read stops
/// one byte past the limit. Plans, profiles, key files, metadata, transcripts and bundle files
/// are all read this way.
public enum BoundedFile {
    /// Why a file was not read, in words that name no library.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var path: String
        /// The reason alone, e.g. "not a regular file (a FIFO); …".
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads the regular file at `path`, refusing it if it holds more than `limit` bytes.
    ///
    /// - Parameter what: what the file should be, for the refusal of another type
    ///   ("metadata", "a plan").
    /// - Throws: ``Failure`` when the file is missing, not a regular file, larger than `limit`,
    ///   or cannot be read.
    public static func read(_ path: String, limit: Int, what: String = "metadata") throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(errno)))"
            throw Failure(path: path, reason: reason)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw Failure(path: path, reason: "cannot read its type: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Failure(path: path, reason: "not a regular file (\(fileType(status.st_mode))); \(what) must be a regular file")
        }
        if Int(status.st_size) > limit {
            throw Failure(path: path, reason: "larger than \(limit) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: min(Int(status.st_size), limit) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                // The file grew while being read; keep reading only up to the limit.
                guard bytes.count <= limit else { throw Failure(path: path, reason: "larger than \(limit) bytes") }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            count += got
        }
        if count > limit { throw Failure(path: path, reason: "larger than \(limit) bytes") }
        // Trimmed in place: a copy would hold the file twice at the peak.
        bytes.removeSubrange(count...)
        return bytes
    }

    /// A file type in words, for the message that refuses it.
    private static func fileType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "an unknown type"
        }
    }
}
