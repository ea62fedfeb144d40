/// 缺岗说明 — a slot nobody could take, and which rule ruled out each candidate.
public struct UnfilledSlot: Hashable, Sendable, CustomStringConvertible {
    public struct Count: Hashable, Sendable {
        public let exclusion: Exclusion
        public let people: Int
    }

    public let slot: SlotKey
    /// One entry per rule, most people first; every person of the campus is counted once,
    /// under the first rule that excludes them.
    public let excluded: [Count]
    /// "3 on leave, 2 lack skill 网络安全, 4 would break 11 h rest"
    public let summary: String

    public var description: String { "\(slot): \(summary)" }
}
