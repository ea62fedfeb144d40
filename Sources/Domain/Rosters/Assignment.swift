/// 排班 — one person on one slot. Rosters are sets of these; after replicas merge
/// concurrent edits a set may break rules, which `RosterRules.check` lists.
public struct Assignment: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let slot: SlotKey
    public let person: PersonID

    public init(slot: SlotKey, person: PersonID) {
        self.slot = slot
        self.person = person
    }

    public var description: String { "\(person)@\(slot)" }

    public static func < (lhs: Assignment, rhs: Assignment) -> Bool {
        (lhs.slot, lhs.person) < (rhs.slot, rhs.person)
    }
}
