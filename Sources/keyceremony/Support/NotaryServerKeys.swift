import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches the snapshot and timestamp public keys a notary-server holds for a GUN, so a
/// rehearsal's root can be uploaded there. Lives in the CLI so that the ceremony library, which
/// runs in the air-gapped room, has no network client.
enum NotaryServerKeys {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `GET <url>/v2/<gun>/_trust/tuf/<role>.key` for snapshot and timestamp, once each: with
    /// memory storage, each GET before the first publication returns a new key.
    ///
    /// - Returns: role → the Notary key JSON the server answered.
    /// - Throws: ``Failure`` when the server does not answer 200 within 30 s.
    static func fetch(server: String, gun: String) throws -> [String: Data] {
        var keys: [String: Data] = [:]
        for role in ["snapshot", "timestamp"] { keys[role] = try fetch(server: server, gun: gun, role: role) }
        return keys
    }

    private static func fetch(server: String, gun: String, role: String) throws -> Data {
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let url = URL(string: "\(base)/v2/\(gun)/_trust/tuf/\(role).key") else {
            throw Failure(description: "'\(server)' and '\(gun)' do not make a valid URL")
        }
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Data, Error> = .failure(Failure(description: "no answer from \(url)"))
        let task = URLSession.shared.dataTask(with: url) { data, response, error in
            if let error {
                outcome = .failure(Failure(description: "cannot fetch the \(role) key from \(url): \(error.localizedDescription)"))
            } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                outcome = .failure(Failure(description: "notary-server answered \(http.statusCode) for \(url)"))
            } else {
                outcome = .success(data ?? Data())
            }
            semaphore.signal()
        }
        task.resume()
        if semaphore.wait(timeout: .now() + 30) == .timedOut {
            task.cancel()
            throw Failure(description: "notary-server at \(server) did not answer within 30 s")
        }
        return try outcome.get()
    }
}
