import Yams

/// Collects diagnostics while a document is walked, so that parsing can go on
/// after a problem and report them all together.
final class DiagnosticSink {
    let file: String
    private(set) var diagnostics: [PlanDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func error(at mark: Mark?, _ message: String) {
        add(.error, at: mark, message)
    }

    func warning(at mark: Mark?, _ message: String) {
        add(.warning, at: mark, message)
    }

    func error(_ node: Node?, _ message: String) {
        add(.error, at: node?.mark, message)
    }

    func warning(_ node: Node?, _ message: String) {
        add(.warning, at: node?.mark, message)
    }

    func error(line: Int, column: Int, _ message: String) {
        diagnostics.append(PlanDiagnostic(severity: .error, file: file, line: line, column: column, message: message))
    }

    private func add(_ severity: PlanDiagnostic.Severity, at mark: Mark?, _ message: String) {
        diagnostics.append(PlanDiagnostic(
            severity: severity, file: file,
            line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// Throws every collected diagnostic if any of them is an error.
    func throwIfErrors() throws(PlanError) {
        if hasErrors { throw PlanError(diagnostics: sorted()) }
    }

    /// Errors first, each group in document order.
    func sorted() -> [PlanDiagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let ka = (a.element.severity == .error ? 0 : 1, a.element.line, a.element.column, a.offset)
            let kb = (b.element.severity == .error ? 0 : 1, b.element.line, b.element.column, b.offset)
            return ka < kb
        }.map(\.element)
    }
}
