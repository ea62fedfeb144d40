/// 班次模板 — a kind of shift: when it starts and ends relative to its duty date,
/// which kinds of day it is worked on, and whether it counts as a night.
///
/// Times are offsets in minutes from 00:00 of the duty date (值班日期), so a shift may
/// cross midnight or even start after it: the second half of the weekday night
/// (后夜班) belongs to the evening's duty date but starts at 01:00 the next morning
/// (`startMinute` 25 × 60). Weekend and holiday counts come from the duty date's
/// `DayType`, not from the template, so one template can serve weekends and holidays.
public struct ShiftTemplate: Hashable, Codable, Sendable, Identifiable {
    /// An unpaid pause inside a shift (午休 — lunch), as offsets like the shift's own.
    public struct Break: Hashable, Codable, Sendable {
        public let startMinute: Int
        public let endMinute: Int

        public init(startMinute: Int, endMinute: Int) {
            precondition(startMinute < endMinute, "break ends before it starts")
            self.startMinute = startMinute
            self.endMinute = endMinute
        }
    }

    /// A shift longer than a day is a data-entry error; so is one starting two days late.
    public static let durationMinutesMax = 24 * 60
    public static let startMinuteMax = 2 * 24 * 60 - 1

    public let id: ShiftKindID
    public var nameChinese: String
    public var nameEnglish: String
    public var startMinute: Int
    public var durationMinutes: Int
    public var breaks: [Break]
    /// The kinds of duty date this shift is worked on.
    public var dayTypes: Set<DayType>
    /// 夜班 — counted for night fairness, and followed by a rest day.
    public var isNight: Bool

    public init(id: ShiftKindID, nameChinese: String, nameEnglish: String, startMinute: Int, durationMinutes: Int,
                breaks: [Break] = [], dayTypes: Set<DayType>, isNight: Bool) {
        precondition((0...Self.startMinuteMax).contains(startMinute), "shift \(id) starts out of range: \(startMinute)")
        precondition((1...Self.durationMinutesMax).contains(durationMinutes), "shift \(id) duration out of range")
        for pause in breaks {
            precondition(pause.startMinute >= startMinute && pause.endMinute <= startMinute + durationMinutes,
                         "break outside shift \(id)")
        }
        self.id = id
        self.nameChinese = nameChinese
        self.nameEnglish = nameEnglish
        self.startMinute = startMinute
        self.durationMinutes = durationMinutes
        self.breaks = breaks
        self.dayTypes = dayTypes
        self.isNight = isNight
    }

    /// Paid minutes: the span minus breaks. Fairness counts these hours.
    public var workedMinutes: Int {
        durationMinutes - breaks.reduce(0) { $0 + ($1.endMinute - $1.startMinute) }
    }

    /// The shift as worked on a given duty date.
    public func interval(on date: LocalDate) -> ShiftInterval {
        let start = LocalDateTime(date: date, minuteOfDay: startMinute)
        return ShiftInterval(dutyDate: date, start: start, end: start.adding(minutes: durationMinutes), isNight: isNight)
    }

    /// `08:00–17:00`
    public var clockRange: String {
        let start = LocalDateTime(minutesSinceEpoch: startMinute)
        let end = LocalDateTime(minutesSinceEpoch: startMinute + durationMinutes)
        return "\(start.clock)–\(end.clock)"
    }

    // MARK: - The regulation's shifts (值班制度 四、五)

    private static let hour = 60

    /// 白班 — weekday office hours 08:00–17:00 with lunch 12:00–13:00 (8 h worked).
    public static let weekdayDay = ShiftTemplate(
        id: "weekday-day", nameChinese: "白班", nameEnglish: "Day", startMinute: 8 * hour, durationMinutes: 9 * hour,
        breaks: [Break(startMinute: 12 * hour, endMinute: 13 * hour)], dayTypes: [.workday], isNight: false)

    /// 前夜班 — first half of the weekday night, 18:00–01:00 (7 h).
    ///
    /// The regulation asks for 18:00–08:00 in two shifts and calls each 8 h, which does
    /// not add up (14 h). We split at 01:00 into two equal 7 h halves so neither half is
    /// the "bad" one; a campus that prefers 18:00–24:00 / 00:00–08:00 edits the template.
    public static let nightFirst = ShiftTemplate(
        id: "night-1", nameChinese: "前夜班", nameEnglish: "Night (first half)", startMinute: 18 * hour,
        durationMinutes: 7 * hour, dayTypes: [.workday], isNight: true)

    /// 后夜班 — second half of the weekday night, 01:00–08:00 next morning (7 h).
    public static let nightSecond = ShiftTemplate(
        id: "night-2", nameChinese: "后夜班", nameEnglish: "Night (second half)", startMinute: 25 * hour,
        durationMinutes: 7 * hour, dayTypes: [.workday], isNight: true)

    /// 节假日白班 — 08:00–20:00 on weekends and holidays (12 h).
    public static let holidayDay = ShiftTemplate(
        id: "holiday-day", nameChinese: "节假日白班", nameEnglish: "Holiday day", startMinute: 8 * hour,
        durationMinutes: 12 * hour, dayTypes: [.weekend, .holiday], isNight: false)

    /// 节假日夜班 — 20:00–08:00 next morning on weekends and holidays (12 h).
    public static let holidayNight = ShiftTemplate(
        id: "holiday-night", nameChinese: "节假日夜班", nameEnglish: "Holiday night", startMinute: 20 * hour,
        durationMinutes: 12 * hour, dayTypes: [.weekend, .holiday], isNight: true)

    /// 早班 — optional three-shift weekday: 08:00–16:00.
    public static let threeShiftEarly = ShiftTemplate(
        id: "three-early", nameChinese: "早班", nameEnglish: "Early", startMinute: 8 * hour,
        durationMinutes: 8 * hour, dayTypes: [.workday], isNight: false)

    /// 中班 — optional three-shift weekday: 16:00–24:00. Not counted as a night: it ends
    /// at midnight and leaves the night's sleep intact.
    public static let threeShiftLate = ShiftTemplate(
        id: "three-late", nameChinese: "中班", nameEnglish: "Late", startMinute: 16 * hour,
        durationMinutes: 8 * hour, dayTypes: [.workday], isNight: false)

    /// 大夜班 — optional three-shift weekday: 00:00–08:00 after the duty date, so the
    /// three shifts of one duty date run 08:00 to 08:00 like the holiday pair.
    public static let threeShiftNight = ShiftTemplate(
        id: "three-night", nameChinese: "大夜班", nameEnglish: "Overnight", startMinute: 24 * hour,
        durationMinutes: 8 * hour, dayTypes: [.workday], isNight: true)

    /// Weekday day + two night halves; weekends and holidays 24 h as 12 h day/night.
    public static let standardSet: [ShiftTemplate] = [weekdayDay, nightFirst, nightSecond, holidayDay, holidayNight]

    /// Weekdays covered 24 h in three 8 h shifts; weekends and holidays as in `standardSet`.
    public static let threeShiftSet: [ShiftTemplate] = [threeShiftEarly, threeShiftLate, threeShiftNight, holidayDay, holidayNight]
}
