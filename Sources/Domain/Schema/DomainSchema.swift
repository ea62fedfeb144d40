import Replica

/// The replicated entities of the department, with ids that are stable forever:
/// an entity or field id is never renumbered, retyped or reused, only added.
///
/// Id ranges, so the modules that follow never collide:
/// 1–9 people and organisation, 10–19 rosters, 20–29 attendance, 30–39 handover
/// and duty log, 40–49 audit, 50–59 accounts of the web server; tickets take 100–199,
/// assets 200–299 and notifications 300–319.
///
/// The merge kind of each field, and why, is in docs/rosters.md.
public enum DomainSchema {
    /// 院区 — a campus, keyed by its code.
    public static let campus = EntitySchema(id: 1, name: "campus", fields: [
        FieldSchema(id: 1, name: "code", kind: .register, type: .text),
        FieldSchema(id: 2, name: "name", kind: .register, type: .text),
        // 总值班 — name and phone of the hospital's general duty officer, replaced together.
        FieldSchema(id: 3, name: "general_duty_name", kind: .register, type: .text, group: "general_duty"),
        FieldSchema(id: 4, name: "general_duty_phone", kind: .register, type: .text, group: "general_duty"),
        FieldSchema(id: 5, name: "shift_set", kind: .register, type: .text),
        // 休息规则 — one rule set, so two edits never mix a minimum from one with a count from the other.
        FieldSchema(id: 6, name: "minimum_rest_minutes", kind: .register, type: .integer, group: "rest"),
        FieldSchema(id: 7, name: "rest_days_after_night", kind: .register, type: .integer, group: "rest"),
        FieldSchema(id: 8, name: "shifts_per_day_max", kind: .register, type: .integer, group: "rest"),
        FieldSchema(id: 9, name: "headcount", kind: .register, type: .integer),
    ])

    /// 人员 — a staff member, keyed by staff number (工号). User accounts of the HTTP
    /// server bind to this row; tickets and assets name people by staff number.
    public static let person = EntitySchema(id: 2, name: "person", fields: [
        FieldSchema(id: 1, name: "staff_no", kind: .register, type: .text),
        FieldSchema(id: 2, name: "name", kind: .register, type: .text),
        FieldSchema(id: 3, name: "campus", kind: .register, type: .text),
        FieldSchema(id: 4, name: "phone", kind: .register, type: .text),
        // 在职 — 1 active, 0 left; people are never deleted: the audit trail names them.
        FieldSchema(id: 5, name: "active", kind: .register, type: .integer),
        FieldSchema(id: 6, name: "posts", kind: .addWinsSet, type: .text),
        FieldSchema(id: 7, name: "skills", kind: .addWinsSet, type: .text),
        // Elements `role@CAMPUS` or `role@*` (every campus); see `RoleGrant`.
        FieldSchema(id: 8, name: "roles", kind: .addWinsSet, type: .text),
        FieldSchema(id: 9, name: "avoid_nights", kind: .register, type: .integer),
        FieldSchema(id: 10, name: "days_off", kind: .addWinsSet, type: .text),
        // 年假天数 — annual leave entitled per calendar year, set by the administrator
        // (schema version 3); NULL: not set, no balance is kept.
        FieldSchema(id: 11, name: "annual_leave_days", kind: .register, type: .integer),
    ])

