import GRDB
import Replica
import Storage

/// 通知 — the escalation policy, what is due now, delivery records and personal channels,
/// over the merged replica.
extension Department {
    /// Open tickets the plan reads at once: beyond this the oldest wait for the next tick
    /// (they are on the dashboard either way).
    public static let openTicketsPlannedMax = 5_000

    /// 升级策略 — the administrator replaces it whole.
    public func setEscalationPolicy(_ policy: EscalationPolicy, by acting: Acting) throws(DomainError) {
        try perform(acting, "notification.policy") { tx, actor in
            try Permissions.require(actor, .administrator, at: actor.campus, to: "set the escalation policy")
            if let problem = policy.problem { throw DomainError.invalid(field: "escalation policy", reason: problem) }
            try tx.assign(DomainSchema.notificationPolicy.name, NotificationRows.policyRow, ["policy": .text(LogCoding.encode(policy))])
            return ((), "escalation policy")
        }
    }

    public func escalationPolicy() throws(DomainError) -> EscalationPolicy {
        try query { try NotificationRows.policy($0) }
    }

    /// Everything due at `now`, each with whether a delivery record for it is already here.
    public func notificationsDue(at now: LocalDateTime) throws(DomainError) -> [(due: DueNotification, delivered: Bool)] {
        try query { db in
            let policy = try NotificationRows.policy(db)
            let open = try TicketRows.list(db, campus: nil, openOnly: true, limit: Self.openTicketsPlannedMax)
            let tickets = open.map(EscalationPlan.TicketFacts.init)
            var chains: [String: [EscalationLevel: [Recipient]]] = [:]
            let posts = Dictionary(open.map { ($0.id, $0.intake.post ?? $0.intake.category.defaultPost) }, uniquingKeysWith: { a, _ in a })
            var duty: [CampusCode: [PostOnDuty]] = [:]
            var leave: [CampusCode: [Leave]] = [:]
            for t in tickets where duty[t.campus] == nil {
                duty[t.campus] = try OnDutyQuery.posts(db, campus: t.campus, at: now)
                leave[t.campus] = try LeaveRequests.approvedLeave(db, campus: t.campus)
            }
            for t in tickets {
                let post = posts[t.id] ?? ""
                let away = Set((leave[t.campus] ?? []).filter { $0.contains(now.date) }.map(\.person.rawValue))
                let onPost = duty[t.campus]?.first { $0.post == post } ?? duty[t.campus]?.first
                chains[t.id] = NotificationRows.chain(onPost, campus: t.campus, away: away)
            }
            let due = EscalationPlan.due(tickets, recipients: { chains[$0.id] ?? [:] }, policy: policy, now: now.minutesSinceEpoch)
            let delivered = try NotificationRows.deliveredKeys(db, due.map(\.key))
            return due.map { ($0, delivered.contains($0.key)) }
        }
    }

