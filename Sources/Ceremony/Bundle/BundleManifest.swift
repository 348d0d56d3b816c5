import Foundation
import TrustMetadata

/// `public/manifest.json`: what a ceremony produced, for auditors and the
/// ceremonies that come after it.
///
/// Part of the output contract: fields are added, never renamed. It lists the
/// SHA-256 of every file in `public/` except itself and `SHA256SUMS`, which
/// is written after it and covers it.
package struct BundleManifest: Sendable, Equatable, Codable {
    /// The manifest format; 1 for this layout.
    package var manifestVersion: Int
    package var ceremony: CeremonyKind
    package var dialect: Dialect
    package var repositories: [String]
    package var planDigest: String
    package var profileDigest: String?
    package var toolVersion: String
    /// UTC, RFC 3339 with milliseconds.
    package var started: String
    package var finished: String
    /// True when the output is from a rehearsal and must never be used as a real root.
    package var rehearsal: Bool
    /// Paths relative to `public/` mapped to SHA-256 hex.
    package var files: [String: String]

    package init(manifestVersion: Int = 1, ceremony: CeremonyKind, dialect: Dialect, repositories: [String],
                planDigest: String, profileDigest: String?, toolVersion: String, started: String,
                finished: String, rehearsal: Bool, files: [String: String]) {
        self.manifestVersion = manifestVersion
        self.ceremony = ceremony
        self.dialect = dialect
        self.repositories = repositories
        self.planDigest = planDigest
        self.profileDigest = profileDigest
        self.toolVersion = toolVersion
        self.started = started
        self.finished = finished
        self.rehearsal = rehearsal
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case ceremony, dialect, repositories, started, finished, rehearsal, files
        case manifestVersion = "manifest_version", planDigest = "plan_digest"
        case profileDigest = "profile_digest", toolVersion = "tool_version"
    }

    /// Pretty, sorted JSON with a final newline; stable for the same manifest.
    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data([0x0A])
    }
}

/// What the engine knows about a ceremony that the bundle records.
package struct CeremonyDescription: Sendable, Equatable {
    package var ceremony: CeremonyKind
    package var dialect: Dialect
    package var repositories: [String]
    package var planDigest: PlanDigest
    package var profileDigest: PlanDigest?
    package var toolVersion: String
    package var rehearsal: Bool
    /// The module's `LibraryParameters`, recorded in the transcript's first record.
    package var moduleParameters: String?
    /// The running executable and host, when known (recorded in the start record).
    package var tool: ToolIdentity?
    /// The site profile's exact bytes, copied to `public/profile.yaml` so the steps can be replayed.
    package var profile: SourceFile?
    /// Role → the online key file as read at the start.
    package var onlineKeys: [String: TranscriptEvent.OnlineKeyInput]?

    package init(ceremony: CeremonyKind, dialect: Dialect, repositories: [String], planDigest: PlanDigest,
                profileDigest: PlanDigest?, toolVersion: String, rehearsal: Bool, tool: ToolIdentity? = nil,
                profile: SourceFile? = nil, onlineKeys: [String: TranscriptEvent.OnlineKeyInput]? = nil) {
        self.ceremony = ceremony
        self.dialect = dialect
        self.repositories = repositories
        self.planDigest = planDigest
        self.profileDigest = profileDigest
        self.toolVersion = toolVersion
        self.rehearsal = rehearsal
        self.tool = tool
        self.profile = profile
        self.onlineKeys = onlineKeys
    }

    /// The description of running `resolved` with this tool: the running executable's identity,
    /// the profile's bytes and each online key file's digest and key ID are taken here, once.
    package init(_ resolved: ResolvedPlan, toolVersion: String, rehearsal: Bool, tool: ToolIdentity? = .current) {
        var inputs: [String: TranscriptEvent.OnlineKeyInput] = [:]
        for (role, url) in resolved.plan.onlineKeys.all {
            guard let source = try? SourceFile.read(url),
                  let key = try? MetadataKey.importKey(Array(source.bytes), dialect: resolved.plan.dialect) else { continue }
            inputs[role] = .init(fileSHA256: source.digest.hex, keyID: key.keyID)
        }
        self.init(ceremony: resolved.plan.ceremony, dialect: resolved.plan.dialect,
                  repositories: resolved.plan.repositories, planDigest: resolved.plan.source.digest,
                  profileDigest: resolved.profile?.source.digest, toolVersion: toolVersion, rehearsal: rehearsal,
                  tool: tool, profile: resolved.profile?.source, onlineKeys: inputs.isEmpty ? nil : inputs)
        moduleParameters = resolved.moduleParameters?.text
    }

    /// The transcript's first event.
    package var startEvent: TranscriptEvent {
        .ceremonyStart(.init(ceremony: ceremony, dialect: dialect, repositories: repositories,
                             planDigest: planDigest.hex, profileDigest: profileDigest?.hex,
                             toolVersion: toolVersion, rehearsal: rehearsal, toolSHA256: tool?.sha256,
                             toolCommit: tool?.commit, toolBuild: tool?.build?.rawValue, osRelease: tool?.osRelease, onlineKeys: onlineKeys, moduleParameters: moduleParameters))
    }
}
