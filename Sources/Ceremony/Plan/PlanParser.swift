import Foundation
import Yams
import PKCS11
import TrustMetadata

/// Turns plan bytes into a ``Plan``, reporting every problem with its location.
enum PlanParser {
    static func parse(_ source: SourceFile) throws(PlanError) -> Plan {
        let sink = DiagnosticSink(file: source.displayName)
        guard let text = String(data: source.bytes, encoding: .utf8) else {
            sink.error(at: nil, "the plan is not UTF-8 text")
            throw PlanError(diagnostics: sink.sorted())
        }
        guard let document = StrictYAML.compose(text, sink: sink) else {
            throw PlanError(diagnostics: sink.sorted())
        }
        SecretKeyScanner.scan(document, sink: sink)
        let plan = read(document, source: source, sink: sink)
        try sink.throwIfErrors()
        guard var plan else {
            // Every path that yields nil reports an error; this is a safety net.
            throw PlanError(diagnostics: [PlanDiagnostic(severity: .error, file: source.displayName,
                                                         line: 1, column: 1, message: "the plan could not be read")])
        }
        plan.warnings = sink.sorted().filter { $0.severity == .warning }
        return plan
    }

    /// Header keys every plan has; each ceremony kind adds its own (``CeremonyDefinition/bodyKeys``).
    static let headerKeys = ["version", "ceremony", "dialect", "description", "repositories", "expires",
                             "module", "module_parameters", "witnesses", "expiry_margin"]

    private static func read(_ document: Node, source: SourceFile, sink: DiagnosticSink) -> Plan? {
        guard let top = StrictMapping(document, "the plan", sink: sink) else { return nil }

        if let node = top.required("version", expected: "1"), let version = StrictYAML.int(node, "version", sink: sink),
           version != Plan.formatVersion {
            sink.error(node, "version \(version) is not supported; this tool reads plan version \(Plan.formatVersion)")
        }
        let ceremony: CeremonyKind? = top.required("ceremony", expected: oneOf(CeremonyKind.allCases.map(\.rawValue)))
            .flatMap { node in
                if case .scalar(let scalar) = node, let advice = CeremonyKind.elsewhere[scalar.string] {
                    sink.error(node, "ceremony '\(scalar.string)' is not a kind of its own: \(advice)")
                    return nil
                }
                return enumValue(node, "ceremony", sink: sink)
            }
        let definition = ceremony.map { CeremonyCatalog.procedure(for: $0) }
        // Without a known kind only the header can be judged; unknown keys wait for the kind.
        if let definition { top.rejectUnknownKeys(allowed: headerKeys + definition.bodyKeys) }
        let dialect: Dialect? = top.required("dialect", expected: oneOf(Dialect.allCases.map(\.rawValue)))
            .flatMap { enumValue($0, "dialect", sink: sink) }
        let description = top.required("description", expected: "a sentence saying what the ceremony is for")
            .flatMap { StrictYAML.string($0, "description", sink: sink) }
        let repositories = readRepositories(top, dialect: dialect, sink: sink)
        let expiresNode = top.required("expires", expected: "an RFC 3339 time such as 2031-01-01T00:00:00Z or a duration such as 365d, 52w, 5y or P1Y6M")
        let expires = expiresNode.flatMap { readExpiry($0, sink: sink) }
        let moduleNode = top.optional("module")
        let module = moduleNode.flatMap { FieldReaders.module($0, "module", sink: sink) }
        let parametersNode = top.optional("module_parameters")
        let moduleParameters = parametersNode.flatMap { FieldReaders.moduleParameters($0, "module_parameters", sink: sink) }
        if let parametersNode, moduleNode == nil {
            sink.error(parametersNode, "module_parameters are given without 'module'; name the module they are for in the same file")
        }
        let witnesses = top.optional("witnesses")
            .map { node in FieldReaders.people(node, "witnesses", sink: sink) } ?? []
        if let witnesses, witnesses.isEmpty {
            sink.warning(top.raw("witnesses") ?? document, "no witnesses are named; someone other than the key holders should confirm each step")
        }
        var expiryMargin: ExpiryCalendar.Margin?
        if let node = top.optional("expiry_margin"), let text = StrictYAML.string(node, "expiry_margin", sink: sink) {
            expiryMargin = ExpiryCalendar.Margin(text)
            if expiryMargin == nil {
                sink.error(node, "expiry_margin '\(text)' is not a duration such as 60d, 8w, 1y or P3M")
            }
        }
        let body = ceremony.flatMap { kind in
            definition?.readBody(top, kind: kind, dialect: dialect, directory: source.directory, sink: sink)
        }

        guard let ceremony, let dialect, let description, let repositories, let expires,
              let expiresNode, let body, let witnesses else { return nil }
        var plan = Plan(ceremony: ceremony, dialect: dialect, description: description, repositories: repositories,
                        expires: expires, module: module, witnesses: witnesses, body: body, source: source,
                        expiresLocation: SourceLocation(line: expiresNode.mark?.line ?? 1,
                                                        column: expiresNode.mark?.column ?? 1))
        plan.expiryMargin = expiryMargin
        if let moduleNode { plan.moduleLocation = SourceLocation(line: moduleNode.mark?.line ?? 1, column: moduleNode.mark?.column ?? 1) }
        plan.moduleParameters = moduleParameters
        return plan
    }

    static func oneOf(_ values: [String]) -> String {
        values.count == 1 ? "'\(values[0])'" : "one of " + values.map { "'\($0)'" }.joined(separator: ", ")
    }

    static func enumValue<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, sink: DiagnosticSink) -> T?
    where T.RawValue == String {
        guard let text = StrictYAML.string(node, what, sink: sink) else { return nil }
        guard let value = T(rawValue: text) else {
            sink.error(node, "\(what) '\(text)' is not known; expected \(oneOf(T.allCases.map(\.rawValue)))")
            return nil
        }
        return value
    }

    private static func readRepositories(_ top: StrictMapping, dialect: Dialect?, sink: DiagnosticSink) -> [String]? {
        guard let node = top.required("repositories", expected: "a list of Notary GUNs or one TUF repository name"),
              let items = StrictYAML.sequence(node, "repositories", sink: sink) else { return nil }
        var names: [String] = []
        var ok = true
        for item in items {
            guard let name = FieldReaders.repositoryName(item, "repository", sink: sink) else {
                ok = false
                continue
            }
            if names.contains(name) {
                sink.error(item, "repository '\(name)' is listed twice")
                ok = false
            }
            names.append(name)
        }
        if items.isEmpty {
            sink.error(node, "repositories is empty; expected at least one repository")
            return nil
        }
        if let dialect, !dialect.allowsSeveralRepositories && items.count != 1 {
            sink.error(node, "a tuf plan names exactly one repository, found \(items.count)")
            return nil
        }
        return ok ? names : nil
    }

    private static func readExpiry(_ node: Node, sink: DiagnosticSink) -> Expiry? {
        guard let text = StrictYAML.string(node, "expires", sink: sink) else { return nil }
        guard let expiry = Expiry(text) else {
            sink.error(node, "expires '\(text)' is neither an RFC 3339 time with seconds and zone (2031-01-01T00:00:00Z) nor a duration (90d, 52w, 5y, P1Y6M)")
            return nil
        }
        return expiry
    }
}
