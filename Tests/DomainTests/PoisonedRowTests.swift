import GRDB
import Testing
import Replica
import Storage
@testable import Domain

/// A peer's batch is input from another machine: it may hold any `Int64` or any text in
/// any field, bypassing the commands' checks. Every field of `StoredBounds.fields` is
/// written out of range on every stored row of its entity, as a replicated batch from
/// EAST; MAIN then runs every domain read over them (no trap) and lists each poisoned
/// (row, field) as an out-of-bounds value. The values are fixed, not random, so a
/// failure names its round.
@Suite struct PoisonedRowTests {
    static let e = CampusReplicas.engineers

    /// The extremes for a bound, one per round (a bound with fewer repeats its last).
    static func poisons(_ bound: StoredBounds.Bound) -> [Value] {
        switch bound {
        case let .integer(range):
            [.integer(.max), .integer(.min), .integer(range.lowerBound == .min ? .max : range.lowerBound - 1),
             .integer(range.upperBound == .max ? .min : range.upperBound + 1)]
        case .isoDate: [.text("9999-12-31"), .text("2026-02-30"), .text("x"), .text("-0001-01-01")]
        case .isoMonth: [.text("9999-12"), .text("2026-13"), .text("garbage"), .text("1899-12")]
        }
    }

    static let rounds = 4

    @Test(arguments: 0..<rounds)
    func outOfRangeValuesFromAPeerNeverTrapAReadAndAreListedAsProblems(round: Int) throws {
        let f = try CampusReplicas()
        let admin = f.acting(CampusReplicas.admin)
        // Rows of the entities commands do not create in the fixture.
        _ = try f.main.registerAsset(AssetRecord(tag: "P-1", campus: "E", type: .pc, name: "PC", inspectionDays: 30), by: admin)
        _ = try f.main.registerAsset(AssetRecord(tag: "P-2", campus: "E", type: .consumable, name: "硒鼓", stock: 5, stockMin: 2, unit: "个"),
                                     by: admin)
        _ = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester))
        try f.exchange()

        // EAST writes the poison in one batch, as a faulty peer could.
        var expected: Set<String> = []
        try f.east.store.write { tx in
            for (entity, field, bound) in StoredBounds.fields {
                guard let schema = entity.field(named: field) else { Issue.record("\(entity.name) has no field \(field)"); continue }
                let values = Self.poisons(bound)
                let value = values[min(round, values.count - 1)]
                let rows = try Row.fetchAll(tx.db, sql: "SELECT id FROM \(ReplicaQueries.tableName(entity))").map(StoredRows.rowID)
                for row in rows {
                    switch schema.kind {
                    case .register: try tx.assign(entity.name, row, [field: value])
                    case .surfacedRegister: try tx.assignSurfaced(entity.name, row, field, value)
                    case .counter:
                        guard case let .integer(v) = value else { continue }
                        try tx.increment(entity.name, row, field, by: v)
                    case .addWinsSet, .log: continue
                    }
                    expected.insert("\(entity.name) \(row) \(field)")
                }
            }
        }
        try f.exchange()
        #expect(!expected.isEmpty)

        // Every read: none may trap (a trap ends the test process, failing the run).
        let d = f.main
        let at = CampusReplicas.start
        _ = try d.campuses()
        _ = try d.people()
        _ = try d.posts(campus: "E")
        _ = try d.holidayCalendar()
        for account in try d.accounts() {
            _ = account.isLocked(at: at)
            _ = account.passwordChangeDue(at: at, periodDays: 90)
        }
        _ = try d.handovers()
        for asset in try d.assets() {
            _ = asset.inspectionDue
            _ = asset.lowStock
            _ = try d.asset("\(asset.tag)@\(asset.campus.rawValue)")
        }
        _ = try d.exportAssets()
        _ = try d.assetReport(on: at.date)
        _ = try d.assetProblems()
        _ = try d.tickets()
        _ = try d.ticketProblems()
        _ = try d.ticketPolicy()
        _ = try d.rosterMonths(campus: "E")
        _ = try d.swaps(campus: "E")
        _ = try d.approvals()
        _ = try d.leaveRequests()
        _ = try d.overtimeRequests()
        _ = try d.onDuty(at: at)
        _ = try RosterProblems.list(store: d.store)

        // Each poisoned (row, field) is listed, on MAIN as on EAST.
        for node in f.nodes {
            let listed = Set(try node.outOfBoundsValues().map { "\($0.entity) \($0.row) \($0.field)" })
            let missing = expected.subtracting(listed)
            #expect(missing.isEmpty, "round \(round): not listed as out of bounds: \(missing.sorted().prefix(10))")
        }
    }

    /// The same replica without poison lists nothing: the check is not always-on.
    @Test func aCleanReplicaListsNoOutOfBoundsValue() throws {
        let f = try CampusReplicas()
        _ = try f.main.registerAsset(AssetRecord(tag: "P-1", campus: "E", type: .pc, name: "PC", inspectionDays: 30),
                                     by: f.acting(CampusReplicas.admin))
        #expect(try f.main.outOfBoundsValues().isEmpty)
    }

    /// The issue's crash: `inspectionDays: Int.max` replicated, then read.
    @Test func inspectionDaysOfIntMaxFromAPeerReadsAsTheLastDayAndIsListed() throws {
        let f = try CampusReplicas()
        _ = try f.main.registerAsset(AssetRecord(tag: "P-1", campus: "E", type: .pc, name: "PC", inspectionDays: 30),
                                     by: f.acting(CampusReplicas.admin))
        try f.exchange()
        try f.east.store.write { tx in
            let row = try Row.fetchAll(tx.db, sql: "SELECT id FROM \(ReplicaQueries.tableName(DomainSchema.asset))").map(StoredRows.rowID)[0]
            try tx.assign(DomainSchema.asset.name, row, ["inspection_days": .integer(.max)])
        }
        try f.exchange()
        let asset = try f.main.asset("P-1")
        #expect(asset.inspectionDue == LocalDate(year: 2999, month: 12, day: 31))
        let listed = try f.main.outOfBoundsValues()
        #expect(listed.map(\.field) == ["inspection_days"] && listed.first?.value == String(Int64.max) && listed.first?.campus == "E")
    }
}
