import Testing
import Replica
import Storage
@testable import Domain

/// Poison-proof reads: a peer bypassing the commands stores extreme values in every
/// bounded field of every entity; every read must answer (no trap) and every poisoned
/// field must be listed by `outOfBoundsValues`.
@Suite struct StoredBoundsTests {
    let e = CampusReplicas.engineers

    /// Values a peer may store in an integer field: the ends of `Int64` and one past each
    /// end of the field's bound.
    static func poisons(_ bound: StoredBounds.Bound) -> [Value] {
        switch bound {
        case let .integer(range):
            let candidates: [Int64] = [.min, .max, range.lowerBound &- 1, range.upperBound &+ 1, -1]
            return candidates.filter { !range.contains($0) }.map { .integer($0) }
        case .isoDate:
            return ["2026-02-30", "99999-01-01", "1899-12-31", "3000-01-01", "2026-1-1", "x'; DROP TABLE", "2026-03-1\u{0}0"].map { .text($0) }
        case .isoMonth:
            return ["2026-13", "0000-01", "3000-01", "2026-3", "2026-0\u{0}3"].map { .text($0) }
        }
    }

    /// A plausible value for an unbounded text field, so the poisoned row is picked up by
    /// the reads that filter on campus, person, state and so on.
    static func plausible(_ entity: EntitySchema, _ field: String, round: Int) -> Value {
        switch field {
        case "campus", "code": return "E"
        case "person", "requester", "colleague", "outgoing", "incoming", "holder", "reporter", "issuer", "published_by": return "E101"
        case "post": return "network-security"
        case "shift_kind": return "weekday-day"
        case "date", "first_day", "last_day": return "2026-03-10"
        case "month": return "2026-03"
        case "number": return .text("E-2026-P0\(round)-00001")
        case "tag": return .text("POISON-\(round)")
        case "type": return "consumable"
        case "state": return entity.name == "ticket" ? "in_progress" : "in_stock"
        case "kind": return entity.name == "approval" ? "purchase" : "x"
        case "username": return .text("poison\(round)")
        case "urgency", "impact": return "high"
        case "system": return "his"
        case "start_level": return "duty_engineer"
        default: return .text("poison")
        }
    }

    struct Poisoned: Hashable { let entity: String; let row: String; let field: String }

    /// Writes, at the peer `east`, one raw row per entity with every bounded field poisoned
    /// (the `round`-th poison of each, shifted by field so rounds mix them), plus the real
    /// campus E's row; the batches then reach `main` as they would by sync.
    func poison(_ f: CampusReplicas, round: Int) throws -> Set<Poisoned> {
        var poisoned = Set<Poisoned>()
        let byEntity = Dictionary(grouping: StoredBounds.fields.enumerated(), by: { $0.element.entity.name })
        try f.east.store.write { tx in
            for (name, bounded) in byEntity.sorted(by: { $0.key < $1.key }) {
                let entity = bounded[0].element.entity
                let rows = name == "campus" ? [NaturalKey.rowID(entity, "E"), tx.newRowID()] : [tx.newRowID()]
                for row in rows {
                    var values: [String: Value] = [:]
                    // Groups must be written whole: every register gets a value first.
                    for field in entity.fields where field.kind == .register {
                        values[field.name] = switch field.type {
                        case .text: Self.plausible(entity, field.name, round: round)
                        case .bytes: .bytes([0x89, 0x50])
                        case .integer, .real: .integer(0)
                        }
                    }
                    for (index, item) in bounded {
                        let choices = Self.poisons(item.bound)
                        let value = choices[(round + index) % choices.count]
                        poisoned.insert(Poisoned(entity: name, row: row.description, field: item.field))
                        guard let schema = entity.field(named: item.field) else { Issue.record("no field \(item.field)"); continue }
                        if schema.kind == .counter, case let .integer(delta) = value {
                            // Twice Int64.max overflows SQLite's sum into a REAL.
                            try tx.increment(name, row, item.field, by: delta)
                            if delta == .max { try tx.increment(name, row, item.field, by: delta) }
                        } else {
                            values[item.field] = value
                        }
                    }
                    if name == "campus", row == rows[0] { values["code"] = "E"; values["name"] = "东院区" }
                    try tx.assign(name, row, values)
                }
            }
        }
        try f.exchange()
        return poisoned
    }

    /// Every domain read the pages, the API and the CLI are built on, over the poisoned replica.
    func readEverything(_ d: Department, at now: LocalDateTime) throws {
        let march = try #require(LocalMonth(year: 2026, month: 3))
        _ = try d.campuses()
        _ = try d.people()
        _ = try d.posts(campus: "E")
        _ = try d.holidayCalendar()
        _ = try d.roster(campus: "E", month: march)
        _ = try d.rosterMonths(campus: "E")
        _ = try d.swaps(campus: "E")
        _ = try d.approvedSwaps(campus: "E", viewer: CampusReplicas.chief)
        _ = try d.leaveRequests()
        _ = try d.overtimeRequests()
        _ = try d.attendance(person: e[0], date: Fixture.date("2026-03-10"))
        _ = try d.handovers()
        _ = try d.dutyLog(campus: "E", post: "network-security", date: Fixture.date("2026-03-10"))
        _ = try d.onDuty(at: now)
        _ = try d.accounts()
        let tickets = try d.tickets()
        _ = try d.tickets(openedBy: e[0])
        _ = try d.slas(of: tickets, at: now)
        for ticket in tickets {
            _ = try d.sla(of: ticket, at: now)
            for attachment in try d.attachments(ofTicket: ticket.number) { _ = try d.attachment(attachment.id, ofTicket: ticket.number) }
        }
        _ = try d.ticketVolume(days: 30, endingOn: now.date)
        _ = try d.slaAttainment(days: 30, at: now)
        _ = try d.openTicketReport(at: now)
        _ = try d.ticketProblems()
        _ = try d.ticketPolicy()
        let assets = try d.assets()
        for asset in assets {
            _ = asset.inspectionDue
            _ = asset.lowStock
            _ = try d.asset("\(asset.tag)@\(asset.campus)")
        }
        _ = try d.assetReport(on: now.date)
        _ = try d.assetProblems()
        _ = try d.exportAssets()
        for approval in try d.approvals() { _ = try d.approval(approval.id) }
        for article in try d.articles(includingArchived: true) {
            _ = try d.article(article.id)
            _ = try d.articleHistory(article.id)
            _ = article.reviewDue(on: now.date)
        }
        _ = try d.searchArticles("poison")
        _ = try d.searchArticles("po")
        _ = try d.suggestArticles(for: "poison")
        for plan in try d.emergencyPlans() { _ = try d.emergencyPlan(plan.id); _ = try d.drills(plan: plan.id) }
        _ = try d.drillsDue(on: now.date)
        _ = try d.machineRoomEntries()
        _ = try d.securityChecks()
        _ = try d.securityChecksDue(on: now.date)
    }

