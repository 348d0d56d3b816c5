/// How a client resolves one target path through the delegations: the role it takes the
/// target from, or why it gets nothing.
///
/// TUF follows python-tuf 7.0.1's `Updater.get_targetinfo` (which raises when a role on
/// the search fails to load); Notary follows notary 0.7.0's `GetTargetByName` walk.
public struct TargetResolution: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        /// The client takes the target from this role.
        case found(role: String)
        /// The search ends without it (`get_targetinfo` returns `None`).
        case notFound
        /// The search stops with an error at `role` (delegated by `delegator`): the client
        /// cannot resolve the target.
        case failed(role: String, delegator: String, reason: String)
    }

    public var path: String
    public var outcome: Outcome

    public var role: String? {
        if case .found(let role) = outcome { return role }
        return nil
    }

    /// The resolution as JSON for `verify --json`: `{path, resolved, role, error}`.
    public var json: JSONValue {
        var object = JSONObject()
        object["path"] = .string(path)
        object["resolved"] = .bool(role != nil)
        object["role"] = role.map(JSONValue.string) ?? .null
        if case .failed(let role, let delegator, let reason) = outcome {
            object["error"] = .string("\(role) (delegated by \(delegator)): \(reason)")
        } else {
            object["error"] = .null
        }
        return .object(object)
    }
}
