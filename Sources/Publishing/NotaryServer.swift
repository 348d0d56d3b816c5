import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// notary-server's HTTP API, as the notary 0.7 client uses it: the server-held snapshot and
/// timestamp keys, and metadata uploads.
///
/// This is the project's only network client. It lives in its own target, linked only into
/// `keyceremony-online` (`publish`, `notary-keys`), so that `keyceremony`, the executable that
/// runs in the air-gapped room, has no network code at all.
package struct NotaryServer: Sendable {
    /// A request that did not succeed, in words: the URL, the status and notary's error codes.
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        /// The HTTP status the server answered, when it answered.
        package var status: Int?

        package init(description: String, status: Int? = nil) {
            self.description = description
            self.status = status
        }
    }

    /// The server's base URL, without a trailing slash.
    package let url: String
    package let gun: String

    /// - Throws: ``Failure`` for a URL that is not `http://` or `https://`, or `http://` without
    ///   `allowPlainHTTP` (plain HTTP is for a test server only).
    package init(url: String, gun: String, allowPlainHTTP: Bool = true) throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let parsed = URL(string: base), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw Failure(description: "'\(url)' is not an http:// or https:// URL of a notary-server")
        }
        if scheme == "http" && !allowPlainHTTP {
            throw Failure(description: "'\(url)' is plain HTTP; use https://, or --insecure-http for a test server")
        }
        self.url = base
        self.gun = gun
    }

    /// Verifies https:// servers against the CA certificates in the PEM file at `path`, for
    /// this process. swift-corelibs-foundation hands this setting to libcurl (`CURLOPT_CAINFO`);
    /// it must be set before the first request.
    ///
    /// - Throws: ``Failure`` when the file is not a readable PEM file.
    package static func trustCertificateAuthorities(at path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE-----") else {
            throw Failure(description: "--tls-ca \(path) is not a readable PEM file of CA certificates")
        }
        setenv("URLSessionCertificateAuthorityInfoFile", path, 1)
    }

    private var api: String { "\(url)/v2/\(gun)/_trust/tuf" }

    /// `GET …/_trust/tuf/<role>.key` for snapshot and timestamp, once each: with memory storage,
    /// each GET before the first publication returns a new key.
    ///
    /// - Returns: role → the Notary key JSON the server answered.
    package func fetchOnlineKeys() throws -> [String: Data] {
        var keys: [String: Data] = [:]
        for role in ["snapshot", "timestamp"] {
            keys[role] = try send(URLRequest(url: try endpoint("\(api)/\(role).key")), what: "the \(role) key")
        }
        return keys
    }

    /// `GET …/_trust/tuf/<role>.json`: the metadata the server holds for `role`, or nil when it
    /// holds none (HTTP 404: the GUN was never published).
    package func fetchMetadata(_ role: String) throws -> Data? {
        do {
            return try send(URLRequest(url: try endpoint("\(api)/\(role).json")), what: "\(role).json")
        } catch let failure as Failure where failure.status == 404 {
            return nil
        }
    }

    /// Uploads metadata files in one request (`POST …/_trust/tuf/`, multipart, field `files`,
    /// the role as filename), as `notary publish` does. notary-server checks them against what
    /// it holds: a new root must be signed by the old root's threshold and its own.
    ///
    /// - Parameter files: role (`root`, `targets`) → the file's exact bytes.
    package func upload(_ files: [(role: String, bytes: [UInt8])]) throws {
        let boundary = "keyceremony-\(UUID().uuidString)"
        var body = Data()
        for file in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file.role)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += Data(file.bytes)
            body += Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var request = URLRequest(url: try endpoint("\(api)/"))
        request.httpMethod = "POST"
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        _ = try send(request, what: "the upload of \(files.map(\.role).joined(separator: " and "))")
    }

    private func endpoint(_ text: String) throws -> URL {
        guard let url = URL(string: text) else { throw Failure(description: "'\(self.url)' and '\(gun)' do not make a valid URL") }
        return url
    }

    /// Sends `request` and waits at most 30 s; anything but 200 is a ``Failure`` naming notary's
    /// error codes from the body (`{"errors":[{"code":…,"message":…}]}`) where there are any.
    private func send(_ request: URLRequest, what: String) throws -> Data {
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Data, Failure> = .failure(Failure(description: "no answer from \(url)"))
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                outcome = .failure(Failure(description: "\(what) at \(url) failed: \(error.localizedDescription)"))
            } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                outcome = .failure(Failure(description: "notary-server refused \(what) with HTTP \(http.statusCode)\(Self.notaryErrors(data ?? Data()))",
                                           status: http.statusCode))
            } else {
                outcome = .success(data ?? Data())
            }
            semaphore.signal()
        }
        task.resume()
        if semaphore.wait(timeout: .now() + 30) == .timedOut {
            task.cancel()
            throw Failure(description: "notary-server at \(url) did not answer within 30 s")
        }
        return try outcome.get()
    }

    /// ": ErrBadRoot (the root is not valid …)" from notary's JSON error body, or "".
    static func notaryErrors(_ body: Data) -> String {
        struct Body: Decodable {
            struct Entry: Decodable { var code: String?; var message: String? }
            var errors: [Entry]?
        }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: body), let errors = decoded.errors, !errors.isEmpty else { return "" }
        return ": " + errors.map { entry in
            [entry.code, entry.message.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        }.joined(separator: "; ")
    }
}
