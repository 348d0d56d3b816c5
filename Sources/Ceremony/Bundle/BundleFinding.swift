/// One way a bundle's evidence disagrees with itself or its files, as a value.
///
/// `file` is the path relative to the output directory (`public/plan.yaml`, `SHA256SUMS`,
/// `transcript.jsonl`), `expected` and `found` what the evidence says and what is there (digests,
/// records), when the finding is about two values. ``description`` is the sentence printed.
package struct BundleFinding: Sendable, Equatable, CustomStringConvertible {
    /// The file concerned, relative to the output directory or its `public/` folder.
    package var file: String
    /// The transcript line concerned, when the finding is about one record.
    package var line: Int?
    package var expected: String?
    package var found: String?
    /// The whole finding in words.
    package var description: String

    package init(file: String, line: Int? = nil, expected: String? = nil, found: String? = nil, _ description: String) {
        self.file = file
        self.line = line
        self.expected = expected
        self.found = found
        self.description = description
    }
}
