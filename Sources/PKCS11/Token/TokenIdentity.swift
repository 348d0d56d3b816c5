/// Who a token is: what a plan pins and what every message names.
public struct TokenIdentity: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public let label: String
    public let serial: String
    public let manufacturer: String
    public let model: String

    public init(label: String, serial: String, manufacturer: String, model: String) {
        self.label = label
        self.serial = serial
        self.manufacturer = manufacturer
        self.model = model
    }

    /// `'root-b' (serial 5c1e…)`, the form every message uses.
    public var description: String { "'\(label)' (serial \(serial))" }
}
