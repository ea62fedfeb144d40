import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Node
import Testing
@testable import Domain
@testable import Server

@Suite struct SVGChartTests {
    @Test func columnsAreProportionalAndStackedPerSeries() {
        let svg = SVGChart.stackedColumns(title: "t", labels: ["03-01", "03-02"], series: ["EAST", "MAIN"], values: [[4, 0], [2, 2]],
                                          width: 244, height: 152).markup
        // Plot height 152 - 28 - 24 = 100 for a maximum of 4: each ticket is 25 px.
        #expect(svg.contains(##"height="100" fill="#1f77b4"><title>03-01 EAST: 4</title>"##))
        #expect(svg.contains(##"height="50" fill="#1f77b4"><title>03-02 EAST: 2</title>"##))
        #expect(svg.contains(##"y="24" width="98" height="50" fill="#ff7f0e"><title>03-02 MAIN: 2</title>"##), "MAIN stacks on EAST")
        #expect(!svg.contains("03-01 MAIN"), "a zero band is not drawn")
        #expect(svg.hasPrefix("<svg class=\"chart\""))
    }

    @Test func labelsAndTitlesAreEscaped() {
        let nasty = #"<script>alert("x")</script>"#
        let columns = SVGChart.stackedColumns(title: nasty, labels: [nasty], series: [nasty], values: [[1]]).markup
        let bars = SVGChart.percentBars(title: nasty, rows: [(label: nasty, value: 0.5, note: nasty)], emptyText: nasty).markup
        for svg in [columns, bars] {
            #expect(!svg.contains("<script>"))
            #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        }
    }

    @Test func percentBarsClampAndSayWhenThereIsNothingToMeasure() {
        let svg = SVGChart.percentBars(title: "SLA", rows: [(label: "EAST", value: 0.5, note: "(1/2)"), (label: "MAIN", value: nil, note: ""),
                                                            (label: "WEST", value: 1.7, note: "")], emptyText: "none", width: 520).markup
        // Bars are at most 520 - 90 - 150 = 280 px: half is 140.
        #expect(svg.contains(##"width="140" height="16" fill="#b00020""##))
        #expect(svg.contains("50% (1/2)"))
        #expect(svg.contains(##"fill="#667">none</text>"##))
        #expect(svg.contains(##"width="280" height="16" fill="#1b7f3b""##), "over 100 % is drawn as 100 %")
        #expect(SVGChart.percentBars(title: "x", rows: [], emptyText: "nothing").markup.contains("nothing"))
    }
}

@Suite struct ClusterHealthTests {
    func statusFile(_ status: RuntimeStatus) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("status.json")
        try status.write(to: url)
        return url
    }

    /// 2026-03-02T09:00 China time is 01:00 UTC.
    static let nowMillis: UInt64 = UInt64(ServerFixture.start.minutesSinceEpoch - WallClock.chinaOffsetMinutes) * 60_000

    static func status(writtenAt: UInt64) -> RuntimeStatus {
        RuntimeStatus(written_at_ms: writtenAt, pid: 1, site: "aaaa000000000001", campus: "EAST", listen: "127.0.0.1:7001", roster_epoch: 3,
                      peers: [.init(site: "bbbb000000000002", campus: "MAIN", address: "127.0.0.1:7002", membership: "alive",
                                    session: "established", revoked: false),
                              .init(site: "cccc000000000003", campus: "WEST", address: "127.0.0.1:7003", membership: "suspect",
                                    session: "backoff", revoked: false)],
                      origin_lag: [.init(origin: "aaaa000000000001/1", held: 10, seen: 10, lag: 0),
                                   .init(origin: "bbbb000000000002/1", held: 5, seen: 7, lag: 2),
                                   .init(origin: "bbbb000000000002/2", held: 1, seen: 2, lag: 1),
                                   .init(origin: "cccc000000000003/1", held: 4, seen: 4, lag: 0)],
                      bytes_sent: 100, bytes_received: 200, sessions_established: 2, sessions_failed: 1, refusals: [:])
    }

