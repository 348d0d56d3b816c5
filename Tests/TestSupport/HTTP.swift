import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Minimal HTTP for talking to notary-server's API (GET keys, POST metadata).
public enum HTTP {
    public struct Response {
        public let status: Int
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public static func get(_ url: String) async throws -> Response {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
    }

    /// POSTs files as multipart form data, each in field `files` with the role as filename,
    /// as the notary client uploads metadata.
    public static func postMetadata(_ url: String, files: [(role: String, bytes: [UInt8])]) async throws -> Response {
        let boundary = "keyceremony-\(UUID().uuidString)"
        var body: [UInt8] = []
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file.role)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.upload(for: request, from: Data(body))
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
    }
}
