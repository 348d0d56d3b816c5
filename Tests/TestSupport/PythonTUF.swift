import Foundation

/// The python-tuf 7.0.1 peer, driven through scripts/fixtures/tuf_peer.py.
public enum PythonTUF {
    public static var script: String { TestPaths.path("scripts/fixtures/tuf_peer.py") }

    public static func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(try TestPaths.python, [script] + arguments)
    }

    /// What an ngclient `Updater` reached when walking a repository directory.
    public struct Walk: Decodable {
        public let ok: Bool
        public let root_version: Int?
        public let error: String?
        public let target_found: Bool?
    }

    /// Builds a repository in `repo` around a bundle's roots (`serve-bundle`): its offline-signed
    /// targets.json (`targets`, or the one beside the roots), and with `role` that delegated
    /// role's file listing `paths`, signed with each key file in `signWith` (`"none"`: unsigned).
    public static func serveBundle(_ roots: String, online: String, into repo: String, targets: String? = nil,
                                   role: String? = nil, paths: [String] = [], signWith: [String] = []) throws -> ProcessResult {
        var arguments = ["serve-bundle", roots, online, repo]
        if let targets { arguments += ["--targets", targets] }
        if let role { arguments += ["--role", role] }
        for path in paths { arguments += ["--target", path] }
        for key in signWith { arguments += ["--sign", key] }
        return try run(arguments)
    }

    public static func walk(_ directory: String, target: String? = nil) throws -> Walk {
        let result = try run(["walk", directory] + (target.map { [$0] } ?? []))
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw TestSupportError("tuf_peer.py walk failed: \(result.output)")
        }
        return try JSONDecoder().decode(Walk.self, from: Data(line.utf8))
    }
}