    /// 发送记录 — the node that sent `due` records it (replicated, so others stop waiting to
    /// take over). The first record of a step that reaches a new level also appends the
    /// automatic escalation to the ticket's timeline. Written as the node, not as a person.
    public func recordDelivery(_ due: DueNotification, channels: [String], at now: LocalDateTime) throws(DomainError) {
        do {
            try store.write { tx in
                let row = NaturalKey.rowID(DomainSchema.notificationDelivery, due.key)
                let name = DomainSchema.notificationDelivery.name
                let existing = try StoredRows.fetchOne(tx.db, DomainSchema.notificationDelivery, id: row)
                let number: String
                switch due.subject { case let .ticket(_, n): number = n }
                if existing == nil {
                    try tx.assign(name, row, [
                        "notification_key": .text(due.key), "subject": .text(due.subject.key), "number": .text(number),
                        "step": .integer(Int64(due.step)), "level": .text(due.level.rawValue), "recipient": .text(due.recipient.id),
                        "due_at": .integer(Int64(due.dueAt)), "title": .text(due.title), "campus": .text(due.campus.rawValue),
                    ])
                }
                try tx.assign(name, row, ["sent_by": .text(store.site.description), "sent_at": .integer(Int64(now.minutesSinceEpoch))])
                try tx.increment(name, row, "sends", by: 1)
                for channel in channels { try tx.add(name, row, "channels", .text(channel)) }
                if existing == nil, due.level != .dutyEngineer { try Self.appendAutomaticEscalation(due, number: number, now: now, tx: tx) }
            }
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    private static func appendAutomaticEscalation(_ due: DueNotification, number: String, now: LocalDateTime, tx: WriteTransaction) throws {
        guard let id = try TicketRows.id(tx.db, number: number), let row = try StoredRows.fetchOne(tx.db, DomainSchema.ticket, id: id) else { return }
        let ticket = try TicketRows.ticket(tx.db, row)
        guard due.level.rank > ticket.summary.level.rank, ticket.state.isOpen,
              ticket.timeline.count < TicketFlow.timelineEntriesMax else { return }
        var event = TicketEvent(.escalate, by: NotificationRows.systemActor, at: now)
        event.level = due.level
        event.text = "自动升级：\(due.dueAt - (ticket.summary.openedAt ?? due.dueAt)) 分钟未认领，已通知\(due.level.chineseName) \(due.recipient.name)"
        try tx.append(DomainSchema.ticket.name, id, "timeline", .text(LogCoding.encode(event)))
        try tx.increment(DomainSchema.ticket.name, id, "entries", by: 1)
        try writeSummary(TicketFlow.fold(ticket.timeline + [event]), row: id, tx: tx)
    }

    /// 我的通知 — delivery records to `recipient`, newest first.
    public func notifications(for recipient: String, limit: Int = 100) throws(DomainError) -> [NotificationRecord] {
        try query { db in
            try StoredRows.fetch(db, DomainSchema.notificationDelivery, where: "recipient = ?", [recipient])
                .map { try NotificationRows.record(db, $0) }.sorted { ($0.dueAt, $0.key) > ($1.dueAt, $1.key) }.prefix(limit).map { $0 }
        }
    }

    /// Every delivery record (for the health page and tests), newest first.
    public func deliveryRecords(limit: Int = 500) throws(DomainError) -> [NotificationRecord] {
        try query { db in
            try StoredRows.fetch(db, DomainSchema.notificationDelivery).map { try NotificationRows.record(db, $0) }
                .sorted { ($0.dueAt, $0.key) > ($1.dueAt, $1.key) }.prefix(limit).map { $0 }
        }
    }

    /// 已读 — only the recipient marks their own notification read.
    public func markNotificationRead(_ key: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "notification.read") { tx, actor in
            let row = NaturalKey.rowID(DomainSchema.notificationDelivery, key)
            guard let stored = try StoredRows.fetchOne(tx.db, DomainSchema.notificationDelivery, id: row) else {
                throw DomainError.unknownRequest(kind: "notification", id: key)
            }
            try Permissions.requireSelf(actor, PersonID((stored["recipient"] as String?) ?? ""), to: "mark notification \(key) read")
            try tx.assign(DomainSchema.notificationDelivery.name, row, ["read_at": .integer(Int64(acting.now.minutesSinceEpoch))])
            return ((), key)
        }
    }
}

/// A delivery record as read from the replica.
public struct NotificationRecord: Hashable, Codable, Sendable {
    public let key: String
    public let number: String
    public let step: Int
    public let level: EscalationLevel
    public let recipient: String
    public let dueAt: Int
    public let title: String
    public let campus: CampusCode
    public let sentBy: String
    public let sentAt: Int?
    /// Nodes that sent it: above 1 only after a partition.
    public let sends: Int
    public let channels: [String]
    public let readAt: Int?