    @Test func peersLagPerCampusAndReachabilityComeFromTheStatusFile() throws {
        let url = try statusFile(Self.status(writtenAt: Self.nowMillis))
        let health = ClusterHealthView.read(statusFile: url, now: ServerFixture.start, staleMinutes: 2, quarantined: ["dddd000000000004/1"])
        #expect(health.node == "running")
        #expect(health.writtenAt == "2026-03-02 09:00")
        #expect(health.peers.map(\.reachable) == [true, false], "WEST is suspect and in backoff")
        #expect(health.campusLag.map(\.campus) == ["EAST", "MAIN", "WEST"])
        #expect(health.campusLag.first { $0.campus == "MAIN" }.map { ($0.origins, $0.lag) } ?? (0, 0) == (2, 3), "both MAIN epochs summed")
        #expect(health.quarantinedOrigins == ["dddd000000000004/1"])
    }

    @Test func aStateDivergenceAtEqualVectorsIsListedOnTheStatusPage() async throws {
        var status = Self.status(writtenAt: Self.nowMillis)
        #expect(try ClusterHealthView.read(statusFile: statusFile(status), now: ServerFixture.start, staleMinutes: 2,
                                           quarantined: []).stateDivergences.isEmpty)
        status.state_divergences = [.init(site: "bbbb000000000002", campus: "MAIN", count: 3, first_at_ms: Self.nowMillis - 120_000,
                                          last_at_ms: Self.nowMillis)]
        let url = try statusFile(status)
        let health = ClusterHealthView.read(statusFile: url, now: ServerFixture.start, staleMinutes: 2, quarantined: [])
        #expect(health.stateDivergences.map(\.campus) == ["MAIN"])
        #expect(health.stateDivergences.first?.firstAt == "2026-03-02 08:58")
        let fixture = try ServerFixture(directory: DataDirectory(path: url.deletingLastPathComponent().path))
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let page = try await client.page("/status", as: viewer).2
            #expect(page.contains("数据分歧") && page.contains("MAIN") && page.contains("次数 3"))
            #expect(try await client.page("/", as: viewer).2.contains("数据分歧"), "the dashboard's summary shows it too")
        }
    }

    @Test func aStaleOrMissingStatusFileIsShownAsNotRunning() throws {
        let stale = try statusFile(Self.status(writtenAt: Self.nowMillis - 10 * 60_000))
        let health = ClusterHealthView.read(statusFile: stale, now: ServerFixture.start, staleMinutes: 2, quarantined: [])
        #expect(health.node == "stale")
        #expect(health.peers.allSatisfy { !$0.reachable }, "nothing is known to be reachable from an old report")
        let missing = ClusterHealthView.read(statusFile: stale.deletingLastPathComponent().appendingPathComponent("none.json"),
                                             now: ServerFixture.start, staleMinutes: 2, quarantined: [])
        #expect(missing.node == "missing")
        let garbage = stale.deletingLastPathComponent().appendingPathComponent("garbage.json")
        try Data("{not json".utf8).write(to: garbage)
        #expect(ClusterHealthView.read(statusFile: garbage, now: ServerFixture.start, staleMinutes: 2, quarantined: []).node == "missing",
                "a tampered status file is no status, not a crash")
    }

    @Test func theStatusPageShowsPeersAndLagOfARunningNode() async throws {
        let url = try statusFile(Self.status(writtenAt: Self.nowMillis))
        let fixture = try ServerFixture(directory: DataDirectory(path: url.deletingLastPathComponent().path))
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let page = try await client.page("/status", as: viewer).2
            #expect(page.contains("节点运行中"))
            #expect(page.contains("127.0.0.1:7002") && page.contains("不可达"))
            #expect(page.contains("1/2"), "one of two peers reachable")
            let home = try await client.page("/", as: viewer).2
            #expect(home.contains("落后批次"))
            let api = try await client.call(.get, "/api/cluster", as: viewer).1
            #expect(api.contains(#""node":"running""#))
        }
    }
}
