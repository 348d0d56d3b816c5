import Foundation
import TestSupport
@testable import Ceremony

/// A clock that starts at a fixed time and moves one second per reading,
/// so transcripts are deterministic.
final class SteppingClock {
    private(set) var now: Date

    init(start: Date = RFC3339.parse("2026-11-25T12:00:00Z")!) {
        now = start
    }

    func read() -> Date {
        defer { now = now.addingTimeInterval(1) }
        return now
    }
}

/// The valid TUF plan the bad-plan tests change one line of. Line numbers
/// in those tests refer to this text.
let validTUFPlan = """
version: 1
ceremony: root-generation
dialect: tuf
description: Test root
repositories:
  - example
expires: 1y
module: softhsm
root:
  threshold: 2
  keys:
    - name: root-a
      holder: Alice
      token: { label: root-a }
      algorithm: ecdsa-p256
    - name: root-b
      holder: Bob
      token: { label: root-b }
      algorithm: ed25519
online_keys:
  targets: keys/targets.pem
  snapshot: keys/snapshot.pem
  timestamp: keys/timestamp.pem
witnesses: [Wendy]

"""

/// Replaces exactly one occurrence of `old` in `text`; traps if absent so a
/// test cannot silently test the unchanged plan.
func replacing(_ old: String, with new: String, in text: String) -> String {
    precondition(text.components(separatedBy: old).count == 2, "'\(old)' must occur exactly once")
    return text.replacingOccurrences(of: old, with: new)
}

/// Parses `yaml` as a plan named `plan.yaml` and returns its diagnostics
/// (empty when it parses).
func diagnostics(_ yaml: String) -> [PlanDiagnostic] {
    do {
        let plan = try Plan.parse(Data(yaml.utf8), file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"))
        return plan.warnings
    } catch {
        return error.diagnostics
    }
}

/// The `file:line:column: message` strings of the errors in `yaml`.
func errorLines(_ yaml: String) -> [String] {
    diagnostics(yaml).filter { $0.severity == .error }.map(\.description)
}

/// Parses a plan that must be valid.
func validPlan(_ yaml: String = validTUFPlan, directory: URL = URL(fileURLWithPath: "/tmp")) throws -> Plan {
    try Plan.parse(Data(yaml.utf8), file: "plan.yaml", baseDirectory: directory)
}
