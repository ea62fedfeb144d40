/// 班位 — one seat to fill: a date, a post, a shift kind, and a seat number when a
/// shift needs more than one person. It names the slot; it does not say who holds it.
public struct SlotKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let date: LocalDate
    public let post: PostID
    public let shiftKind: ShiftKindID
    public let seat: Int

    public init(date: LocalDate, post: PostID, shiftKind: ShiftKindID, seat: Int = 0) {
        self.date = date
        self.post = post
        self.shiftKind = shiftKind
        self.seat = seat
    }

    public var description: String { "\(date) \(post) \(shiftKind)#\(seat)" }

    public static func < (lhs: SlotKey, rhs: SlotKey) -> Bool {
        (lhs.date, lhs.post, lhs.shiftKind, lhs.seat) < (rhs.date, rhs.post, rhs.shiftKind, rhs.seat)
    }
}

/// A slot resolved against the policy and calendar: when it is and what it counts as.
public struct Slot: Hashable, Codable, Sendable {
    public let key: SlotKey
    public let interval: ShiftInterval
    public let dayType: DayType
    public let workedMinutes: Int

    public init(key: SlotKey, interval: ShiftInterval, dayType: DayType, workedMinutes: Int) {
        self.key = key
        self.interval = interval
        self.dayType = dayType
        self.workedMinutes = workedMinutes
    }

    public var isNight: Bool { interval.isNight }
}