    /// 岗位 — a post of a campus, keyed by campus and post id.
    public static let post = EntitySchema(id: 3, name: "post", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text),
        FieldSchema(id: 2, name: "post_id", kind: .register, type: .text),
        FieldSchema(id: 3, name: "name_zh", kind: .register, type: .text),
        FieldSchema(id: 4, name: "name_en", kind: .register, type: .text),
        FieldSchema(id: 5, name: "required_skills", kind: .addWinsSet, type: .text),
        FieldSchema(id: 6, name: "phone", kind: .register, type: .text),
        FieldSchema(id: 7, name: "active", kind: .register, type: .integer),
    ])

    /// 节假日 — one calendar day that is not what its weekday says, keyed by date.
    public static let holiday = EntitySchema(id: 4, name: "holiday", fields: [
        FieldSchema(id: 1, name: "date", kind: .register, type: .text),
        FieldSchema(id: 2, name: "kind", kind: .register, type: .text, group: "day"),
        FieldSchema(id: 3, name: "day_name", kind: .register, type: .text, group: "day"),
    ])

    /// 值班表 — a campus month's publication, keyed by campus and month.
    public static let rosterMonth = EntitySchema(id: 10, name: "roster_month", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text),
        FieldSchema(id: 2, name: "month", kind: .register, type: .text),
        FieldSchema(id: 3, name: "published_by", kind: .register, type: .text, group: "publication"),
        FieldSchema(id: 4, name: "published_at", kind: .register, type: .integer, group: "publication"),
        FieldSchema(id: 5, name: "seed", kind: .register, type: .integer, group: "publication"),
        FieldSchema(id: 6, name: "unfilled", kind: .register, type: .integer, group: "publication"),
    ])

    /// 班位 — one seat of the roster, keyed by campus, date, post, shift kind and seat.
    public static let rosterSeat = EntitySchema(id: 11, name: "roster_seat", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "slot"),
        FieldSchema(id: 2, name: "date", kind: .register, type: .text, group: "slot"),
        FieldSchema(id: 3, name: "post", kind: .register, type: .text, group: "slot"),
        FieldSchema(id: 4, name: "shift_kind", kind: .register, type: .text, group: "slot"),
        FieldSchema(id: 5, name: "seat", kind: .register, type: .integer, group: "slot"),
        FieldSchema(id: 6, name: "month", kind: .register, type: .text, group: "slot"),
        // Who works it. Two campuses changing it concurrently surface both for the chief.
        FieldSchema(id: 7, name: "assignee", kind: .surfacedRegister, type: .text),
    ])

    /// 换班申请 — a swap request; its state is folded from the transition log.
    public static let swapRequest = EntitySchema(id: 12, name: "swap_request", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 2, name: "requester", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 3, name: "colleague", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 4, name: "requester_seat", kind: .register, type: .text, group: "request"),
        // Empty for a cover (顶班): the colleague takes the shift and gives none back.
        FieldSchema(id: 5, name: "colleague_seat", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 6, name: "reason", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 7, name: "requested_at", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 8, name: "transitions", kind: .log, type: .text),
    ])

    /// 请假申请 — a leave request; state folded from the transition log.
    public static let leaveRequest = EntitySchema(id: 20, name: "leave_request", fields: [
        FieldSchema(id: 1, name: "person", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 3, name: "first_day", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 4, name: "last_day", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 5, name: "days", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 6, name: "reason", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 7, name: "requested_at", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 8, name: "transitions", kind: .log, type: .text),
        // 假别 (`LeaveKind` raw value), schema version 3. Not in the "request" group: a
        // group is written whole, so a version-2 node's request (without the kind) would
        // be refused by this one. NULL or unknown reads as 事假 (`LeaveKind.stored`).
        FieldSchema(id: 9, name: "kind", kind: .register, type: .text),
    ])

    /// 加班申请 — an overtime request, made before the overtime; state folded from the log.
    public static let overtimeRequest = EntitySchema(id: 21, name: "overtime_request", fields: [
        FieldSchema(id: 1, name: "person", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 3, name: "date", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 4, name: "start_minute", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 5, name: "end_minute", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 6, name: "reason", kind: .register, type: .text, group: "request"),
        FieldSchema(id: 7, name: "requested_at", kind: .register, type: .integer, group: "request"),
        FieldSchema(id: 8, name: "transitions", kind: .log, type: .text),
        // 加班补偿 (`OvertimeCompensation` raw value), schema version 3; its own register
        // for the reason `leave_request.kind` is. NULL or unknown reads as 调休.
        FieldSchema(id: 9, name: "compensation", kind: .register, type: .text),
    ])

    /// 考勤 — one person's day, keyed by person and date; sign-ins and sign-outs are appended.
    public static let attendanceDay = EntitySchema(id: 22, name: "attendance_day", fields: [
        FieldSchema(id: 1, name: "person", kind: .register, type: .text, group: "day"),
        FieldSchema(id: 2, name: "campus", kind: .register, type: .text, group: "day"),
        FieldSchema(id: 3, name: "date", kind: .register, type: .text, group: "day"),
        FieldSchema(id: 4, name: "events", kind: .log, type: .text),
    ])

    /// 交接班 — a handover between two engineers; notes and signatures are appended.
    public static let handover = EntitySchema(id: 30, name: "handover", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "parties"),
        FieldSchema(id: 2, name: "post", kind: .register, type: .text, group: "parties"),
        FieldSchema(id: 3, name: "outgoing", kind: .register, type: .text, group: "parties"),
        FieldSchema(id: 4, name: "incoming", kind: .register, type: .text, group: "parties"),
        FieldSchema(id: 5, name: "at_minute", kind: .register, type: .integer, group: "parties"),
        FieldSchema(id: 6, name: "open_items", kind: .addWinsSet, type: .text),
        FieldSchema(id: 7, name: "entries", kind: .log, type: .text),
    ])

    /// 值班记录 — the duty log of one post's duty date, keyed by campus, post and date.
    public static let dutyLog = EntitySchema(id: 31, name: "duty_log", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "shift"),
        FieldSchema(id: 2, name: "post", kind: .register, type: .text, group: "shift"),
        FieldSchema(id: 3, name: "date", kind: .register, type: .text, group: "shift"),
        FieldSchema(id: 4, name: "entries", kind: .log, type: .text),
    ])

    /// 审计 — the audit trail of one node for one month, keyed by site and month, so a
    /// row stays bounded and two nodes never append to the same row.
    public static let audit = EntitySchema(id: 40, name: "audit", fields: [
        FieldSchema(id: 1, name: "site", kind: .register, type: .text, group: "trail"),
        FieldSchema(id: 2, name: "month", kind: .register, type: .text, group: "trail"),
        FieldSchema(id: 3, name: "entries", kind: .log, type: .text),
    ])

    /// 用户账号 — a sign-in account of the web dashboard and API, keyed by username,
    /// bound to a person (roles and campus scope come from the person). Replicated like
    /// everything else, so its user signs in at any campus node, also during a partition.
    public static let account = EntitySchema(id: 50, name: "account", fields: [
        FieldSchema(id: 1, name: "username", kind: .register, type: .text),
        FieldSchema(id: 2, name: "person", kind: .register, type: .text),
        // The hash, when it was set and whether its holder must replace it: replaced
        // together, so a reset on one node and a change on another never mix.
        FieldSchema(id: 3, name: "password_hash", kind: .register, type: .text, group: "password"),
        FieldSchema(id: 4, name: "password_changed_at", kind: .register, type: .integer, group: "password"),
        FieldSchema(id: 5, name: "must_change_password", kind: .register, type: .integer, group: "password"),
        FieldSchema(id: 6, name: "disabled", kind: .register, type: .integer),
        // Failed sign-ins since the last success, and the lockout they caused. A
        // register: attempts counted concurrently on two nodes may undercount (docs/server.md).
        FieldSchema(id: 7, name: "failed_attempts", kind: .register, type: .integer, group: "lockout"),
        FieldSchema(id: 8, name: "locked_until", kind: .register, type: .integer, group: "lockout"),
    ])

    /// Schema version 1: the first set of entities. Version 2 adds accounts, tickets,
    /// assets and approvals (additive: a version-1 node keeps their batches deferred
    /// until it is upgraded). Version 3 adds the leave request's kind (假别) and the overtime
    /// request's compensation (调休 or 加班费). Version 4 adds an asset's purchase cost,
    /// manufacturer, supplier and notes, tickets' attachments, notifications (escalation
    /// policy, delivery records, personal channels), and the department's records
    /// (knowledge base, emergency plans and drills, machine room, security checks).
    public static let schema = Schema(version: 4, entities: [
        campus, person, post, holiday, rosterMonth, rosterSeat, swapRequest,
        leaveRequest, overtimeRequest, attendanceDay, handover, dutyLog, audit, account,
        ticket, ticketPolicy, ticketAttachment, asset, approval,
        notificationPolicy, notificationDelivery, notificationSettings,
        article, emergencyPlan, drill, machineRoomEntry, securityCheck,
    ])
}
