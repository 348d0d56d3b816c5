/// The tool version recorded in manifests and transcripts.
package enum KeyCeremonyVersion {
    package static let current = "0.1.0"
}
