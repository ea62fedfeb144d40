/// One shift placed in time: `[start, end)` in local minutes, with its duty date.
public struct ShiftInterval: Hashable, Codable, Sendable {
    /// 值班日期 — the date the shift belongs to on the roster (a night belongs to its evening).
    public let dutyDate: LocalDate
    public let start: LocalDateTime
    public let end: LocalDateTime
    public let isNight: Bool

    public init(dutyDate: LocalDate, start: LocalDateTime, end: LocalDateTime, isNight: Bool) {
        precondition(start < end, "empty shift interval")
        self.dutyDate = dutyDate
        self.start = start
        self.end = end
        self.isNight = isNight
    }

    public func overlaps(_ other: ShiftInterval) -> Bool {
        start < other.end && other.start < end
    }
}
