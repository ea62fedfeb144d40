/// 值班表 — a campus's month: every slot, who holds it, and which could not be filled.
public struct Roster: Hashable, Codable, Sendable {
    public let campus: CampusCode
    public let month: LocalMonth
    public let slots: [Slot]
    /// Sorted by slot.
    public let assignments: [Assignment]

    public init(campus: CampusCode, month: LocalMonth, slots: [Slot], assignments: [Assignment]) {
        self.campus = campus
        self.month = month
        self.slots = slots
        self.assignments = assignments.sorted()
    }

    public func assignments(of person: PersonID) -> [Assignment] {
        assignments.filter { $0.person == person }
    }

    public func assignments(on post: PostID) -> [Assignment] {
        assignments.filter { $0.slot.post == post }
    }

    public var unfilledSlots: [SlotKey] {
        let filled = Set(assignments.map(\.slot))
        return slots.map(\.key).filter { !filled.contains($0) }
    }
}
