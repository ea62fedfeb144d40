import ArgumentParser
import Domain
import Foundation
import GRDB
import Logging
import Node
import Security
import Storage

/// `meshdesk bench domain` — tickets on three campuses' replicas (files, WAL,
/// synchronous=FULL): open 10,000 tickets one command each (latency p50/p99), merge the
/// three replicas, query the open-ticket report; then fill the replica to 100,000
/// tickets (closed history) and query the report again.
struct BenchDomain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "domain",
                                                    abstract: "Open 10,000 tickets on 3 campuses, merge, and time the open-ticket report at 10k and 100k tickets.")
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Tickets opened one command each.") var opens = 10_000
    @Option(help: "Tickets in the replica for the report figure.") var total = 100_000
    @Option(help: "Holiday calendar file (default: the shipped 2026 schedule).") var calendar: String?
    @Option(help: "Scratch directory (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-bench-domain").path

    struct Figures: Encodable {
        let campuses: Int
        let tickets_opened: Int
        let open_p50_ms: Double
        let open_p99_ms: Double
        let open_per_s: Double
        let merge_s: Double
        let open_report_ms_at_10k: Double
        let tickets_total: Int
        let open_tickets_at_100k: Int
        let open_report_ms_at_100k: Double
        let target_open_report_ms: Double
    }

    static let historyBatch = 1_000
    static let reportRuns = 5

    func run() throws {
        let text: String
        if let calendar {
            do { text = try String(contentsOfFile: calendar, encoding: .utf8) } catch { throw ValidationError("cannot read calendar \(calendar)") }
        } else {
            guard let shipped = BundledCalendars.text(year: 2026) else { throw ValidationError("no shipped calendar: pass --calendar PATH") }
            text = shipped
        }
        let root = URL(fileURLWithPath: scratch)
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var logger = Logger(label: "meshdesk.bench")
        logger.logLevel = .error
        let identities = try (1...3).map { try SigningIdentity(seed: [UInt8](repeating: UInt8($0), count: 32)) }
        let ring = KeyRing(identities.map(\.publicKey))
        let nodes = try identities.enumerated().map { n, identity in
            Department(store: try ReplicaStore.open(path: root.appendingPathComponent("campus\(n).sqlite").path, schema: NodeSchema.current,
                                                    signer: identity, verifier: ring, hasher: Blake2b(), clock: SystemClock(), logger: logger))
        }
        let campuses: [CampusCode] = ["MAIN", "EAST", "WEST"]
        // A working day at 10:00; everyone on the demo roster.
        let now = LocalDateTime(date: LocalDate(year: 2026, month: 3, day: 10)!, minuteOfDay: 10 * 60)
        progress("seeding the three campuses (demo data) …")
        _ = try refusing { try DemoDepartment.fill(nodes[0], now: now, calendarText: text, seed: 2026) }
        try exchange(nodes)

        progress("opening \(opens) tickets, one command each …")
        var latencies: [Double] = []
        latencies.reserveCapacity(opens)
        let clock = ContinuousClock()
        let started = clock.now
        for i in 0..<opens {
            let c = i % 3
            let intake = Self.intake(campus: campuses[c], i)
            let acting = Acting(PersonID("\(campuses[c].rawValue.prefix(1))0004"), at: now.adding(minutes: i / 100))
            let t0 = clock.now
            _ = try refusing { try nodes[c].openTicket(intake, by: acting) }
            latencies.append(Self.millis(clock.now - t0))
        }
        let openSeconds = Self.millis(clock.now - started) / 1_000
        progress("merging …")
        let mergeStart = clock.now
        try exchange(nodes)
        let mergeSeconds = Self.millis(clock.now - mergeStart) / 1_000
        let reportAt = now.adding(minutes: opens / 100 + 30)
        let at10k = try timeReport(nodes[0], at: reportAt)

        let existing = try nodes[0].store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(ReplicaQueries.tableName(DomainSchema.ticket))") } ?? 0
        let history = max(0, total - existing)
        progress("recording \(history) closed tickets of history …")
        var written = 0
        var batch = 0
        while written < history {
            let c = batch % 3
            let count = min(Self.historyBatch, history - written)
            let intakes = (0..<count).map { Self.intake(campus: campuses[c], written + $0) }
            let acting = Acting(PersonID("\(campuses[c].rawValue.prefix(1))0101"), at: now.adding(minutes: -(batch + 1) * 240))
            _ = try refusing { try nodes[c].recordClosedTickets(intakes, minutesToResolve: 90, rootCause: "历史工单", improvement: "迁移导入", by: acting) }
            written += count
            batch += 1
        }
        try exchange(nodes)
        let at100k = try timeReport(nodes[0], at: reportAt)
        let sorted = latencies.sorted()
        let figures = Figures(
            campuses: 3, tickets_opened: opens, open_p50_ms: Self.percentile(sorted, 0.50), open_p99_ms: Self.percentile(sorted, 0.99),
            open_per_s: Double(opens) / openSeconds, merge_s: mergeSeconds, open_report_ms_at_10k: at10k.ms,
            tickets_total: existing + history, open_tickets_at_100k: at100k.open, open_report_ms_at_100k: at100k.ms, target_open_report_ms: 50)
        if json {
            print(try jsonString(figures))
        } else {
            print("""
                figure                    value
                open_p50_ms               \(fmt(figures.open_p50_ms, 2))
                open_p99_ms               \(fmt(figures.open_p99_ms, 2))
                open_per_s                \(fmt(figures.open_per_s))
                merge_s                   \(fmt(figures.merge_s, 2))   (each replica takes the other two's \(opens * 2 / 3) tickets)
                open_report_ms_at_10k     \(fmt(figures.open_report_ms_at_10k, 1))
                open_report_ms_at_100k    \(fmt(figures.open_report_ms_at_100k, 1))   (\(figures.tickets_total) tickets, \(figures.open_tickets_at_100k) open; target ≤ 50)
                """)
        }
    }

    func progress(_ text: String) {
        if !json { print("… \(text)") }
    }

    func exchange(_ nodes: [Department]) throws {
        for a in nodes {
            for b in nodes where a.store.site != b.store.site {
                // Chunks as anti-entropy would stream them, until b holds all a has.
                while true {
                    let missing = try a.store.batches(after: b.store.versionVector())
                    if missing.isEmpty { break }
                    for start in stride(from: 0, to: missing.count, by: ReplicaStore.intakeChunkBatchesMax) {
                        let chunk = Array(missing[start..<min(missing.count, start + ReplicaStore.intakeChunkBatchesMax)])
                        for result in b.store.receive(chunk) { _ = try result.get() }
                    }
                }
            }
        }
    }

    /// The best of a few runs (the first warms SQLite's page cache), and the open count.
    func timeReport(_ d: Department, at: LocalDateTime) throws -> (ms: Double, open: Int) {
        let clock = ContinuousClock()
        var best = Double.infinity
        var open = 0
        for _ in 0..<Self.reportRuns {
            let t0 = clock.now
            let report = try refusing { try d.openTicketReport(at: at) }
            best = min(best, Self.millis(clock.now - t0))
            open = report.open
        }
        return (best, open)
    }

    static func intake(campus: CampusCode, _ i: Int) -> TicketIntake {
        let categories = TicketCategory.allCases
        return TicketIntake(campus: campus, reporter: "护士站 \(i % 40)", contactPhone: "8\(i % 1_000)", department: "科室\(i % 25)",
                            location: "\(1 + i % 8)F", category: categories[i % categories.count], description: "基准工单 \(i)",
                            urgency: Urgency.allCases[i % 3], impact: Impact.allCases[(i / 3) % 3])
    }

    static func millis(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1_000 + Double(d.components.attoseconds) / 1e15
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
}
