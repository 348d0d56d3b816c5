/// One finding about a plan or site profile, located at the line and column
/// of the YAML node it concerns.
///
/// Officers fix plans weeks before a ceremony, usually in an editor that jumps
/// to `file:line:column`, so every finding carries a location and says both
/// what was wrong and what was expected.
package struct PlanDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Whether the finding stops the ceremony.
    package enum Severity: String, Sendable, Equatable {
        /// The plan cannot be run as written.
        case error
        /// The plan can run, but reviewers should look twice.
        case warning
    }

    package var severity: Severity
    /// The file name as given on the command line.
    package var file: String
    /// Line number, starting at 1.
    package var line: Int
    /// Column number, starting at 1.
    package var column: Int
    package var message: String

    package init(severity: Severity, file: String, line: Int, column: Int, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, with `warning: ` before warnings.
    package var description: String {
        let prefix = severity == .warning ? "warning: " : ""
        return "\(file):\(line):\(column): \(prefix)\(message)"
    }
}

/// A plan or profile that cannot be used, with every error found in it.
///
/// Parsing does not stop at the first problem: a reviewer fixing a plan wants
/// the whole list at once.
package struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All findings, errors first in document order, then warnings.
    package var diagnostics: [PlanDiagnostic]

    package init(diagnostics: [PlanDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Only the findings that are errors.
    package var errors: [PlanDiagnostic] { diagnostics.filter { $0.severity == .error } }

    package var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
