import Testing
import Replica
import Storage
@testable import Domain

/// 信息统计 against a hand-made data set: every figure counted by hand first.
@Suite struct DepartmentStatisticsTests {
    let e = CampusReplicas.engineers

    @Test func theFiguresAreThoseOfAHandMadeDepartment() throws {
        let f = try CampusReplicas()
        let d = f.main
        // Two printers of one model and a switch; cost on one printer.
        try d.registerAsset(AssetRecord(tag: "P1", campus: "E", type: .printer, name: "打印机", model: "M404", purchasedOn: Fixture.date("2024-03-10"),
                                        purchaseCostFen: 720_000), by: f.acting(e[0]))
        try d.registerAsset(AssetRecord(tag: "P2", campus: "E", type: .printer, name: "打印机", model: "M404", purchasedOn: Fixture.date("2016-01-01")),
                            by: f.acting(e[0]))
        try d.registerAsset(AssetRecord(tag: "S1", campus: "E", type: .network, name: "交换机", warrantyUntil: Fixture.date("2026-04-30")), by: f.acting(e[0]))
        // Three tickets on the period's first day: two on P1, one on P2; one network ticket.
        let a = try d.openTicket(f.intake("打印机卡纸", category: .printer, assets: ["P1"]), by: f.acting(CampusReplicas.requester)).number
        let b = try d.openTicket(f.intake("打印机又卡纸", category: .printer, assets: ["P1"]), by: f.acting(CampusReplicas.requester, 1)).number
        _ = try d.openTicket(f.intake("打印机缺粉", category: .printer, assets: ["P2"]), by: f.acting(CampusReplicas.requester, 2)).number
        _ = try d.openTicket(f.intake("门诊断网", category: .network), by: f.acting(CampusReplicas.requester, 3)).number
        for n in [a, b] {
            try d.assignTicket(n, to: e[0], by: f.acting(CampusReplicas.chief, 5))
            try d.startTicket(n, by: f.acting(e[0], 10))
        }
        try d.resolveTicket(a, rootCause: "搓纸轮磨损", improvement: "定期更换", by: f.acting(e[0], 40))
        let period = try StatisticsPeriod(first: CampusReplicas.start.date, last: CampusReplicas.start.date.adding(days: 6))
        let s = try d.statistics(period, campuses: ["E"], at: f.acting(e[0], 60).now)

        #expect(s.ticketsReported == 4)
        #expect(s.byCategory == [.init(key: "printer", count: 3), .init(key: "network", count: 1)])
        #expect(s.byDepartment == [.init(key: "门诊部", count: 4)])
        // The engineer on duty takes every ticket at intake (the roster puts e[0] on duty).
        #expect(s.byEngineer == [.init(person: e[0], assigned: 4, resolved: 1)])
        let medium = try #require(s.byPriority.first { $0.reported == 4 }, "all four at one priority: \(s.byPriority)")
        #expect(medium.owned == 4 && medium.resolved == 1 && medium.met == 1 && medium.attainment == 1, "\(medium)")
        #expect(s.recurringAssets == [.init(tag: "P1", campus: "E", name: "打印机", model: "M404", tickets: 2)])
        #expect(s.recurringModels == [.init(model: "M404", assets: 2, tickets: 3)])
        let printers = try #require(s.assetTypes.first { $0.type == .printer })
        #expect(printers.total == 2 && printers.inStock == 2 && printers.costFen == 720_000)
        // 720 000 over 72 months, 24 gone by 2026-03-16 (bought 2024-03-10).
        #expect(printers.bookValueFen == 480_000)
        #expect(s.assetTypes.first { $0.type == .network }?.warrantyEnding == 1, "S1's warranty ends within 90 days of the period")
        #expect(s.assetAges[.oneToThree] == 1 && s.assetAges[.eightPlus] == 1 && s.assetAges[.unknown] == 1)

        // A period that does not hold the tickets counts none of them.
        let later = try StatisticsPeriod(first: Fixture.date("2026-05-01"), last: Fixture.date("2026-05-31"))
        let none = try d.statistics(later, campuses: ["E"], at: f.acting(e[0], 60).now)
        #expect(none.ticketsReported == 0 && none.byCategory.isEmpty && none.recurringAssets.isEmpty)
    }

    @Test func aReversedOrOverlongPeriodIsRefused() {
        #expect(throws: StatisticsPeriod.Problem.reversed) { try StatisticsPeriod(first: Fixture.date("2026-03-10"), last: Fixture.date("2026-03-09")) }
        #expect(throws: StatisticsPeriod.Problem.tooLong(days: 367)) {
            try StatisticsPeriod(first: Fixture.date("2026-01-01"), last: Fixture.date("2027-01-02"))
        }
        #expect((try? StatisticsPeriod(first: Fixture.date("2026-03-10"), last: Fixture.date("2026-03-10")))?.days == 1)
    }

    @Test func percentilesAreNearestRank() {
        #expect(StatisticsQuery.percentiles([]) == (nil, nil))
        #expect(StatisticsQuery.percentiles([7]) == (7, 7))
        #expect(StatisticsQuery.percentiles(Array(1...10)) == (5, 9))
    }
}
