import Replica

/// Ticket entities (ids 100–199). Merge kind of each field, and why: docs/tickets.md.
extension DomainSchema {
    /// 问题工单 — one incident or request. Keyed by a fresh row id (never by its number:
    /// a row id cannot collide, a number is for people).
    public static let ticket = EntitySchema(id: 100, name: "ticket", fields: [
        // Identity, written once at intake by the node that opened it.
        FieldSchema(id: 1, name: "number", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 3, name: "year", kind: .register, type: .integer, group: "identity"),
        FieldSchema(id: 4, name: "issuer", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 5, name: "seq", kind: .register, type: .integer, group: "identity"),
        // Intake (报修登记); each field edited on its own.
        FieldSchema(id: 10, name: "reporter", kind: .register, type: .text),
        FieldSchema(id: 11, name: "contact_phone", kind: .register, type: .text),
        // 科室/位置 belong together: a move edits both or neither.
        FieldSchema(id: 12, name: "department", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 13, name: "location", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 14, name: "category", kind: .register, type: .text),
        FieldSchema(id: 15, name: "description", kind: .register, type: .text),
        FieldSchema(id: 16, name: "channel", kind: .register, type: .text),
        FieldSchema(id: 17, name: "reported_at", kind: .register, type: .integer),
        FieldSchema(id: 18, name: "post", kind: .register, type: .text),
        // Priority is computed from urgency × impact; the three win together.
        FieldSchema(id: 20, name: "urgency", kind: .register, type: .text, group: "priority"),
        FieldSchema(id: 21, name: "impact", kind: .register, type: .text, group: "priority"),
        FieldSchema(id: 22, name: "priority", kind: .register, type: .integer, group: "priority"),
        FieldSchema(id: 23, name: "major", kind: .register, type: .integer),
        // 处理人 — two campuses reassigning concurrently surface both for the chief.
        FieldSchema(id: 30, name: "assignee", kind: .surfacedRegister, type: .text),
        // 处理过程 — append-only; the state is folded from it.
        FieldSchema(id: 31, name: "timeline", kind: .log, type: .text),
        // Number of timeline entries: a counter, so after any merge it equals the log's length.
        FieldSchema(id: 32, name: "entries", kind: .counter, type: .integer),
        // The fold as its writer saw it, a read aid for reports; trusted only while
        // `summary_entries == entries` (the writer saw the whole log), else refolded.
        FieldSchema(id: 40, name: "state", kind: .register, type: .text, group: "summary"),
        FieldSchema(id: 41, name: "level", kind: .register, type: .integer, group: "summary"),
        FieldSchema(id: 42, name: "summary_entries", kind: .register, type: .integer, group: "summary"),
        FieldSchema(id: 43, name: "opened_at", kind: .register, type: .integer, group: "summary"),
        FieldSchema(id: 44, name: "owned_at", kind: .register, type: .integer, group: "summary"),
        FieldSchema(id: 45, name: "resolved_at", kind: .register, type: .integer, group: "summary"),
        FieldSchema(id: 46, name: "pauses", kind: .register, type: .text, group: "summary"),
        FieldSchema(id: 47, name: "expected_at", kind: .register, type: .integer, group: "summary"),
        FieldSchema(id: 48, name: "ignored", kind: .register, type: .integer, group: "summary"),
        // 关联资产 — asset tags; links are added and removed concurrently.
        FieldSchema(id: 50, name: "assets", kind: .addWinsSet, type: .text),
    ])

    /// 工单规则 — the hospital's priority matrix and SLA targets, one row keyed `hospital`,
    /// replaced as a whole so a matrix never mixes two administrators' edits.
    public static let ticketPolicy = EntitySchema(id: 101, name: "ticket_policy", fields: [
        FieldSchema(id: 1, name: "policy", kind: .register, type: .text),
    ])
}
