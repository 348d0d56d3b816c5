import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File operations for ceremony outputs: create-only, explicit permissions,
/// flushed to disk.
///
/// Ceremony outputs are evidence. Nothing here ever replaces an existing file
/// (`O_EXCL`), modes are set explicitly rather than left to the umask, and
/// data is `fsync`ed so that a power cut leaves a truncated transcript rather
/// than one that claims more than happened.
package enum SafeFile {
    /// Mode for public files.
    package static let fileMode: mode_t = 0o644
    /// Mode for folders.
    static let directoryMode: mode_t = 0o755

    /// Creates `url` with `contents`; fails if anything exists there.
    package static func create(_ url: URL, contents: Data, mode: mode_t = fileMode) throws(FileError) {
        let fd = try openExclusive(url, flags: O_WRONLY, mode: mode)
        defer { _ = close(fd) }
        try writeAll(fd, contents, path: url.path)
        try sync(fd, path: url.path)
    }

    /// Opens a new file for appending; fails if anything exists there.
    static func openExclusive(_ url: URL, flags: Int32, mode: mode_t = fileMode) throws(FileError) -> Int32 {
        let fd = open(url.path, flags | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw FileError(path: url.path, operation: "create", errno: errno) }
        guard fchmod(fd, mode) == 0 else {
            let code = errno
            _ = close(fd)
            throw FileError(path: url.path, operation: "set permissions of", errno: code)
        }
        return fd
    }

    /// Writes every byte, retrying short writes and interrupted calls.
    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(FileError) {
        var failure: Int32 = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 { throw FileError(path: path, operation: "write", errno: failure) }
    }

    static func sync(_ fd: Int32, path: String) throws(FileError) {
        guard FlushTimes.measure({ fsync(fd) }) == 0 else { throw FileError(path: path, operation: "flush", errno: errno) }
    }

    /// Creates a folder with mode 0755; fails if anything exists there.
    static func makeDirectory(_ url: URL) throws(FileError) {
        guard mkdir(url.path, directoryMode) == 0 else {
            throw FileError(path: url.path, operation: "create folder", errno: errno)
        }
        guard chmod(url.path, directoryMode) == 0 else {
            throw FileError(path: url.path, operation: "set permissions of", errno: errno)
        }
    }

    /// Creates `url` and any missing parents, each with mode 0755.
    static func makeDirectories(_ url: URL) throws(FileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw FileError(path: url.path, operation: "create folder", errno: EEXIST)
        }
        try makeDirectories(url.deletingLastPathComponent())
        try makeDirectory(url)
    }

    /// Flushes a folder's entries, so that a rename or a new file survives a crash.
    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = FlushTimes.measure { fsync(fd) }
        _ = close(fd)
    }

    /// Renames `from` to `to` in one step. Linux `rename(2)` replaces an empty
    /// folder at `to` but never a non-empty one, which is exactly the
    /// "refuse a non-empty output directory" rule at the last moment.
    static func rename(_ from: URL, to: URL) throws(FileError) {
        guard systemRename(from.path, to.path) == 0 else {
            throw FileError(path: to.path, operation: "move \(from.lastPathComponent) into place at", errno: errno)
        }
    }
}

/// `rename(2)`, outside `SafeFile` so the name is not shadowed.
private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to)
}
