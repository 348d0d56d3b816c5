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

    /// One delegated role's file for ``serveBundle(_:online:into:targets:roles:)``: the target
    /// paths it lists and the key files that sign it (`"none"`: unsigned).
    public struct DelegatedRoleFile {
        public var role: String
        public var paths: [String]
        public var signWith: [String]

        public init(_ role: String, paths: [String], signWith: [String]) {
            self.role = role
            self.paths = paths
            self.signWith = signWith
        }
    }

    /// Builds a repository in `repo` around a bundle's roots (`serve-bundle`): its offline-signed
    /// targets.json (`targets`, or the one beside the roots), and each delegated role's file.
    public static func serveBundle(_ roots: String, online: String, into repo: String, targets: String? = nil,
                                   roles: [DelegatedRoleFile] = []) throws -> ProcessResult {
        var arguments = ["serve-bundle", roots, online, repo]
        if let targets { arguments += ["--targets", targets] }
        for role in roles {
            arguments += ["--role", role.role]
            for path in role.paths { arguments += ["--target", path] }
            for key in role.signWith { arguments += ["--sign", key] }
        }
        return try run(arguments)
    }

    /// The same, with one delegated role.
    public static func serveBundle(_ roots: String, online: String, into repo: String, targets: String? = nil,
                                   role: String, paths: [String], signWith: [String]) throws -> ProcessResult {
        try serveBundle(roots, online: online, into: repo, targets: targets, roles: [DelegatedRoleFile(role, paths: paths, signWith: signWith)])
    }

    public static func walk(_ directory: String, target: String? = nil) throws -> Walk {
        let result = try run(["walk", directory] + (target.map { [$0] } ?? []))
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw TestSupportError("tuf_peer.py walk failed: \(result.output)")
        }
        return try JSONDecoder().decode(Walk.self, from: Data(line.utf8))
    }
}
