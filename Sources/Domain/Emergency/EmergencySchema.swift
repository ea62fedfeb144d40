import Replica

/// 应急预案 and 演练 (ids 401–402 of the records' 400–449). Merge kind of each field,
/// and why: docs/records.md.
extension DomainSchema {
    /// 应急预案 — one plan per key system per campus, keyed by (campus, system) so two
    /// campuses' nodes writing the same plan while cut off meet on one row.
    public static let emergencyPlan = EntitySchema(id: 401, name: "emergency_plan", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 2, name: "system", kind: .register, type: .text, group: "identity"),
        // The plan's text and starting level are edited together by the chief: they win
        // together (a title of one edit never meets the steps of another).
        FieldSchema(id: 10, name: "title", kind: .register, type: .text, group: "plan"),
        FieldSchema(id: 11, name: "steps", kind: .register, type: .text, group: "plan"),
        FieldSchema(id: 12, name: "start_level", kind: .register, type: .text, group: "plan"),
        FieldSchema(id: 13, name: "updated_by", kind: .register, type: .text, group: "plan"),
        FieldSchema(id: 14, name: "updated_at", kind: .register, type: .integer, group: "plan"),
        // 联系人 — staff numbers; added and removed concurrently at two campuses.
        FieldSchema(id: 20, name: "contacts", kind: .addWinsSet, type: .text),
    ])

    /// 演练 — a drill of a plan: scheduled, then recorded with findings and follow-up actions.
    public static let drill = EntitySchema(id: 402, name: "drill", fields: [
        FieldSchema(id: 1, name: "plan", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 3, name: "system", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 10, name: "scheduled_on", kind: .register, type: .text, group: "schedule"),
        FieldSchema(id: 11, name: "scenario", kind: .register, type: .text, group: "schedule"),
        // The record of the drill as run: written together, by whoever recorded it.
        FieldSchema(id: 20, name: "done_on", kind: .register, type: .text, group: "result"),
        FieldSchema(id: 21, name: "findings", kind: .register, type: .text, group: "result"),
        FieldSchema(id: 22, name: "actions", kind: .register, type: .text, group: "result"),
        FieldSchema(id: 23, name: "recorded_by", kind: .register, type: .text, group: "result"),
        FieldSchema(id: 24, name: "recorded_at", kind: .register, type: .integer, group: "result"),
    ])
}
