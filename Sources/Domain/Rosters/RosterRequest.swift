/// Everything the generator needs for one campus and one month. Pure data: the caller
/// loads people, approved leave and the holiday calendar; the generator reads nothing.
public struct RosterRequest: Hashable, Sendable {
    public var policy: CampusRosterPolicy
    public var month: LocalMonth
    public var calendar: HolidayCalendar
    /// People of any campus may be passed; only the policy's campus is rostered.
    public var people: [Person]
    /// Approved leave only.
    public var leave: [Leave]

    public init(policy: CampusRosterPolicy, month: LocalMonth, calendar: HolidayCalendar, people: [Person], leave: [Leave] = []) {
        self.policy = policy
        self.month = month
        self.calendar = calendar
        self.people = people
        self.leave = leave
    }
}

/// A generated roster with its fairness figures and the slots it could not fill.
public struct RosterResult: Hashable, Sendable {
    public let roster: Roster
    public let fairness: FairnessReport
    public let unfilled: [UnfilledSlot]
    /// Local-search moves and swaps that were applied (for the benchmark and tuning).
    public let improvementsApplied: Int
}
