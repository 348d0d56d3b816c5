import Foundation
import PKCS11
import TrustMetadata

/// A reviewed ceremony plan: what will be made, by whom, on which tokens.
///
/// A plan has a common header (kind, dialect, repositories, expiry, module, witnesses) and a
/// ``PlanBody`` per ceremony kind, read and checked by that kind's own reader. A plan is
/// reviewed weeks before the ceremony and must not be edited on the day; what differs between
/// rooms (module path, token serials) comes from a ``SiteProfile``. The plan's exact bytes are
/// kept so that they can be copied into the bundle and their digest read aloud.
///
/// Load one with ``Plan/load(contentsOf:)`` or ``Plan/parse(_:file:baseDirectory:)``.
package struct Plan: Sendable, Equatable {
    /// The only plan format version this tool reads.
    package static let formatVersion = 1

    package var ceremony: CeremonyKind
    package var dialect: Dialect
    package var description: String
    /// Notary GUNs (one root.json each) or the single TUF repository name.
    package var repositories: [String]
    package var expires: Expiry
    /// The module named by the plan; a site profile may supply or replace it.
    package var module: ModuleReference?
    /// The `LibraryParameters` for the plan's module (`module_parameters`); never a secret.
    package var moduleParameters: LibraryParameters?
    /// People who watch and confirm; may be empty.
    package var witnesses: [String]
    /// What this kind of ceremony does, as its own reader read it.
    package var body: PlanBody
    /// Where the plan came from, its exact bytes and their digest.
    package var source: SourceFile
    /// Where `expires:` was written, for findings about the expiry bounds.
    package var expiresLocation: SourceLocation
    /// How long before an expiry the next ceremony must be held, for `keyceremony expiry` on
    /// this ceremony's bundle (`expiry_margin:`, optional; the command's default otherwise).
    package var expiryMargin: ExpiryCalendar.Margin?
    /// Where `module:` was written, for findings about the module (1:1 when the plan names none).
    package var moduleLocation = SourceLocation(line: 1, column: 1)
    /// Findings that do not stop the plan, such as naming no witnesses.
    package var warnings: [PlanDiagnostic] = []

    package init(ceremony: CeremonyKind, dialect: Dialect, description: String, repositories: [String],
                expires: Expiry, module: ModuleReference?, witnesses: [String], body: PlanBody, source: SourceFile,
                expiresLocation: SourceLocation) {
        self.ceremony = ceremony
        self.dialect = dialect
        self.description = description
        self.repositories = repositories
        self.expires = expires
        self.module = module
        self.witnesses = witnesses
        self.body = body
        self.source = source
        self.expiresLocation = expiresLocation
    }

    /// The root role the ceremony produces; nil for a ceremony that signs no root (a delegation).
    package var root: RootRole? { body.root }

    /// The online key files the plan names (all three roles for generation, or snapshot and
    /// timestamp when the targets key is offline; only the replaced ones for a rotation).
    package var onlineKeys: OnlineKeyFiles { body.onlineKeys }

    /// Reads and parses the plan at `url`.
    ///
    /// - Throws: ``InputFileError`` when the file cannot be read, ``PlanError``
    ///   when it is not a valid plan.
    package static func load(contentsOf url: URL) throws -> Plan {
        let source = try SourceFile.read(url)
        return try PlanParser.parse(source)
    }

    /// Parses plan bytes; `file` names the plan in messages and relative
    /// online-key paths are resolved against `baseDirectory`.
    package static func parse(_ data: Data, file: String, baseDirectory: URL) throws(PlanError) -> Plan {
        try PlanParser.parse(SourceFile(url: baseDirectory.appendingPathComponent(file), displayName: file, bytes: data))
    }

    /// The expiry to write into metadata for a ceremony starting at `start`: as planned, but at
    /// most 30 days away in a rehearsal (Notary: 210 days, see ``Expiry/notaryRehearsalCapDays``).
    package func metadataExpiry(ceremonyStart start: Date, rehearsal: Bool) -> Date {
        expires.effectiveDate(from: start, rehearsal: rehearsal, dialect: dialect)
    }

    /// The expiry finding for a ceremony starting at `start`, if any.
    package func expiryDiagnostic(at start: Date) -> PlanDiagnostic? {
        let severity: PlanDiagnostic.Severity
        let message: String
        switch expires.assess(from: start) {
        case .fine: return nil
        case .warning(let text): (severity, message) = (.warning, text)
        case .refused(let text): (severity, message) = (.error, text)
        }
        return PlanDiagnostic(severity: severity, file: source.displayName,
                              line: expiresLocation.line, column: expiresLocation.column, message: message)
    }
}

/// A line and column in a YAML file, both starting at 1.
package struct SourceLocation: Sendable, Equatable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
