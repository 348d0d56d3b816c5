import Foundation

/// A software TPM 2.0 (`swtpm`) on 127.0.0.1 with a private tpm2-pkcs11 store, for tests that
/// run ceremonies on tpm2-pkcs11 tokens.
///
/// Each instance starts its own `swtpm` on a free loopback port pair, keeps its TPM state and
/// the tpm2-pkcs11 store in a private temporary directory, and stops the process and removes
/// the directory in ``stop()`` (also called on deinit, so every path out of a test stops it).
/// tpm2-pkcs11 creates its primary object in the store at the first `C_InitToken`.
///
/// Test-only: ``makeToken(label:soPIN:userPIN:)`` passes the throwaway token's PINs to
/// `pkcs11-tool` on its command line (`--so-pin`, `--pin`). That is acceptable only here, for
/// tokens that exist for one test in a private directory; KeyCeremony itself never takes a
/// PIN from argv.
public final class SoftwareTPM: @unchecked Sendable {
    public static var modulePath: String {
        ["/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so", "/usr/lib/aarch64-linux-gnu/pkcs11/libtpm2_pkcs11.so"]
            .first { FileManager.default.fileExists(atPath: $0) } ?? "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so"
    }

    public let directory: TemporaryDirectory
    public let port: UInt16
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// The environment tpm2-pkcs11 needs to reach this TPM and its store (no secrets).
    public var environment: [String: String] {
        ["TPM2_PKCS11_TCTI": "swtpm:host=127.0.0.1,port=\(port)",
         "TPM2_PKCS11_STORE": directory.path("store"),
         "TPM2_PKCS11_LOG_LEVEL": "0",
         "TSS2_LOG": "all+NONE"]
    }

    /// `env NAME=value …` for a command run on a pseudo-terminal.
    public var envArguments: [String] { ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }

    public init(_ name: String = "swtpm") throws {
        let swtpm = try ProcessRunner.which("swtpm")
        directory = try TemporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: directory.path("state"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.path("store"), withIntermediateDirectories: true)
        var lastError = ""
        for _ in 0..<8 {
            let port = try Self.freePortPair()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: swtpm)
            process.arguments = ["socket", "--tpm2", "--tpmstate", "dir=\(directory.path("state"))",
                                 "--server", "type=tcp,port=\(port),bindaddr=127.0.0.1",
                                 "--ctrl", "type=tcp,port=\(port + 1),bindaddr=127.0.0.1",
                                 "--flags", "not-need-init,startup-clear"]
            let log = directory.path("swtpm.log")
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Ready when the TPM port accepts a connection; gone if another process took the port.
            var ready = false
            for _ in 0..<400 where process.isRunning {
                if Self.canConnect(port: port) { ready = true; break }
                usleep(25_000)
            }
            if ready {
                self.port = port
                self.process = process
                return
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            lastError = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        directory.remove()
        throw TestSupportError("swtpm did not start on 127.0.0.1: \(lastError)")
    }

    deinit { stop() }

    /// Stops swtpm and removes its state, store and logs. Safe to call more than once.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        // SIGKILL, not SIGTERM: a child spawned from a test's worker thread inherits its blocked
        // signals, and swtpm then never sees SIGTERM. Its state is thrown away anyway.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        directory.remove()
    }

    /// Initialises the next empty tpm2-pkcs11 slot as a token labelled `label` with the given
    /// PINs (test-only: see the type's documentation).
    public func makeToken(label: String, soPIN: String, userPIN: String) throws {
        let listing = try pkcs11Tool(["--list-slots"])
        // "Slot 3 (0x4): " followed by "token state:   uninitialized".
        var emptySlot: String?
        var current: String?
        for line in listing.stdout.split(separator: "\n") {
            if line.hasPrefix("Slot "), let open = line.firstIndex(of: "("), let close = line.firstIndex(of: ")") {
                current = String(line[line.index(after: open)..<close])
            } else if line.contains("uninitialized"), emptySlot == nil {
                emptySlot = current
            }
        }
        guard let slot = emptySlot else { throw TestSupportError("tpm2-pkcs11 offers no empty slot: \(listing.output)") }
        let initToken = try pkcs11Tool(["--slot", slot, "--init-token", "--label", label, "--so-pin", soPIN])
        guard initToken.status == 0 else { throw TestSupportError("C_InitToken on tpm2-pkcs11 failed: \(initToken.output)") }
        let initPIN = try pkcs11Tool(["--token-label", label, "--login", "--login-type", "so", "--so-pin", soPIN, "--init-pin", "--pin", userPIN])
        guard initPIN.status == 0 else { throw TestSupportError("C_InitPIN on tpm2-pkcs11 failed: \(initPIN.output)") }
    }

    /// Runs OpenSC's pkcs11-tool against this TPM's tpm2-pkcs11.
    @discardableResult
    public func pkcs11Tool(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run("pkcs11-tool", ["--module", Self.modulePath] + arguments, environment: environment)
    }

    private static func freePortPair() throws -> UInt16 {
        for _ in 0..<50 {
            guard let port = bindable(0), port < UInt16.max, bindable(port + 1) != nil else { continue }
            return port
        }
        throw TestSupportError("no free loopback port pair for swtpm")
    }

    /// Binds a TCP socket on 127.0.0.1 (port 0: any) and returns the port it got, then closes it.
    private static func bindable(_ port: UInt16) -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func canConnect(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
