/// What a ceremony does. Each kind has its own steps; later ones
/// (`root-rotation`, `resign`, `delegation`, `backup`, `recovery`) are added
/// as they are built, so a plan naming one of them fails clearly today.
public enum CeremonyKind: String, Sendable, Equatable, CaseIterable, Codable {
    /// Generate root keys on tokens and sign the first root metadata.
    case rootGeneration = "root-generation"

    /// Kinds later versions add; a plan naming one gets a clearer message
    /// than "unknown".
    static let planned = ["root-rotation", "resign", "delegation", "backup", "recovery"]
}

