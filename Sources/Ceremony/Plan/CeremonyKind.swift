/// What a ceremony does. Each kind has its own plan body, steps and procedure; later ones
/// (`backup`, `recovery`) are added as they are built, so a plan naming one of them fails
/// clearly today.
package enum CeremonyKind: String, Sendable, Equatable, CaseIterable, Codable {
    /// Generate root keys on tokens and sign the first root metadata.
    case rootGeneration = "root-generation"
    /// Sign root version N+1 with changed keys, threshold or online keys, by a threshold of
    /// version N's root keys and a threshold of version N+1's.
    case rootRotation = "root-rotation"
    /// Sign root version N+1 with the same keys and a new expiry.
    case rootResign = "root-resign"
    /// Sign targets.json version N+1 with the offline top-level targets key, adding, changing or
    /// removing delegated roles (TUF specification §2.1.2 and §5.6; Notary `targets/<name>` roles).
    case targetsDelegation = "targets-delegation"
    /// Restore backed-up root keys from SLIP-39 shares onto new tokens, then sign root version
    /// N+1 with them (as a rotation or re-sign).
    case recovery = "recovery"

    /// Names people reach for that are not kinds of their own, with where that work is done;
    /// a plan naming one gets this instead of "unknown".
    static let elsewhere = [
        "backup": "backups are made in a root-generation plan: mark root keys 'backup: true' and add a 'backup:' section (see ceremonies/README.md)",
        "delegation": "use 'targets-delegation'",
    ]
}