    @Test(arguments: 0..<5)
    func everyPoisonedFieldOfEveryEntityIsReadWithoutTrapAndListed(round: Int) throws {
        let f = try CampusReplicas()
        // Real rows beside the poisoned ones, so the reads also go down their usual paths.
        try f.main.registerAsset(AssetRecord(tag: "E-PRN-001", campus: "E", type: .printer, name: "HP", inspectionDays: 30), by: f.acting(e[0]))
        try f.exchange()
        #expect(try f.main.outOfBoundsValues().isEmpty, "a clean replica lists no out-of-bounds value")
        let poisoned = try poison(f, round: round)
        for d in f.nodes { try readEverything(d, at: CampusReplicas.start.adding(minutes: 60)) }
        let listed = Set(try f.main.outOfBoundsValues().map { Poisoned(entity: $0.entity, row: $0.row, field: $0.field) })
        let missing = poisoned.subtracting(listed)
        #expect(missing.isEmpty, "round \(round): poisoned but not listed: \(missing.sorted { "\($0.entity).\($0.field)" < "\($1.entity).\($1.field)" })")
        #expect(listed.isSubset(of: poisoned), "round \(round): listed but not poisoned: \(listed.subtracting(poisoned))")
    }

    @Test func aTicketPolicyAPeerStoredOutOfBoundsIsNotUsedAndIsListed() throws {
        let f = try CampusReplicas()
        var policy = TicketPolicy.standard
        policy.targets["1"] = SLATarget(ownMinutes: .max, resolveMinutes: .min, clock: .allDay)
        #expect(!policy.isComplete, "the bound is checked on write")
        try f.east.store.write { tx in
            try tx.assign(DomainSchema.ticketPolicy.name, TicketRows.policyRow, ["policy": .text(LogCoding.encode(policy))])
        }
        try f.exchange()
        #expect(try f.main.ticketPolicy() == .standard)
        let listed = try f.main.outOfBoundsValues()
        #expect(listed.map(\.entity) == ["ticket_policy"] && listed.first?.bound.contains("\(SLATarget.minutesMax)") == true)
        try readEverything(f.main, at: CampusReplicas.start.adding(minutes: 60))
    }

    @Test func dateAndMinuteArithmeticSaturatesInsteadOfTrapping() {
        let day = Fixture.date("2026-03-10")
        #expect(day.adding(days: .max).iso == "2999-12-31")
        #expect(day.adding(days: .min).iso == "1900-01-01")
        #expect(day.addingChecked(days: .max) == nil && day.addingChecked(days: 1)?.iso == "2026-03-11")
        #expect(LocalDate(daysSinceEpoch: .max).iso == "2999-12-31")
        #expect(LocalDateTime(minutesSinceEpoch: .min).description == "1900-01-01 00:00")
        #expect(LocalDateTime(minutesSinceEpoch: .max).description == "2999-12-31 23:59")
        #expect(LocalDateTime(date: day, minuteOfDay: .max).description == "2999-12-31 23:59")
        #expect(Int.max.addingSaturated(1) == .max && Int.min.addingSaturated(-1) == .min && Int.max.multipliedSaturated(by: -2) == .min)
        let minutes = SLAMinutes(calendar: HolidayCalendar(entries: []))
        #expect(minutes.minutes(.allDay, from: .min, to: .max) == LocalDateTime.minutesSinceEpochRange.count - 1)
    }

    @Test func anInspectionPeriodOrStockChangeOutOfBoundsIsRefusedWithoutWriting() throws {
        let f = try CampusReplicas()
        let huge = AssetRecord(tag: "E-PRN-9", campus: "E", type: .printer, name: "HP", inspectionDays: .max)
        let refused = try refusedWithoutWriting(f.main) { try f.main.registerAsset(huge, by: f.acting(e[0])) }
        #expect(refused?.description.contains("inspection days") == true && refused?.description.contains("\(Asset.inspectionDaysMax)") == true)
        try f.main.registerAsset(AssetRecord(tag: "TONER", campus: "E", type: .consumable, name: "硒鼓", stock: 5, unit: "个"), by: f.acting(e[0]))
        for delta in [Int.max, Int.min, Asset.stockMax + 1, -6] {
            let error = try refusedWithoutWriting(f.main) { _ = try f.main.adjustStock("TONER", by: delta, acting: f.acting(e[0])) }
            #expect(error?.description.contains("cannot change by \(delta)") == true)
        }
        #expect(try f.main.adjustStock("TONER", by: -5, acting: f.acting(e[0])) == 0)
    }
}
