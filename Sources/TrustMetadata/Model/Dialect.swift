/// The two metadata dialects a ceremony produces.
///
/// They share TUF's structure but differ in type names, key encodings, signature
/// encodings and file layout, and clients of each reject the other's bytes.
public enum Dialect: String, Hashable, Sendable, CaseIterable, Codable {
    /// TUF 1.0 as python-tuf 7 writes it.
    case tuf
    /// Notary v1 (Docker Content Trust) as notary 0.7 writes it.
    case notary

    /// The `_type` value of a role's metadata in this dialect.
    public func typeName(forRole role: String) -> String {
        switch self {
        case .tuf: return role
        case .notary: return role.prefix(1).uppercased() + role.dropFirst()
        }
    }

    /// Whether root keys are published as certificates issued per repository (Notary: one
    /// self-signed certificate per key and GUN, CN = GUN), so a key's ID differs per repository
    /// and the token is needed again to issue each certificate.
    public var rootKeysAreCertificates: Bool { self == .notary }

    /// Whether one ceremony may produce roots for several repositories (Notary GUNs sharing
    /// root keys); a TUF plan names exactly one repository.
    public var allowsSeveralRepositories: Bool { self == .notary }

    /// Detects the dialect from a `_type` value: TUF is lower case, Notary capitalised.
    public static func detect(typeName: String) -> Dialect? {
        switch typeName {
        case "root", "targets", "snapshot", "timestamp": return .tuf
        case "Root", "Targets", "Snapshot", "Timestamp": return .notary
        default: return nil
        }
    }
}
