import Foundation

/// The python-tuf 7.0.1 peer, driven through scripts/fixtures/tuf_peer.py.
enum PythonTUF {
    static var script: String { PackagePaths.path("scripts/fixtures/tuf_peer.py") }

    static func run(_ arguments: [String]) throws -> PeerProcess.Result {
        try PeerProcess.run(try PackagePaths.python(), [script] + arguments)
    }

    /// What an ngclient `Updater` reached when walking a repository directory.
    struct Walk: Decodable {
        let ok: Bool
        let root_version: Int?
        let error: String?
        let target_found: Bool?
    }

    static func walk(_ directory: String, target: String? = nil) throws -> Walk {
        let result = try run(["walk", directory] + (target.map { [$0] } ?? []))
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last else {
            throw InteropError("tuf_peer.py walk failed: \(result.combined)")
        }
        return try JSONDecoder().decode(Walk.self, from: Data(line.utf8))
    }
}
