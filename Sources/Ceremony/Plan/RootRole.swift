import PKCS11
/// The root role as the plan describes it: who holds which key, and how many
/// of them must sign.
package struct RootRole: Sendable, Equatable {
    /// How many root keys must sign root metadata; 1 ... `keys.count`.
    package var threshold: Int
    /// The keys in plan order; steps follow this order.
    package var keys: [RootKey]
    /// Where `threshold:` was written, for findings about it.
    package var thresholdLocation = SourceLocation(line: 1, column: 1)

    package init(threshold: Int, keys: [RootKey]) {
        self.threshold = threshold
        self.keys = keys
    }

    /// The threshold in words: "root: 2 of Alice, Bob, Carol".
    package var summary: String { summary(role: "root") }

    /// The threshold of `role` in words: "targets: 1 of Erin".
    package func summary(role: String) -> String {
        "\(role): \(threshold) of " + keys.map(\.holder).joined(separator: ", ")
    }
}

/// One root key: a name, the person who holds its token, and where the key comes from.
package struct RootKey: Sendable, Equatable {
    /// Where a root key comes from.
    package enum Source: Sendable, Equatable {
        /// Generated on the token during the ceremony.
        case generate(KeyAlgorithm)
        /// Already on the token and already in the current root, named by its key ID there
        /// (TUF key ID, or a Notary root certificate's key ID in the first repository).
        case existing(keyID: String)
        /// No key: the token of a backup's recovery drill, where backed-up keys are restored,
        /// proved and destroyed again within the ceremony.
        case recoveryDrill
    }

    /// A short name unique in the plan, such as `root-a`; used in steps and the transcript.
    package var name: String
    /// The person who inserts the token and types its PIN; one key per holder.
    package var holder: String
    /// The token to use, or nil when the site profile supplies it (or, for a key leaving
    /// the root, when it does not come to the ceremony).
    package var token: TokenSelector?
    package var source: Source
    /// Where the key's entry starts in the plan, for findings about it.
    package var location: SourceLocation
    /// Where each of the entry's fields (`name`, `holder`, `token`, …) was written.
    package var fieldLocations: [String: SourceLocation]
    /// `backup: true`: the key is generated extractable only for wrapping, wrapped under the
    /// ceremony's backup key, and that key split into SLIP-39 shares.
    package var backup = false

    package init(name: String, holder: String, token: TokenSelector?, source: Source,
                location: SourceLocation = SourceLocation(line: 1, column: 1),
                fieldLocations: [String: SourceLocation] = [:]) {
        self.name = name
        self.holder = holder
        self.token = token
        self.source = source
        self.location = location
        self.fieldLocations = fieldLocations
    }

    /// Where `field` was written, or where the entry starts.
    package func location(of field: String) -> SourceLocation { fieldLocations[field] ?? location }

    package init(name: String, holder: String, token: TokenSelector?, algorithm: KeyAlgorithm,
                location: SourceLocation = SourceLocation(line: 1, column: 1)) {
        self.init(name: name, holder: holder, token: token, source: .generate(algorithm), location: location)
    }

    /// The algorithm to generate, or nil for a key that already exists.
    package var algorithm: KeyAlgorithm? {
        if case let .generate(algorithm) = source { return algorithm }
        return nil
    }

    /// The key ID in the current root, or nil for a key made in this ceremony.
    package var existingKeyID: String? {
        if case let .existing(keyID) = source { return keyID }
        return nil
    }
}
