import PKCS11
/// The root role as the plan describes it: who holds which key, and how many
/// of them must sign.
public struct RootRole: Sendable, Equatable {
    /// How many root keys must sign root metadata; 1 ... `keys.count`.
    public var threshold: Int
    /// The keys in plan order; steps follow this order.
    public var keys: [RootKey]

    public init(threshold: Int, keys: [RootKey]) {
        self.threshold = threshold
        self.keys = keys
    }
}

/// One root key: a name, the person who holds its token, and the algorithm.
public struct RootKey: Sendable, Equatable {
    /// A short name unique in the plan, such as `root-a`; used in steps and the transcript.
    public var name: String
    /// The person who inserts the token and types its PIN; one key per holder.
    public var holder: String
    /// The token to use, or nil when the site profile supplies it.
    public var token: TokenSelector?
    public var algorithm: KeyAlgorithm
    /// Where the key's entry starts in the plan, for findings about it.
    public var location: SourceLocation

    public init(name: String, holder: String, token: TokenSelector?, algorithm: KeyAlgorithm,
                location: SourceLocation = SourceLocation(line: 1, column: 1)) {
        self.name = name
        self.holder = holder
        self.token = token
        self.algorithm = algorithm
        self.location = location
    }
}
