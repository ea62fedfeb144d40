/// 排班生成 — builds a campus's monthly roster.
///
/// 1. Slots: every date × post × shift kind the policy covers on that day type.
/// 2. Construction: most-constrained slot first (fewest people who could still take
///    it, earliest start on ties); the slot goes to the feasible person whose fairness
///    cost rises least, with a seeded jitter far below one unit to break exact ties.
/// 3. Repair: an unfilled slot is offered to each eligible person; if exactly one held
///    shift blocks them, that shift is handed to a third person when that is legal.
/// 4. Improvement: bounded local search over moves (slot to another person) and swaps
///    (two people exchange slots) that keep every hard rule and lower the cost.
/// 5. Repair again, then explain every slot still open.
///
/// The fairness cost is Σ_person Σ_kind w_kind · x² / a, where x counts nights, weekend
/// shifts, holiday shifts and worked hours (in 8 h units) and a is the share of the
/// month the person is not on leave. For a fixed total, Σ x²/a is smallest when each x
/// is proportional to a — equal load for equal availability — and any move from a
/// person with two more nights than an equally available colleague lowers it.
/// Broken preferences add a flat penalty each.
public struct RosterGenerator: Sendable {
    public struct Tuning: Hashable, Sendable {
        public var localSearchIterationsMax = 150_000
        /// Stop early after this many iterations without an improvement.
        public var stagnationIterationsMax = 30_000
        public var repairAttemptsMax = 5_000
        public var nightWeight = 3.0
        public var weekendWeight = 2.0
        public var holidayWeight = 2.0
        public var hoursWeight = 1.0
        /// Per broken preference; about the marginal cost of a ninth night, so a wish
        /// is kept unless keeping it would skew the load by more than a shift or so.
        public var preferenceWeight = 50.0

        public init() {}
    }

    public static let peopleMax = 1_000
    public static let slotsMax = 20_000

    public let tuning: Tuning

    public init(tuning: Tuning = Tuning()) {
        self.tuning = tuning
    }

    public func generate<G: RandomNumberGenerator>(_ request: RosterRequest, using rng: inout G) -> RosterResult {
        var search = RosterSearch(request: request, tuning: tuning)
        search.construct(using: &rng)
        search.repair()
        let improvements = search.improve(using: &rng)
        search.repair()
        let roster = Roster(campus: request.policy.campus, month: request.month, slots: search.slots,
                            assignments: search.assignments)
        let fairness = FairnessReport.measure(roster, people: request.people, leave: request.leave, policy: request.policy)
        return RosterResult(roster: roster, fairness: fairness, unfilled: search.explainUnfilled(),
                            improvementsApplied: improvements)
    }
}
