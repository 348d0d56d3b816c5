/// A `SHA256SUMS` file in the format `sha256sum(1)` writes and `sha256sum -c` reads.
///
/// Each line is the hex digest, two spaces (text mode), and the path relative
/// to the folder holding the file, sorted by path; so
/// `cd DIR/public && sha256sum -c SHA256SUMS` checks a bundle with no other tool.
package struct SHA256Sums: Sendable, Equatable {
    /// Relative path to SHA-256 hex.
    package var entries: [String: String]

    package init(entries: [String: String]) {
        self.entries = entries
    }

    /// The file's text.
    package var text: String {
        entries.sorted { $0.key < $1.key }.map { "\($0.value)  \($0.key)\n" }.joined()
    }
}
