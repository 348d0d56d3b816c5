import Foundation
import TrustMetadata

/// Reads the online key files a plan names, as metadata keys of the plan's dialect.
enum OnlineKeys {
    /// - Throws: ``CeremonyFailure`` (an input error) naming the role and file that cannot be used.
    static func load(_ files: OnlineKeyFiles, dialect: Dialect) throws -> [String: MetadataKey] {
        var keys: [String: MetadataKey] = [:]
        for (role, url) in files.all {
            let bytes: Data
            do {
                bytes = try SourceFile.read(url).bytes
            } catch {
                throw CeremonyFailure(step: nil, reason: "the \(role) key file: \(error)", isInputError: true)
            }
            do {
                keys[role] = try MetadataKey.importKey(Array(bytes), dialect: dialect)
            } catch {
                throw CeremonyFailure(step: nil, reason: "the \(role) key file \(url.path) is not a usable public key: \(error)", isInputError: true)
            }
        }
        return keys
    }
}
