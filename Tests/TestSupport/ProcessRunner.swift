import Foundation

/// The result of running a real program: the peers and the CLI are exercised as processes.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var output: String { stdout + stderr }
}

public enum ProcessRunner {
    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`.
    ///
    /// Output goes to files rather than pipes, so a chatty child can never block on a full pipe.
    /// `environment` entries are added to (or, with nil values, removed from) this process's environment.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String?] = [:],
                           stdin: [UInt8]? = nil, directory: URL? = nil) throws -> ProcessResult {
        let scratch = try TemporaryDirectory("run")
        defer { scratch.remove() }
        let outURL = scratch.url.appendingPathComponent("out"), errURL = scratch.url.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try which(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = scratch.url.appendingPathComponent("in")
            try Data(stdin).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                             stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }

    /// Same, with a plain environment dictionary.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           stdin: [UInt8]? = nil, directory: URL? = nil) throws -> ProcessResult {
        try run(executable, arguments, environment: environment.mapValues { Optional($0) }, stdin: stdin, directory: directory)
    }

    /// The path of an installed program, or an error telling how to install it.
    public static func which(_ name: String) throws -> String {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = searchPath.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for dir in directories {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestSupportError("'\(name)' is not installed; run scripts/setup.sh")
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
