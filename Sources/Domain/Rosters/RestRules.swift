/// 休息规则 — the hard rules between two shifts of the same person.
public struct RestRules: Hashable, Codable, Sendable {
    /// 最短休息时间 — minutes between the end of one shift and the start of the next.
    public var minimumRestMinutes: Int
    /// 夜班后休息 — after a night that ends on the morning of day E, no day (non-night)
    /// shift may start on E or the following `restDaysAfterNight − 1` days. Another night
    /// may follow (a night block); the rest day comes after the block. 0 turns it off.
    public var restDaysAfterNight: Int
    /// 每日班次上限 — shifts per person per duty date.
    public var shiftsPerDayMax: Int

    /// Upper bounds of each rule: two days of rest, a week off after nights, three shifts a day.
    public static let minimumRestMinutesMax = 48 * 60
    public static let restDaysAfterNightMax = 7
    public static let shiftsPerDayMaxLimit = 3

    /// The rules as stored, each pinned into its bound: a campus row comes from a peer
    /// and must not trip the initialiser's precondition (the row is listed by `StoredBounds`).
    public static func clamped(minimumRestMinutes: Int, restDaysAfterNight: Int, shiftsPerDayMax: Int) -> RestRules {
        RestRules(minimumRestMinutes: min(max(minimumRestMinutes, 0), minimumRestMinutesMax),
                  restDaysAfterNight: min(max(restDaysAfterNight, 0), restDaysAfterNightMax),
                  shiftsPerDayMax: min(max(shiftsPerDayMax, 1), shiftsPerDayMaxLimit))
    }

    /// nil when every rule is inside its bound, else the reason (for a command to refuse).
    public var outOfBounds: String? {
        if !(0...Self.minimumRestMinutesMax).contains(minimumRestMinutes) { return "minimum rest \(minimumRestMinutes) min is outside 0…\(Self.minimumRestMinutesMax)" }
        if !(0...Self.restDaysAfterNightMax).contains(restDaysAfterNight) { return "rest days after night \(restDaysAfterNight) is outside 0…\(Self.restDaysAfterNightMax)" }
        if !(1...Self.shiftsPerDayMaxLimit).contains(shiftsPerDayMax) { return "shifts per day \(shiftsPerDayMax) is outside 1…\(Self.shiftsPerDayMaxLimit)" }
        return nil
    }

    public init(minimumRestMinutes: Int = 11 * 60, restDaysAfterNight: Int = 1, shiftsPerDayMax: Int = 1) {
        precondition(minimumRestMinutes >= 0 && restDaysAfterNight >= 0 && shiftsPerDayMax >= 1)
        self.minimumRestMinutes = minimumRestMinutes
        self.restDaysAfterNight = restDaysAfterNight
        self.shiftsPerDayMax = shiftsPerDayMax
    }

    public static let standard = RestRules()

    /// Which rule, if any, forbids one person working both shifts. Order-independent.
    /// The daily count is not pairwise (see `shiftsPerDayMax`) and is checked by callers.
    public func conflict(_ a: ShiftInterval, _ b: ShiftInterval) -> PairConflict? {
        if a.overlaps(b) { return .overlap }
        let (first, second) = a.start <= b.start ? (a, b) : (b, a)
        let gap = second.start.minutesSinceEpoch - first.end.minutesSinceEpoch
        if gap < minimumRestMinutes { return .restTooShort(gapMinutes: gap) }
        if first.isNight && !second.isNight && restDaysAfterNight > 0 {
            let daysAfterNightEnds = first.end.date.days(to: second.start.date)
            if daysAfterNightEnds < restDaysAfterNight { return .noRestDayAfterNight }
        }
        return nil
    }

    /// A reason two shifts cannot both be worked by one person.
    public enum PairConflict: Hashable, Sendable {
        case overlap
        case restTooShort(gapMinutes: Int)
        case noRestDayAfterNight
    }
}
