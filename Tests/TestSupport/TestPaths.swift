import Foundation

public enum TestPaths {
    /// The package root, found from this source file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `keyceremony` executable (the ceremony room's) built next to the test bundle.
    public static var keyceremony: String {
        get throws { try executable("keyceremony") }
    }

    /// The `keyceremony-online` executable (publish, notary-keys) built next to the test bundle.
    public static var keyceremonyOnline: String {
        get throws { try executable("keyceremony-online") }
    }

    /// An executable product built next to the test bundle.
    public static func executable(_ name: String) throws -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        throw TestSupportError("the \(name) executable was not built next to the tests; run 'swift build' first")
    }

    /// The interop venv's python, made by scripts/setup.sh.
    public static var python: String {
        get throws {
            let path = packageRoot.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw TestSupportError("python-tuf venv missing at \(path); run scripts/setup.sh")
            }
            return path
        }
    }

    /// A path inside the package.
    public static func path(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }
}
