import ArgumentParser
import Domain

/// `meshdesk bench roster` — RosterBenchmark: 30 people, 5 posts, a month.
struct BenchRoster: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roster",
                                                    abstract: "Generate the 30-person, 5-post benchmark month (target ≤ 2 s, night spread ≤ 1).")
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let (millis, spread) = RosterBenchmark.run()
        struct Figures: Encodable {
            let people: Int, posts: Int, generate_ms: Int, night_spread: Int, target_ms: Int, target_night_spread: Int
        }
        let figures = Figures(people: RosterBenchmark.peopleCount, posts: Post.defaults.count, generate_ms: millis, night_spread: spread,
                              target_ms: 2_000, target_night_spread: 1)
        print(json ? try jsonString(figures) : "roster month: \(millis) ms (target ≤ 2000), night spread \(spread) (target ≤ 1)")
    }
}
