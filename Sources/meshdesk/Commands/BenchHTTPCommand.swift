import ArgumentParser
import Domain
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Node
import Security
import Server
import ServiceLifecycle
import Storage

/// `meshdesk bench http` — the dashboard, the open-tickets API, the roster and the assets
/// pages of one replica holding 3 campuses × 30,000 tickets, served on loopback to 50
/// concurrent keep-alive clients while tickets are written (`BenchWriteStream`: local
/// steps at MAIN and a second replica's batches from EAST) and 200 event streams listen.
/// A trivial endpoint (`/api/changes`: the session check and one read of the version
/// vector) is measured in the same run, interleaved with the pages, and each p99 is also
/// given as a ratio to it, since the machine is shared.
struct BenchHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "http",
                                                    abstract: "Dashboard and open-tickets API latency (p50/p99) under 50 concurrent clients on loopback.")
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Tickets per campus (3 campuses).") var ticketsPerCampus = 30_000
    @Option(help: "Of those, tickets left open per campus (the rest are closed history).") var openPerCampus = 1_000
    @Option(help: "Concurrent clients (keep-alive connections).") var clients = 50
    @Option(help: "Requests each client sends (round-robin over the three paths).") var requestsPerClient = 60
    @Option(help: "Stop sending after this many seconds, whatever is left.") var seconds = 120
    @Option(help: "Dashboard page.") var dashboardPath = "/"
    @Option(help: "Open-tickets API.") var ticketsPath = "/api/tickets?open=true"
    @Option(help: "Baseline endpoint.") var baselinePath = "/api/changes"
    @Option(help: "Roster page.") var rosterPath = "/roster"
    @Option(help: "Assets page.") var assetsPath = "/assets"
    @Option(help: "Batches written per second during the run, alternating local and from a second replica (0: none).")
    var writesPerSecond = 8.0
    @Option(help: "Event streams (/api/events) held open during the run (0: none).") var eventStreams = 200
    @Option(help: "Scratch directory (deleted afterwards).")
    var scratch = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-bench-http").path

    /// Tickets written per batch while filling the replica.
    static let fillBatch = 1_000
    static let targetP99Millis = 100.0
    static let baselineTargetP99Millis = 10.0
    static let eventTargetP99Millis = 200.0
    /// Streams the server lets one session hold (`ChangeFeed.Limits.streamsPerSessionMax`).
    static let streamsPerSession = 8

    struct Figures: Encodable {
        let campuses: Int
        let tickets_total: Int
        let tickets_open: Int
        let fill_s: Double
        let clients: Int
        let requests: [String: Int]
        let non_200: [String: [String: Int]]
        let failures: [String: Int]
        let dashboard_p50_ms: Double?
        let dashboard_p99_ms: Double?
        let tickets_api_p50_ms: Double?
        let tickets_api_p99_ms: Double?
        let baseline_p50_ms: Double?
        let baseline_p99_ms: Double?
        let dashboard_p99_over_baseline: Double?
        let tickets_api_p99_over_baseline: Double?
        let roster_p50_ms: Double?
        let roster_p99_ms: Double?
        let assets_p50_ms: Double?
        let assets_p99_ms: Double?
        let dashboard_bytes: Int
        let tickets_api_bytes: Int
        let throughput_rps: Double
        let load_s: Double
        let writes_local_batches: Int
        let writes_remote_batches: Int
        let writes_batches_per_s: Double
        let writes_failed: Int
        let event_streams: Int
        let event_streams_answered: [String: Int]
        let events_p50_ms: Double?
        let events_p99_ms: Double?
        let events_missed: Int
        let events_expected: Int
        let target_p99_ms: Double
        let baseline_target_p99_ms: Double
        let events_target_p99_ms: Double
        let load_average: String
        let paths: [String: String]
    }

    /// The server reads this fixed moment: the tickets' SLA clocks and the sessions
    /// stay where the fill left them, however long the run takes.
    struct FixedClock: ServerClock {
        let moment: LocalDateTime
        func now() -> LocalDateTime { moment }
    }

    func validate() throws {
        guard (1...HTTPLoad.clientsMax).contains(clients) else { throw ValidationError("--clients: 1…\(HTTPLoad.clientsMax)") }
        guard ticketsPerCampus >= openPerCampus, openPerCampus >= 0, ticketsPerCampus <= 1_000_000 else {
            throw ValidationError("--tickets-per-campus ≥ --open-per-campus ≥ 0, at most 1,000,000")
        }
        guard requestsPerClient > 0, seconds > 0 else { throw ValidationError("--requests-per-client and --seconds must be positive") }
        guard writesPerSecond >= 0, writesPerSecond <= 1_000 else { throw ValidationError("--writes-per-second: 0…1000") }
        guard (0...HTTPEventStreams.streamsMax).contains(eventStreams) else { throw ValidationError("--event-streams: 0…\(HTTPEventStreams.streamsMax)") }
    }

    func run() async throws {
        let logger = makeLogger("meshdesk.bench", level: .error)
        guard let calendar = BundledCalendars.text(year: 2026) else { throw ValidationError("no shipped 2026 holiday calendar") }
        let root = URL(fileURLWithPath: scratch)
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        let directory = DataDirectory(path: root.path)
        let identity = try SigningIdentity(seed: [UInt8](repeating: 7, count: 32))
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current,
                                              keyRing: KeyRing([try BenchWriteStream.peerIdentity().publicKey]),
                                              clock: SystemClock(), logger: logger)
        let department = Department(store: store)
        let now = LocalDateTime(date: LocalDate(year: 2026, month: 3, day: 10)!, minuteOfDay: 10 * 60)
        let password = RandomToken.hex(bytes: 12)
        let fillStart = ContinuousClock.now
        progress("filling one replica: demo department, \(ticketsPerCampus) tickets on each of 3 campuses (\(openPerCampus) open) …")
        let (total, open, demoUpTo) = try fill(department, now: now, calendar: calendar, password: password)
        let fillSeconds = BenchDomain.millis(ContinuousClock.now - fillStart) / 1_000
        let writes = try BenchWriteStream(department: department, localKey: identity.publicKey, demoUpTo: demoUpTo, now: now.adding(minutes: 60),
                                          batchesPerSecond: max(writesPerSecond, 0.001), logger: logger)

        var configuration = ServerConfiguration(clock: FixedClock(moment: now.adding(minutes: 60)))
        configuration.passwordChangePeriodDays = nil
        // The benchmark signs in 26 sessions one after another from 127.0.0.1; the sign-in
        // throttle's global budget (4 a second) is for guessers, not for this.
        configuration.signInLimits.verificationsPerSecond = 1_000
        configuration.signInLimits.verificationsBurstMax = 1_000
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = try WebApplication.make(department: department, directory: directory, configuration: configuration,
                                          host: "127.0.0.1", port: 0, logger: logger) { port in portSink.yield(port) }
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let clientLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let figures: Figures
        do {
            figures = try await withThrowingTaskGroup(of: Figures?.self) { tasks in
                tasks.addTask { try await services.run(); return nil }
                tasks.addTask {
                    defer { Task { await services.triggerGracefulShutdown() } }
                    var iterator = ports.makeAsyncIterator()
                    guard let port = await iterator.next() else { throw ValidationError("the server did not start") }
                    return try await measure(port: port, password: password, group: clientLoops, total: total, open: open,
                                             fillSeconds: fillSeconds, writes: writes)
                }
                var result: Figures?
                for try await value in tasks { if let value { result = value } }
                guard let result else { throw ValidationError("no figures") }
                return result
            }
        } catch {
            try? await clientLoops.shutdownGracefully()
            throw error
        }
        try? await clientLoops.shutdownGracefully()
        report(figures)
    }

    /// The demo department (people, rosters, the administrator A0001 and an account),
    /// then each campus's tickets in batches of `fillBatch`: the open ones, then history.
    func fill(_ department: Department, now: LocalDateTime, calendar: String, password: String) throws -> (total: Int, open: Int, demoUpTo: UInt64) {
        _ = try refusing { try DemoDepartment.fill(department, now: now, calendarText: calendar, seed: 2026) }
        let hash = try AccountService.hash(password, hasher: PasswordHasher(), charactersMin: 8)
        try refusing { try department.createFirstAccount(username: "bench", person: "A0001", passwordHash: hash, at: now) }
        let demoUpTo = try department.store.versionVector()[try department.store.currentOrigin()]
        let campuses: [CampusCode] = ["MAIN", "EAST", "WEST"]
        for (c, campus) in campuses.enumerated() {
            var written = 0
            var batch = 0
            while written < ticketsPerCampus {
                let opening = written < openPerCampus
                let count = min(Self.fillBatch, (opening ? openPerCampus : ticketsPerCampus) - written)
                let intakes = (0..<count).map { BenchDomain.intake(campus: campus, c * ticketsPerCampus + written + $0) }
                let letter = campus.rawValue.prefix(1)
                if opening {
                    let acting = Acting(PersonID("\(letter)0004"), at: now.adding(minutes: -batch * 7))
                    _ = try refusing { try department.openTickets(intakes, by: acting) }
                } else {
                    let acting = Acting(PersonID("\(letter)0101"), at: now.adding(minutes: -(batch + 1) * 240))
                    _ = try refusing {
                        try department.recordClosedTickets(intakes, minutesToResolve: 90, rootCause: "历史工单", improvement: "迁移导入", by: acting)
                    }
                }
                written += count
                batch += 1
            }
            progress("  \(campus): \(ticketsPerCampus) tickets")
        }
        let open = try refusing { try department.openTicketReport(at: now).open }
        return (campuses.count * ticketsPerCampus, open, demoUpTo)
    }

    func measure(port: Int, password: String, group: any EventLoopGroup, total: Int, open: Int, fillSeconds: Double,
                 writes: BenchWriteStream) async throws -> Figures {
        var load = HTTPLoad(host: "127.0.0.1", port: port)
        let (status, cookie) = try await load.signIn(username: "bench", password: password, group: group)
        guard let cookie else { throw ValidationError("sign-in answered \(status) without a session cookie") }
        load.cookie = cookie
        load.clients = clients
        load.requestsPerClient = requestsPerClient
        load.deadline = .seconds(seconds)
        let targets = [HTTPLoad.Target(name: "baseline", path: baselinePath), HTTPLoad.Target(name: "dashboard", path: dashboardPath),
                       HTTPLoad.Target(name: "tickets_api", path: ticketsPath), HTTPLoad.Target(name: "roster", path: rosterPath),
                       HTTPLoad.Target(name: "assets", path: assetsPath)]
        // Warm-up: one client, each path twice (SQLite's page cache, first-use allocations).
        var warm = load
        warm.clients = 1
        warm.requestsPerClient = targets.count * 2
        _ = try await warm.run(targets, group: group)

        // The listeners: as many sessions as the per-session bound needs.
        let streams = eventStreams > 0 ? HTTPEventStreams(count: eventStreams) : nil
        if let streams {
            var cookies: [String] = []
            for _ in 0..<((eventStreams + Self.streamsPerSession - 1) / Self.streamsPerSession) {
                let (status, listener) = try await load.signIn(username: "bench", password: password, group: group)
                guard let listener else { throw ValidationError("sign-in for the event streams answered \(status)") }
                cookies.append(listener)
            }
            progress("\(eventStreams) event streams on \(cookies.count) sessions …")
            try await streams.open(host: "127.0.0.1", port: port, path: "/api/events", cookies: cookies, group: group)
            try await Task.sleep(for: .milliseconds(500))
        }
        progress("\(clients) clients × \(requestsPerClient) requests on 127.0.0.1:\(port), \(fmt(writesPerSecond, 1)) batches/s written …")
        let loadStart = ContinuousClock.now
        let writing = Task { if writesPerSecond > 0 { try await writes.run(until: loadStart + .seconds(seconds)) } }
        let samples = try await load.run(targets, group: group)
        let loadSeconds = BenchDomain.millis(ContinuousClock.now - loadStart) / 1_000
        writing.cancel()
        _ = await writing.result
        // The last commits' events are still on their way.
        try await Task.sleep(for: .seconds(1))
        streams?.close()
        let written = writes.result
        let (eventMillis, missed, expected) = Self.commitToEvent(written.committedAt, streams?.received ?? [])

        func p(_ name: String, _ q: Double) -> Double? { samples[name]?.percentile(q) }
        func ratio(_ name: String) -> Double? {
            guard let a = p(name, 0.99), let b = p("baseline", 0.99), b > 0 else { return nil }
            return a / b
        }
        let names = targets.map(\.name)
        let requests = names.reduce(0) { $0 + (samples[$1]?.statuses.values.reduce(0, +) ?? 0) }
        return Figures(
            campuses: 3, tickets_total: total, tickets_open: open, fill_s: fillSeconds, clients: clients,
            requests: Dictionary(uniqueKeysWithValues: names.map { ($0, samples[$0]?.statuses.values.reduce(0, +) ?? 0) }),
            non_200: Dictionary(uniqueKeysWithValues: names.map { name in
                (name, Dictionary(uniqueKeysWithValues: (samples[name]?.statuses ?? [:]).filter { $0.key != 200 }.map { ("\($0.key)", $0.value) }))
            }),
            failures: Dictionary(uniqueKeysWithValues: names.map { ($0, samples[$0]?.failures ?? 0) }),
            dashboard_p50_ms: p("dashboard", 0.5), dashboard_p99_ms: p("dashboard", 0.99),
            tickets_api_p50_ms: p("tickets_api", 0.5), tickets_api_p99_ms: p("tickets_api", 0.99),
            baseline_p50_ms: p("baseline", 0.5), baseline_p99_ms: p("baseline", 0.99),
            dashboard_p99_over_baseline: ratio("dashboard"), tickets_api_p99_over_baseline: ratio("tickets_api"),
            roster_p50_ms: p("roster", 0.5), roster_p99_ms: p("roster", 0.99), assets_p50_ms: p("assets", 0.5), assets_p99_ms: p("assets", 0.99),
            dashboard_bytes: Self.meanBytes(samples["dashboard"]), tickets_api_bytes: Self.meanBytes(samples["tickets_api"]),
            throughput_rps: loadSeconds > 0 ? Double(requests) / loadSeconds : 0, load_s: loadSeconds,
            writes_local_batches: written.localBatches, writes_remote_batches: written.remoteBatches,
            writes_batches_per_s: written.seconds > 0 ? Double(written.localBatches + written.remoteBatches) / written.seconds : 0,
            writes_failed: written.failures, event_streams: eventStreams,
            event_streams_answered: Dictionary(uniqueKeysWithValues: (streams?.answered ?? [:]).map { ("\($0.key)", $0.value) }),
            events_p50_ms: Self.percentile(eventMillis, 0.5), events_p99_ms: Self.percentile(eventMillis, 0.99),
            events_missed: missed, events_expected: expected,
            target_p99_ms: Self.targetP99Millis, baseline_target_p99_ms: Self.baselineTargetP99Millis,
            events_target_p99_ms: Self.eventTargetP99Millis,
            load_average: Self.loadAverage(),
            paths: ["dashboard": dashboardPath, "tickets_api": ticketsPath, "baseline": baselinePath, "roster": rosterPath, "assets": assetsPath])
    }

    /// For every commit and every stream: the time from the commit's return to the first
    /// event of that stream whose batch count covers it (0 when the event came first:
    /// the watcher may read the vector before the writer does). A commit a stream never
    /// heard of is missed.
    static func commitToEvent(_ commits: [UInt64: ContinuousClock.Instant], _ streams: [[HTTPEventStreams.Arrival]])
        -> (millis: [Double], missed: Int, expected: Int) {
        var millis: [Double] = []
        var missed = 0
        for arrivals in streams {
            for (batches, at) in commits {
                guard let heard = arrivals.first(where: { $0.batches >= batches }) else { missed += 1; continue }
                millis.append(max(0, BenchDomain.millis(heard.at - at)))
            }
        }
        return (millis, missed, commits.count * streams.count)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    static func loadAverage() -> String {
        do {
            return try String(contentsOfFile: "/proc/loadavg", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            return "unknown (\(error))"
        }
    }

    static func meanBytes(_ sample: HTTPLoad.Sample?) -> Int {
        guard let sample, case let n = sample.statuses.values.reduce(0, +), n > 0 else { return 0 }
        return sample.bodyBytes / n
    }

    func progress(_ text: String) {
        if !json { print("… \(text)") }
    }

    func report(_ f: Figures) {
        if json {
            print((try? jsonString(f)) ?? "{}")
            return
        }
        func ms(_ v: Double?) -> String { v.map { fmt($0, 1) } ?? "—" }
        func line(_ name: String, _ key: String) -> String {
            let bad = f.non_200[key].flatMap { $0.isEmpty ? nil : $0 }.map { "  non-200: \($0)" } ?? ""
            let failed = (f.failures[key] ?? 0) > 0 ? "  failed: \(f.failures[key]!)" : ""
            return "\(name)\(bad)\(failed)"
        }
        print("""
            figure                          value
            tickets                         \(f.tickets_total) (\(f.tickets_open) open), filled in \(fmt(f.fill_s, 1)) s
            dashboard_p50_ms                \(ms(f.dashboard_p50_ms))   (\(f.paths["dashboard"]!), \(f.dashboard_bytes) bytes)
            dashboard_p99_ms                \(ms(f.dashboard_p99_ms))   (target ≤ \(fmt(f.target_p99_ms)))
            tickets_api_p50_ms              \(ms(f.tickets_api_p50_ms))   (\(f.paths["tickets_api"]!), \(f.tickets_api_bytes) bytes)
            tickets_api_p99_ms              \(ms(f.tickets_api_p99_ms))   (target ≤ \(fmt(f.target_p99_ms)))
            baseline_p50_ms                 \(ms(f.baseline_p50_ms))   (\(f.paths["baseline"]!))
            baseline_p99_ms                 \(ms(f.baseline_p99_ms))   (target ≤ \(fmt(f.baseline_target_p99_ms)))
            roster_p50_ms / p99_ms          \(ms(f.roster_p50_ms)) / \(ms(f.roster_p99_ms))   (\(f.paths["roster"]!))
            assets_p50_ms / p99_ms          \(ms(f.assets_p50_ms)) / \(ms(f.assets_p99_ms))   (\(f.paths["assets"]!))
            throughput_rps                  \(fmt(f.throughput_rps, 1))   (\(f.requests.values.reduce(0, +)) requests in \(fmt(f.load_s, 1)) s)
            writes                          \(f.writes_local_batches) local + \(f.writes_remote_batches) from a second replica, \(fmt(f.writes_batches_per_s, 1)) batches/s, \(f.writes_failed) failed
            events_p50_ms / p99_ms          \(ms(f.events_p50_ms)) / \(ms(f.events_p99_ms))   (commit to event, \(f.event_streams) streams, answers \(f.event_streams_answered); target ≤ \(fmt(f.events_target_p99_ms)))
            events_missed                   \(f.events_missed) of \(f.events_expected)
            dashboard_p99_over_baseline     \(f.dashboard_p99_over_baseline.map { fmt($0, 2) } ?? "—")
            tickets_api_p99_over_baseline   \(f.tickets_api_p99_over_baseline.map { fmt($0, 2) } ?? "—")
            clients                         \(f.clients); requests \(f.requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            load average                    \(f.load_average)
            """)
        for (name, key) in [("dashboard", "dashboard"), ("tickets_api", "tickets_api"), ("baseline", "baseline"), ("roster", "roster"), ("assets", "assets")] {
            let text = line(name, key)
            if text != name { print("warning: \(text)") }
        }
    }
}
