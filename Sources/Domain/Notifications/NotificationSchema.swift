import Replica

/// Notification entities (ids 300–319): the escalation policy, one delivery record per
/// idempotency key, and each person's channels. Merge kind of each field and why:
/// docs/notifications.md.
extension DomainSchema {
    /// 升级策略 — timed escalation per priority, one row keyed `hospital`, replaced as a
    /// whole (like `ticket_policy`) so a policy never mixes two administrators' edits.
    public static let notificationPolicy = EntitySchema(id: 300, name: "notification_policy", fields: [
        FieldSchema(id: 1, name: "policy", kind: .register, type: .text),
    ])

    /// 通知记录 — one notification (ticket, step, recipient), keyed by its idempotency key,
    /// so every node that sends it writes the same row and a duplicate is counted, not hidden.
    public static let notificationDelivery = EntitySchema(id: 301, name: "notification_delivery", fields: [
        // What it is, the same on every node (derived from replicated facts).
        FieldSchema(id: 1, name: "notification_key", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 2, name: "subject", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 3, name: "number", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 4, name: "step", kind: .register, type: .integer, group: "identity"),
        FieldSchema(id: 5, name: "level", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 6, name: "recipient", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 7, name: "due_at", kind: .register, type: .integer, group: "identity"),
        FieldSchema(id: 8, name: "title", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 9, name: "campus", kind: .register, type: .text, group: "identity"),
        // Who sent it and when (the last writer is shown; `sends` counts every sender).
        FieldSchema(id: 10, name: "sent_by", kind: .register, type: .text, group: "sent"),
        FieldSchema(id: 11, name: "sent_at", kind: .register, type: .integer, group: "sent"),
        // 1 per sending node: more than 1 is a duplicate across a partition.
        FieldSchema(id: 12, name: "sends", kind: .counter, type: .integer),
        // Channels that accepted it (`browser`, `email`, `wecom`, …).
        FieldSchema(id: 13, name: "channels", kind: .addWinsSet, type: .text),
        // 已读 — set when the recipient opens it in the browser.
        FieldSchema(id: 14, name: "read_at", kind: .register, type: .integer),
    ])

    /// 通知方式 — a person's channels and quiet hours, keyed by staff number, replaced
    /// as a whole by its owner (or the administrator).
    public static let notificationSettings = EntitySchema(id: 302, name: "notification_settings", fields: [
        FieldSchema(id: 1, name: "person", kind: .register, type: .text),
        FieldSchema(id: 2, name: "settings", kind: .register, type: .text),
    ])
}
