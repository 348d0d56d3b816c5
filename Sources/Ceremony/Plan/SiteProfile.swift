import Foundation
import Yams
import PKCS11

/// What differs between the rehearsal room and the real one: the PKCS#11
/// module and which token each holder brings.
///
/// A profile lets a reviewed plan run unchanged in both rooms. Its digest is
/// recorded beside the plan's, so an auditor can tell which room's settings
/// a ceremony used.
///
/// ```yaml
/// module: /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so
/// holders:
///   Alice: { serial: "5c1e0a7d3b9f2e41" }
///   Bob: { label: root-b }
/// ```
///
/// A profile may also give the module's initialisation string (`module_parameters`, NSS
/// softokn's `LibraryParameters`) and name read-back exceptions for one maker's tokens
/// (`key_policy_exceptions`, see ``SiteKeyPolicyException``).
package struct SiteProfile: Sendable, Equatable {
    package var module: ModuleReference?
    /// The `LibraryParameters` for `C_Initialize` of the profile's module; never a secret.
    package var moduleParameters: LibraryParameters?
    /// Read-back differences this site accepts, each for one maker's tokens, with its reason.
    package var keyPolicyExceptions: [SiteKeyPolicyException] = []
    /// Token selectors by holder name; each overrides the plan's selector.
    package var holders: [String: TokenSelector]
    /// Where each holder's entry was written, for findings that involve the plan.
    package var holderLocations: [String: SourceLocation]
    package var source: SourceFile

    package init(module: ModuleReference?, holders: [String: TokenSelector],
                holderLocations: [String: SourceLocation] = [:], source: SourceFile) {
        self.module = module
        self.holders = holders
        self.holderLocations = holderLocations
        self.source = source
    }

    /// Reads and parses the profile at `url`.
    ///
    /// - Throws: ``InputFileError`` when unreadable, ``PlanError`` when invalid.
    package static func load(contentsOf url: URL) throws -> SiteProfile {
        try parse(SourceFile.read(url))
    }

    /// Parses profile bytes already read.
    package static func parse(_ source: SourceFile) throws(PlanError) -> SiteProfile {
        let sink = DiagnosticSink(file: source.displayName)
        guard let text = String(data: source.bytes, encoding: .utf8) else {
            sink.error(at: nil, "the profile is not UTF-8 text")
            throw PlanError(diagnostics: sink.sorted())
        }
        guard let document = StrictYAML.compose(text, sink: sink) else {
            throw PlanError(diagnostics: sink.sorted())
        }
        SecretKeyScanner.scan(document, sink: sink)
        guard let top = StrictMapping(document, "the site profile", sink: sink) else {
            throw PlanError(diagnostics: sink.sorted())
        }
        top.rejectUnknownKeys(allowed: ["module", "module_parameters", "holders", "key_policy_exceptions"])
        let module = top.optional("module").flatMap { FieldReaders.module($0, "module", sink: sink) }
        let parametersNode = top.optional("module_parameters")
        let parameters = parametersNode.flatMap { FieldReaders.moduleParameters($0, "module_parameters", sink: sink) }
        if let parametersNode, top.optional("module") == nil {
            sink.error(parametersNode, "module_parameters are given without 'module'; name the module they are for in the same file")
        }
        let exceptions = top.optional("key_policy_exceptions").flatMap { FieldReaders.keyPolicyExceptions($0, sink: sink) } ?? []
        var holders: [String: TokenSelector] = [:]
        var locations: [String: SourceLocation] = [:]
        var seenTokens: [TokenSelector: String] = [:]
        if let node = top.optional("holders"), let map = StrictMapping(node, "holders", sink: sink) {
            for entry in map.entries {
                guard let holder = FieldReaders.personName(entry.keyNode, "holder", sink: sink),
                      let token = FieldReaders.tokenSelector(entry.value, "token for '\(holder)'", sink: sink)
                else { continue }
                if let other = seenTokens[token] {
                    sink.error(entry.value, "\(token.spoken) is already given to '\(other)'; each holder needs their own token")
                }
                seenTokens[token] = seenTokens[token] ?? holder
                holders[holder] = token
                locations[holder] = SourceLocation(line: entry.keyNode.mark?.line ?? 1,
                                                   column: entry.keyNode.mark?.column ?? 1)
            }
            for pair in map.mapping where pair.key.scalar == nil {
                sink.error(pair.key, "holder names must be plain text")
            }
        }
        if module == nil && holders.isEmpty && exceptions.isEmpty && !sink.hasErrors {
            sink.error(document, "the site profile sets nothing; expected 'module', 'holders' or both")
        }
        try sink.throwIfErrors()
        var profile = SiteProfile(module: module, holders: holders, holderLocations: locations, source: source)
        profile.moduleParameters = parameters
        profile.keyPolicyExceptions = exceptions
        return profile
    }
}
