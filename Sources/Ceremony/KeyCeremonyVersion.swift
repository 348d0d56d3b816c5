/// The tool version recorded in manifests and transcripts.
public enum KeyCeremonyVersion {
    public static let current = "0.1.0"
}
