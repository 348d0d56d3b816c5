/// Where one rehearsal stage's time went, as ``TimingSpan``s: writing, reading and resolving its
/// plan; the ceremony itself (``CeremonyRunner/run(_:options:console:)``, which also verifies
/// what it signs); and the rehearsal's check of the bundle afterwards (`verify` and the bundle
/// check). JSON: `{"name", "total", "planning", "ceremony", "verification"}`.
package struct StageTiming: Sendable, Encodable {
    /// The stage's folder name, such as `01-root-generation`.
    package var name: String
    package var total: TimingSpan
    package var planning: TimingSpan
    package var ceremony: TimingSpan
    package var verification: TimingSpan
}
