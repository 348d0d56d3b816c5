/// python-tuf's ngclient search for one target through the delegations, reduced to
/// which roles it visits.
///
/// The search is a pre-order depth-first walk from `targets` over the delegations that
/// cover the path, in their listed order. When a covering delegation is `terminating`,
/// the roles listed after it and every role still waiting on the stack are dropped, and
/// the walk visits at most 32 roles (`max_delegations`). A target listed in a role the
/// walk does not reach is never served from that role, however well it is signed.
enum DelegationWalk {
    /// python-tuf's default `UpdaterConfig.max_delegations`.
    static let maximumVisits = 32

    /// Whether the walk for `targetPath` reaches `role`, supposing no earlier role lists
    /// the target (an earlier listing only takes priority; it is not an error).
    ///
    /// - Parameter roles: the targets metadata of each role by name, `targets` included.
    static func reaches(_ role: String, for targetPath: String, roles: [String: TargetsMetadata]) -> Bool {
        var stack: [(name: String, parent: String)] = [("targets", "root")]
        var visited = Set<[String]>()
        var budget = maximumVisits
        while budget > 0, let (name, parent) = stack.popLast() {
            if isSameText(name, role) { return true }
            guard visited.insert([name, parent]).inserted else { continue }
            budget -= 1
            guard let children = roles[name]?.delegations?.roles else { continue }
            var next: [(name: String, parent: String)] = []
            for child in children where child.delegates(targetPath, dialect: .tuf) {
                next.append((child.name, name))
                if child.terminating == true {
                    stack.removeAll()
                    break
                }
            }
            stack += next.reversed()
        }
        return false
    }
}
