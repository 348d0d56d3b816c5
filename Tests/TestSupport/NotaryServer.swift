import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private notary-server on 127.0.0.1 (memory storage, local trust service, plain
/// HTTP), started for one test and stopped with ``stop()``.
public final class NotaryServer {
    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    public var url: String { "http://127.0.0.1:\(port)" }

    public init() throws {
        directory = try TemporaryDirectory("notary-server")
        var lastError: Error?
        // A free port can be taken between choosing and binding; try a few.
        for _ in 0..<5 {
            let port = try Self.freePort()
            let config = #"{"server":{"http_addr":"127.0.0.1:\#(port)"},"trust_service":{"type":"local"},"storage":{"backend":"memory"},"logging":{"level":"error"}}"#
            try directory.write(Array(config.utf8), to: "server.json")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try ProcessRunner.which("notary-server"))
            process.arguments = ["-config", directory.path("server.json")]
            let log = directory.url.appendingPathComponent("server.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            if Self.waitUntilListening(port: port, process: process) {
                self.port = port
                self.process = process
                return
            }
            process.terminate()
            process.waitUntilExit()
            lastError = TestSupportError("notary-server did not listen on \(port): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        throw lastError ?? TestSupportError("notary-server did not start")
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// Runs the notary client against this server with the given trust directory.
    public func client(_ trustDirectory: String, _ arguments: [String], passphrase: String = "interop-test-passphrase") throws -> ProcessResult {
        try ProcessRunner.run(try ProcessRunner.which("notary"), ["-s", url, "-d", trustDirectory] + arguments, environment: [
            "NOTARY_ROOT_PASSPHRASE": passphrase,
            "NOTARY_TARGETS_PASSPHRASE": passphrase,
            "NOTARY_SNAPSHOT_PASSPHRASE": passphrase,
            "NOTARY_DELEGATION_PASSPHRASE": passphrase,
        ])
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestSupportError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls with connect() until the server accepts, it exits, or 60 s pass (generous for a loaded machine).
    private static func waitUntilListening(port: Int, process: Process) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { return false }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(50_000)
        }
        return false
    }
}