    public var duplicates: Int { max(0, sends - 1) }
}

enum NotificationRows {
    static let policyRow = NaturalKey.rowID(DomainSchema.notificationPolicy, "hospital")
    /// Stands in `by` of the timeline entries the node writes itself.
    static let systemActor: PersonID = "system"
    /// Keys looked up in one statement (SQLite's variable limit is far above).
    static let keysPerQueryMax = 500

    static func policy(_ db: Database) throws -> EscalationPolicy {
        let row = try StoredRows.fetchOne(db, DomainSchema.notificationPolicy, id: policyRow)
        // A peer's policy out of bounds is not used: the standard one runs instead.
        return (row?["policy"] as String?).flatMap { LogCoding.decode(EscalationPolicy.self, $0) }.flatMap { $0.problem == nil ? $0 : nil } ?? .standard
    }

    static func deliveredKeys(_ db: Database, _ keys: [String]) throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: keys.count, by: keysPerQueryMax) {
            let chunk = Array(keys[start..<min(keys.count, start + keysPerQueryMax)])
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            let rows = try StoredRows.fetch(db, DomainSchema.notificationDelivery, where: "notification_key IN (\(marks)) AND sent_at IS NOT NULL",
                                            StatementArguments(chunk))
            for row in rows { if let key = row["notification_key"] as String? { found.insert(key) } }
        }
        return found
    }

    /// Duty engineer → chief → 总值班 from the roster now, without anyone on approved leave today.
    static func chain(_ duty: PostOnDuty?, campus: CampusCode, away: Set<String>) -> [EscalationLevel: [Recipient]] {
        var chain: [EscalationLevel: [Recipient]] = [:]
        for step in duty?.escalation ?? [] {
            chain[step.level] = step.contacts.filter { !away.contains($0.person) }.map { contact in
                Recipient(id: contact.person.isEmpty ? "officer:\(campus.rawValue)" : contact.person, name: contact.name, phone: contact.phone)
            }
        }
        return chain
    }

    static func record(_ db: Database, _ row: Row) throws -> NotificationRecord {
        NotificationRecord(key: text(row, "notification_key"), number: text(row, "number"), step: (row["step"] as Int?) ?? 0,
                           level: EscalationLevel(rawValue: text(row, "level")) ?? .dutyEngineer, recipient: text(row, "recipient"),
                           dueAt: (row["due_at"] as Int?) ?? 0, title: text(row, "title"), campus: CampusCode(text(row, "campus")),
                           sentBy: text(row, "sent_by"), sentAt: row["sent_at"] as Int?, sends: StoredRows.counter(row, "sends") ?? 0,
                           channels: try StoredRows.set(db, DomainSchema.notificationDelivery, StoredRows.rowID(row), "channels"), readAt: row["read_at"] as Int?)
    }

    static func text(_ row: Row, _ column: String) -> String { (row[column] as String?) ?? "" }
}

extension Department {
    /// A channel took the notifications `keys`: added to their records' `channels`.
    public func recordChannelDelivered(_ keys: [String], channel: String) throws(DomainError) {
        do {
            try store.write { tx in
                for key in keys {
                    let row = NaturalKey.rowID(DomainSchema.notificationDelivery, key)
                    guard try StoredRows.fetchOne(tx.db, DomainSchema.notificationDelivery, id: row) != nil else { continue }
                    try tx.add(DomainSchema.notificationDelivery.name, row, "channels", .text(channel))
                }
            }
        } catch {
            throw .storage("\(error)")
        }
    }
}

extension Department {
    /// 未读 — for the navigation badge, on every page: one indexed count.
    public func unreadNotificationCount(for recipient: String) throws(DomainError) -> Int {
        try query { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(ReplicaQueries.tableName(DomainSchema.notificationDelivery)) WHERE recipient = ? AND read_at IS NULL",
                             arguments: [recipient]) ?? 0
        }
    }

    /// Read aids of the notification queries.
    static let notificationIndexes: [(EntitySchema, [String])] = [
        (DomainSchema.notificationDelivery, ["recipient"]),
        (DomainSchema.notificationDelivery, ["notification_key"]),
    ]
}
