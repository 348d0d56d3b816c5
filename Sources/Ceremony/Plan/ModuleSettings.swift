import Foundation
import PKCS11
import Yams

/// A read-back difference a site profile accepts for the tokens of one maker, with its reason.
///
/// ```yaml
/// key_policy_exceptions:
///   - attribute: CKA_LOCAL
///     manufacturer: Mozilla Foundation
///     reason: NSS softokn never sets CKA_LOCAL, even on keys it generates
/// ```
///
/// Only `CKA_LOCAL` may be named (see ``KeyPolicyException``); it applies only to tokens whose
/// `CK_TOKEN_INFO` manufacturer (and model, when given) match byte for byte, and every key it
/// was needed for records it in the transcript.
package struct SiteKeyPolicyException: Sendable, Equatable {
    package var exception: KeyPolicyException
    package var manufacturer: String
    package var model: String?
    package var location: SourceLocation

    package init(exception: KeyPolicyException, manufacturer: String, model: String?, location: SourceLocation) {
        self.exception = exception
        self.manufacturer = manufacturer
        self.model = model
        self.location = location
    }

    /// Whether the exception covers keys made on `token`.
    package func applies(to token: TokenIdentity) -> Bool {
        token.manufacturer.utf8.elementsEqual(manufacturer.utf8)
            && (model.map { token.model.utf8.elementsEqual($0.utf8) } ?? true)
    }
}

extension Array where Element == SiteKeyPolicyException {
    /// The exceptions that cover keys made on `token`, for a ``KeyPolicy``.
    package func policyExceptions(for token: TokenIdentity) -> [KeyPolicyException] {
        filter { $0.applies(to: token) }.map(\.exception)
    }
}

extension FieldReaders {
    /// Reads a `module_parameters` string (the module's `LibraryParameters`), refusing one that
    /// looks like it holds a secret, since it is recorded in the transcript.
    static func moduleParameters(_ node: Node, _ what: String, sink: DiagnosticSink) -> LibraryParameters? {
        guard let text = StrictYAML.string(node, what, sink: sink) else { return nil }
        if let problem = LibraryParameters.problem(text) {
            sink.error(node, "\(what): \(problem)")
            return nil
        }
        return try? LibraryParameters(text)
    }

    /// Reads `key_policy_exceptions`: a list of `{attribute, manufacturer, model?, reason}`.
    static func keyPolicyExceptions(_ node: Node, sink: DiagnosticSink) -> [SiteKeyPolicyException]? {
        guard let items = StrictYAML.sequence(node, "key_policy_exceptions", sink: sink) else { return nil }
        var result: [SiteKeyPolicyException] = []
        for item in items {
            guard let map = StrictMapping(item, "each key policy exception", sink: sink) else { continue }
            map.rejectUnknownKeys(allowed: ["attribute", "manufacturer", "model", "reason"])
            let allowed = KeyPolicyException.Attribute.allCases.map(\.rawValue)
            let attribute = map.required("attribute", expected: PlanParser.oneOf(allowed)).flatMap { node -> KeyPolicyException.Attribute? in
                guard let text = StrictYAML.string(node, "attribute", sink: sink) else { return nil }
                guard let attribute = KeyPolicyException.Attribute(rawValue: text) else {
                    sink.error(node, "attribute '\(text)' cannot be excepted: only \(allowed.joined(separator: ", ")) may read back differently, and only as false; CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE and the key's uses are never relaxed")
                    return nil
                }
                return attribute
            }
            let manufacturer = map.required("manufacturer", expected: "the token manufacturer the exception is for, as 'keyceremony tokens' shows it")
                .flatMap { StrictYAML.string($0, "manufacturer", sink: sink) }
            let model = map.optional("model").flatMap { StrictYAML.string($0, "model", sink: sink) }
            let reason = map.required("reason", expected: "why this site accepts the difference").flatMap { node -> String? in
                guard let text = StrictYAML.string(node, "reason", sink: sink) else { return nil }
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard trimmed.count >= 10, trimmed.count <= 500,
                      !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    sink.error(node, "reason must be a sentence of 10 to 500 characters on one line saying why the site accepts this")
                    return nil
                }
                return trimmed
            }
            if let manufacturer, manufacturer.isEmpty {
                sink.error(map.raw("manufacturer"), "manufacturer must not be empty; an exception names the tokens it is for")
                continue
            }
            guard let attribute, let manufacturer, let reason else { continue }
            result.append(SiteKeyPolicyException(
                exception: KeyPolicyException(attribute: attribute, reason: reason), manufacturer: manufacturer, model: model,
                location: SourceLocation(line: item.mark?.line ?? 1, column: item.mark?.column ?? 1)))
        }
        return result
    }
}
