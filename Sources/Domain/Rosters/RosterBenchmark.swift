import Replica
/// 排班基准 — a fixed 30-person, 5-post campus month (March 2026, standard shifts), for
/// `meshdesk bench roster`. Not a test: it reports, it asserts nothing about time.
public enum RosterBenchmark {
    public static let seed: UInt64 = 20_260_301
    public static let peopleCount = 30

    /// The request the benchmark solves; also used by the fairness test.
    /// Person i holds posts i mod 5 and (i + 1) mod 5, so every post has 12 people
    /// and every person is eligible for the same number of slots.
    public static func request(peopleCount: Int = peopleCount) -> RosterRequest {
        let posts = Post.defaults
        let people = (0..<peopleCount).map { index in
            let held = [posts[index % posts.count], posts[(index + 1) % posts.count]]
            return Person(id: PersonID("p\(LocalDate.pad(index, 2))"), name: "工程师\(index)", campus: "E",
                          posts: Set(held.map(\.id)), skills: held.reduce(into: Set<Skill>()) { $0.formUnion($1.requiredSkills) })
        }
        guard let month = LocalMonth(year: 2026, month: 3) else { preconditionFailure("2026-03 is a month") }
        return RosterRequest(policy: CampusRosterPolicy(campus: "E"), month: month, calendar: HolidayCalendar(), people: people)
    }

    /// Generates the benchmark month once; returns elapsed milliseconds (monotonic clock —
    /// a measurement, not an input to the roster) and the night-shift spread.
    public static func run() -> (millis: Int, nightSpread: Int) {
        let request = request()
        var rng = SplitMix64(seed: seed)
        let clock = ContinuousClock()
        var result: RosterResult?
        let elapsed = clock.measure {
            result = RosterGenerator().generate(request, using: &rng)
        }
        let millis = Int(elapsed.components.seconds * 1000) + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        return (millis, result?.fairness.worstSpread.nightShifts ?? -1)
    }
}
