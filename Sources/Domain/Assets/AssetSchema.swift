import Replica

/// Asset entities (ids 200–299). Merge kind of each field, and why: docs/assets.md.
extension DomainSchema {
    /// 资产 — a device, a software licence or a consumable. Keyed by a fresh row id, not
    /// by its tag: two campuses registering one tag while cut off make two rows, and the
    /// duplicate is listed for a human (`AssetProblems`) instead of silently merged.
    public static let asset = EntitySchema(id: 200, name: "asset", fields: [
        FieldSchema(id: 1, name: "tag", kind: .register, type: .text),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text),
        FieldSchema(id: 3, name: "type", kind: .register, type: .text),
        FieldSchema(id: 4, name: "name", kind: .register, type: .text),
        FieldSchema(id: 5, name: "model", kind: .register, type: .text),
        FieldSchema(id: 6, name: "serial", kind: .register, type: .text),
        FieldSchema(id: 7, name: "registered_at", kind: .register, type: .integer),
        // 库存 / 使用中 / 维修中; 报废 is `scrapped_at`, which no later state write undoes.
        FieldSchema(id: 10, name: "state", kind: .register, type: .text),
        FieldSchema(id: 11, name: "scrapped_at", kind: .register, type: .integer, group: "scrap"),
        FieldSchema(id: 12, name: "scrap_approval", kind: .register, type: .text, group: "scrap"),
        // 领用 — department, location and person move together.
        FieldSchema(id: 20, name: "department", kind: .register, type: .text, group: "assignment"),
        FieldSchema(id: 21, name: "location", kind: .register, type: .text, group: "assignment"),
        FieldSchema(id: 22, name: "holder", kind: .register, type: .text, group: "assignment"),
        FieldSchema(id: 30, name: "purchased_on", kind: .register, type: .text),
        FieldSchema(id: 31, name: "warranty_until", kind: .register, type: .text),
        FieldSchema(id: 32, name: "contract_until", kind: .register, type: .text),
        // 巡检 — every N days; results appended.
        FieldSchema(id: 40, name: "inspection_days", kind: .register, type: .integer),
        FieldSchema(id: 41, name: "inspections", kind: .log, type: .text),
        // 维护记录 — maintenance, repair, upgrade, calibration, configuration change.
        FieldSchema(id: 42, name: "maintenance", kind: .log, type: .text),
        // 耗材 — stock as a counter: two campuses taking toner concurrently both count.
        FieldSchema(id: 50, name: "stock", kind: .counter, type: .integer),
        FieldSchema(id: 51, name: "stock_min", kind: .register, type: .integer),
        FieldSchema(id: 52, name: "unit", kind: .register, type: .text),
        FieldSchema(id: 60, name: "tickets", kind: .addWinsSet, type: .text),
        // Schema version 4: what a Snipe-IT sheet brings beside the above. 购置金额 in fen
        // (分), so sums stay exact; registers, each edited on its own.
        FieldSchema(id: 70, name: "purchase_cost", kind: .register, type: .integer),
        FieldSchema(id: 71, name: "manufacturer", kind: .register, type: .text),
        FieldSchema(id: 72, name: "supplier", kind: .register, type: .text),
        FieldSchema(id: 73, name: "notes", kind: .register, type: .text),
    ])

    /// 审批 — purchase requests (设备申请), scrapping (报废) and change requests (变更);
    /// state folded from the transition log like the roster's requests.
    public static let approval = EntitySchema(id: 210, name: "approval", fields: [
        FieldSchema(id: 1, name: "kind", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 3, name: "requester", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 4, name: "requested_at", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 5, name: "title", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 6, name: "reason", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 7, name: "department", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 8, name: "quantity", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 9, name: "estimated_cost", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 10, name: "asset_tag", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 11, name: "system", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 12, name: "impact", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 13, name: "rollback_plan", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 14, name: "planned_at", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 20, name: "notify_departments", kind: .addWinsSet, type: .text),
        FieldSchema(id: 21, name: "transitions", kind: .log, type: .text),
    ])
}
