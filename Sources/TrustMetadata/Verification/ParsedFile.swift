/// A metadata file read into its envelope, with the bytes its signatures cover.
struct ParsedFile {
    let name: String
    let envelope: SignedMetadata
    let message: [UInt8]
    /// The file's exact bytes.
    let bytes: [UInt8]

    /// Reads a file; failure is a finding, so the caller can go on with other files.
    static func read(_ file: MetadataFile, findings: inout [Finding]) -> ParsedFile? {
        do {
            let envelope = try SignedMetadata(bytes: file.bytes)
            if envelope.dialect == .tuf {
                // python-tuf refuses the whole file, so a client would never get to count.
                var seen = Set<String>()
                var duplicated = false
                for signature in envelope.signatures where !seen.insert(signature.keyID).inserted {
                    duplicated = true
                    findings.append(Finding(file: file.name, keyID: signature.keyID, check: .signature,
                                            detail: "two signatures under one key ID; python-tuf refuses such a file"))
                }
                if duplicated { return nil }
            }
            return ParsedFile(name: file.name, envelope: envelope, message: try envelope.canonicalSignedBytes(reservingCapacity: file.bytes.count),
                              bytes: file.bytes)
        } catch {
            findings.append(Finding(file: file.name, check: .malformed, detail: error.description))
            return nil
        }
    }
}
