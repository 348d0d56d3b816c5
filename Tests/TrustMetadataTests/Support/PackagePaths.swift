import Foundation

/// Paths in the package checkout, found from this source file so tests run from any directory.
enum PackagePaths {
    /// The directory holding Package.swift.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath)
    }()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The venv python with python-tuf 7.0.1; a missing venv is a failure, not a skip.
    static func python() throws -> String {
        let python = path(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw InteropError("\(python) is missing: run scripts/setup.sh")
        }
        return python
    }

    /// A Debian tool such as `notary` or `notary-server`; missing is a failure.
    static func tool(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw InteropError("\(name) is not installed: run scripts/setup.sh")
    }
}

/// A failure of the interop environment, with what to do about it.
struct InteropError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
