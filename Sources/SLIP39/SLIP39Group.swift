/// One group of a SLIP-0039 split: `memberThreshold` of its `memberCount` shares recover the group
/// share. Both are 1–16, the threshold at most the count, and a threshold of 1 only with one
/// member (SLIP-0039, "Generating the shares", and its note on 1-of-N groups).
public struct SLIP39Group: Sendable, Equatable {
    public var memberThreshold: Int
    public var memberCount: Int
    public init(memberThreshold: Int, memberCount: Int) {
        self.memberThreshold = memberThreshold
        self.memberCount = memberCount
    }
}
