/// A metadata file read into its envelope, with the bytes its signatures cover.
struct ParsedFile {
    let name: String
    let envelope: SignedMetadata
    let message: [UInt8]

    /// Reads a file; failure is a finding, so the caller can go on with other files.
    static func read(_ file: MetadataFile, findings: inout [Finding]) -> ParsedFile? {
        do {
            let envelope = try SignedMetadata(bytes: file.bytes)
            return ParsedFile(name: file.name, envelope: envelope, message: try envelope.canonicalSignedBytes())
        } catch {
            findings.append(Finding(file: file.name, check: .malformed, detail: error.description))
            return nil
        }
    }
}
