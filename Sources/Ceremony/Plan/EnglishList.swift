/// Joins names the way they are said: "Alice", "Alice and Bob", "Alice, Bob and Carol"
/// (or "Alice, Bob or Carol" with `conjunction: "or"`).
enum EnglishList {
    static func join(_ items: [String], conjunction: String = "and") -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }
}
