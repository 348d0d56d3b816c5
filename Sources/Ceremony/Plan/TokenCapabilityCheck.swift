import Foundation
import PKCS11

/// Asks each planned token whether it can make and sign with the key the plan asks of it,
/// before any key exists: `plan check` reports the answers as findings, and the engine's
/// preflight can call ``problems(_:module:)`` with the module it has opened.
///
/// Only tokens present now are asked; a token not inserted yet is checked when it is.
package enum TokenCapabilityCheck {
    /// One planned key whose token cannot do what the plan asks, in words.
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var holder: String
        /// The token asked, when one was found.
        package var token: TokenIdentity?
        package var message: String

        package var description: String { message }
    }

    /// Every planned key to be generated whose token is present and cannot generate or sign
    /// with the key's algorithm, and every key whose selector matches more than one token.
    package static func problems(_ resolved: ResolvedPlan, module: PKCS11Module) -> [Problem] {
        var problems: [Problem] = []
        let restored = Set(resolved.plan.body.restoredKeys)
        for planned in resolved.keys {
            // A backed-up key's token must wrap; the drill's and a recovery's tokens must unwrap.
            let wrapNeed: Bool? = planned.key.backup ? true
                : (planned.key.source == .recoveryDrill || restored.contains(planned.key.name)) ? false : nil
            guard planned.key.algorithm != nil || wrapNeed != nil else { continue }
            let name = planned.key.name, holder = planned.key.holder
            let token: TokenInfo
            do {
                token = try module.token(matching: planned.token)
            } catch {
                if case .ambiguousToken = error {
                    problems.append(Problem(key: name, holder: holder, token: nil,
                                            message: "key '\(name)' (\(holder)): \(error)"))
                }
                continue
            }
            let capabilities: TokenCapabilities
            do {
                capabilities = try module.capabilities(of: token)
            } catch {
                problems.append(Problem(key: name, holder: holder, token: token.identity,
                                        message: "key '\(name)' (\(holder)): could not read what token \(token.identity) can do: \(error)"))
                continue
            }
            if let wrapNeed, let reason = capabilities.wrapProblem(wrap: wrapNeed) {
                problems.append(Problem(key: name, holder: holder, token: token.identity,
                                        message: "key '\(name)' (\(holder)): \(reason); bring a token that offers it. No key has been made"))
            }
            guard let algorithm = planned.key.algorithm, let reason = capabilities.problem(with: algorithm) else { continue }
            let usable = KeyAlgorithm.allCases.filter { capabilities.problem(with: $0) == nil }
            let advice = usable.isEmpty
                ? "it can make none of the algorithms a ceremony uses; bring another token"
                : "plan an algorithm it offers (\(usable.map(\.rawValue).joined(separator: ", "))) or bring another token"
            problems.append(Problem(key: name, holder: holder, token: token.identity,
                                    message: "key '\(name)' (\(holder)) asks for \(algorithm.displayName), but \(reason); \(advice). No key has been made"))
        }
        return problems
    }

    /// The findings `plan check` reports: errors for ``problems(_:module:)``, and a warning when
    /// the installed module cannot be opened to ask. A module not installed here is left to
    /// ``PlanCheck``'s own warning.
    package static func findings(_ resolved: ResolvedPlan) -> [PlanDiagnostic] {
        guard let reference = resolved.module, let path = reference.resolvedPath(),
              FileManager.default.fileExists(atPath: path),
              resolved.keys.contains(where: { $0.key.algorithm != nil || $0.key.source == .recoveryDrill })
                || !resolved.plan.body.restoredKeys.isEmpty else { return [] }
        let moduleSource = resolved.profile.flatMap { $0.module == nil ? nil : $0.source } ?? resolved.plan.source
        let module: PKCS11Module
        do {
            module = try PKCS11Module.open(path, libraryParameters: resolved.moduleParameters)
        } catch {
            return [PlanDiagnostic(severity: .warning, file: moduleSource.displayName, line: 1, column: 1,
                                   message: "token capabilities were not checked: \(error)")]
        }
        return problems(resolved, module: module).map { problem in
            let planned = resolved.key(problem.key)
            let fromProfile = planned?.tokenFromProfile == true
            let source = fromProfile ? (resolved.profile?.source ?? resolved.plan.source) : resolved.plan.source
            let location = fromProfile
                ? (resolved.profile?.holderLocations[problem.holder] ?? SourceLocation(line: 1, column: 1))
                : (planned?.key.location(of: "algorithm") ?? SourceLocation(line: 1, column: 1))
            return PlanDiagnostic(severity: .error, file: source.displayName, line: location.line,
                                  column: location.column, message: problem.message)
        }
    }
}
