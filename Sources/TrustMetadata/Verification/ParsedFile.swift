/// A metadata file read into its envelope, with the bytes its signatures cover.
///
/// A targets file's `targets` map is read straight into ``targetEntries`` (its canonical
/// bytes and a span per entry) when it can be, and `envelope.signed` then holds `{}` in its
/// place; ``message`` is always the canonical bytes of the real `signed`.
struct ParsedFile {
    let name: String
    let envelope: SignedMetadata
    let message: [UInt8]
    /// The file's exact bytes.
    let bytes: [UInt8]
    /// `signed.targets` of a targets file, when it was read without a tree.
    let targetEntries: CanonicalMemberTable?
    /// The canonical bytes of members of `signed` known without walking them (a targets table,
    /// keys and roles found in a ``ParsedValueMemo``).
    let knownCanonical: [KnownCanonical]

    /// Reads a file; failure is a finding, so the caller can go on with other files.
    ///
    /// - Parameter memo: values of `signed.keys` and `signed.roles` read earlier in this
    ///   verification (``ParsedValueMemo``), if any.
    static func read(_ file: MetadataFile, memo: ParsedValueMemo? = nil, findings: inout [Finding]) -> ParsedFile? {
        do {
            var (envelope, document) = try SignedMetadata.readDeferringTargets(file.bytes, memo: memo)
            var (table, known) = (document.targets, document.knownCanonical)
            if table != nil, !Self.isTargetsType(envelope.typeName) {
                // Only a targets role's `targets` is read as a table: anything else keeps every value.
                (envelope, table, known) = (try SignedMetadata(bytes: file.bytes), nil, [])
            }
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
            // Members whose canonical bytes are known already (a targets table, keys or roles
            // seen earlier in a chain) are not walked again.
            let message = if known.isEmpty {
                try envelope.canonicalSignedBytes(reservingCapacity: file.bytes.count)
            } else {
                try envelope.canonicalSignedBytes(substituting: known, reservingCapacity: file.bytes.count)
            }
            return ParsedFile(name: file.name, envelope: envelope, message: message, bytes: file.bytes, targetEntries: table,
                              knownCanonical: known)
        } catch {
            findings.append(Finding(file: file.name, check: .malformed, detail: error.description))
            return nil
        }
    }

    /// This file without the tree of `signed`, once its model has been read from it: the
    /// signatures cover ``message``, so that is all a chain keeps of each root, and the tree's
    /// memory is given back on the core that parsed it (for the next file to reuse).
    func droppingSignedTree() -> ParsedFile {
        ParsedFile(name: name, envelope: SignedMetadata(signed: JSONObject(), signatures: envelope.signatures,
                                                        unknownFields: envelope.unknownFields),
                   message: message, bytes: bytes, targetEntries: targetEntries, knownCanonical: knownCanonical)
    }

    private static func isTargetsType(_ type: String?) -> Bool {
        guard let type, let dialect = Dialect.detect(typeName: type) else { return false }
        return type == dialect.typeName(forRole: "targets")
    }
}
