import GRDB
import Replica
import Storage

/// 审计记录 — one audited write: who, what, when, on which node. Appended in the same
/// transaction as the write it records, so there is never a write without its entry.
public struct AuditEntry: Hashable, Codable, Sendable {
    /// Staff number of the acting person.
    public let actor: String
    /// What was done, e.g. `swap.approve`.
    public let action: String
    /// What it was done to, e.g. a request id or `E 2026-03`.
    public let subject: String
    /// Local minutes since the epoch, as passed in by the caller.
    public let at: Int
    /// The node (site id) that accepted the command.
    public let node: String
    /// How the command came in (`Acting.via`): for the CLI, the operating-system user
    /// that ran it — the one fact about a CLI write the host itself vouches for, since
    /// `--as` is only a claim. Absent in entries written before it existed.
    public let via: String?
    /// What the command did beyond its subject, where the entity keeps no log of it (an
    /// asset's move: where to, to whom, back when — `AssetMove` as JSON). Absent in
    /// entries written before it existed; a node that predates it ignores the key.
    public let detail: String?

    public init(actor: String, action: String, subject: String, at: Int, node: String, via: String? = nil, detail: String? = nil) {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.at = at
        self.node = node
        self.via = via
        self.detail = detail
    }

    public var time: LocalDateTime { LocalDateTime(minutesSinceEpoch: at) }
}

/// The audit trail, read in stamp order (the same order on every replica).
public enum AuditTrail {
    static func append(_ entry: AuditEntry, tx: WriteTransaction) throws {
        let month = LocalMonth(year: entry.time.date.year, month: entry.time.date.month)?.description ?? "?"
        let row = NaturalKey.rowID(DomainSchema.audit, entry.node, month)
        try tx.assign(DomainSchema.audit.name, row, ["site": .text(entry.node), "month": .text(month)])
        try tx.append(DomainSchema.audit.name, row, "entries", .text(LogCoding.encode(entry)))
    }

    /// The entries of every node written in `first…last` (months, as `LocalMonth`
    /// descriptions order), oldest first: the audit is kept per node and month, so a
    /// reader of one month reads that month's rows only.
    public static func entries(store: ReplicaStore, months first: LocalMonth, _ last: LocalMonth) throws -> [AuditEntry] {
        try store.read { db in
            let rows = try StoredRows.fetch(db, DomainSchema.audit, where: "month BETWEEN ? AND ?", [first.description, last.description])
            return try rows.flatMap { row in
                try StoredRows.log(db, DomainSchema.audit, StoredRows.rowID(row), "entries").compactMap { LogCoding.decode(AuditEntry.self, $0) }
            }.sorted { ($0.at, $0.node, $0.action, $0.subject) < ($1.at, $1.node, $1.action, $1.subject) }
        }
    }

    /// Every entry of every node, oldest first.
    public static func entries(store: ReplicaStore) throws -> [AuditEntry] {
        try store.read { db in
            try ReplicaQueries.logEntries(db, DomainSchema.audit, DomainSchema.audit.field(named: "entries")!)
                .compactMap { String.fromDatabaseValue($0).flatMap { LogCoding.decode(AuditEntry.self, $0) } }
        }
    }
}
