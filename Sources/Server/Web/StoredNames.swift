import Domain

/// The names staff read for what the replica stores: entities, the bounded fields of
/// `StoredBounds` and the kinds of problem merging leaves. `/problems` shows these, never
/// the schema's keys; a bounded field without a name here fails `StoredNamesTests`.
extension Language {
    static let entityNames: [String: (String, String)] = [
        "campus": ("院区", "campus"), "person": ("人员", "person"), "post": ("岗位", "post"),
        "holiday": ("节假日", "holiday"), "roster_month": ("月排班表", "monthly roster"), "roster_seat": ("排班席位", "roster seat"),
        "swap_request": ("换班申请", "swap request"), "leave_request": ("请假申请", "leave request"),
        "overtime_request": ("加班申请", "overtime request"), "attendance_day": ("考勤记录", "attendance record"),
        "ticket_attachment": ("工单附件", "ticket attachment"),
        "handover": ("交接班", "handover"), "duty_log": ("值班记录", "duty log"), "audit": ("审计记录", "audit entry"),
        "account": ("账户", "account"), "ticket": ("工单", "ticket"), "asset": ("资产", "asset"), "approval": ("申请单", "request"),
        "ticket_policy": ("工单规则", "ticket policy"), "kb_article": ("知识库文章", "knowledge base article"),
        "emergency_plan": ("应急预案", "emergency plan"), "drill": ("演练", "drill"),
        "machine_room_entry": ("机房进出登记", "machine-room entry"), "security_check": ("安全检查", "security check"),
    ]

    static let fieldNames: [String: (String, String)] = [
        "campus.minimum_rest_minutes": ("最短休息分钟", "minimum rest (minutes)"),
        "campus.rest_days_after_night": ("夜班后休息天数", "rest days after a night"),
        "campus.shifts_per_day_max": ("每日最多班次", "shifts per day at most"),
        "campus.headcount": ("编制人数", "headcount"),
        "person.active": ("在岗", "active"), "person.avoid_nights": ("免夜班", "avoids nights"),
        "person.annual_leave_days": ("年假天数", "annual leave days a year"), "post.active": ("启用", "active"),
        "holiday.date": ("日期", "date"),
        "roster_month.month": ("月份", "month"), "roster_month.published_at": ("发布时间", "published at"),
        "roster_month.unfilled": ("未排席位数", "unfilled seats"),
        "roster_seat.date": ("日期", "date"), "roster_seat.month": ("月份", "month"), "roster_seat.seat": ("席位序号", "seat number"),
        "swap_request.requested_at": ("申请时间", "requested at"),
        "leave_request.first_day": ("开始日期", "first day"), "leave_request.last_day": ("结束日期", "last day"),
        "leave_request.days": ("天数", "days"), "leave_request.requested_at": ("申请时间", "requested at"),
        "overtime_request.date": ("日期", "date"), "overtime_request.start_minute": ("开始时刻", "start"),
        "overtime_request.end_minute": ("结束时刻", "end"), "overtime_request.requested_at": ("申请时间", "requested at"),
        "attendance_day.date": ("日期", "date"), "handover.at_minute": ("交接时间", "handed over at"), "duty_log.date": ("日期", "date"),
        "audit.month": ("月份", "month"),
        "account.password_changed_at": ("密码修改时间", "password changed at"), "account.must_change_password": ("须修改密码", "must change password"),
        "account.disabled": ("停用", "disabled"), "account.failed_attempts": ("登录失败次数", "failed sign-ins"),
        "account.locked_until": ("锁定至", "locked until"),
        "ticket.year": ("年份", "year"), "ticket.seq": ("序号", "sequence"), "ticket.reported_at": ("报修时间", "reported at"),
        "ticket.priority": ("优先级", "priority"), "ticket.major": ("重大故障", "major incident"), "ticket.entries": ("处理记录条数", "timeline entries"),
        "ticket.level": ("升级级别", "escalation level"), "ticket.summary_entries": ("摘要所含条数", "entries in the summary"),
        "ticket.opened_at": ("受理时间", "opened at"), "ticket.owned_at": ("接单时间", "taken at"), "ticket.resolved_at": ("解决时间", "resolved at"),
        "ticket.expected_at": ("预计完成时间", "expected at"), "ticket.ignored": ("忽略的记录数", "ignored entries"),
        "asset.registered_at": ("登记时间", "registered at"), "asset.scrapped_at": ("报废时间", "scrapped at"),
        "asset.purchased_on": ("购置日期", "purchased on"), "asset.warranty_until": ("保修截止", "warranty until"),
        "asset.contract_until": ("维保合同截止", "service contract until"), "asset.inspection_days": ("巡检周期（天）", "inspection period (days)"),
        "asset.stock": ("库存", "stock"), "asset.stock_min": ("最低库存", "minimum stock"),
        "asset.purchase_cost": ("购置金额（分）", "purchase cost (fen)"),
        "ticket_attachment.size": ("附件大小（字节）", "attachment size (bytes)"), "ticket_attachment.at": ("上传时间", "uploaded at"),
        "ticket_policy.policy": ("优先级矩阵与时限", "priority matrix and SLA targets"),
        "approval.requested_at": ("申请时间", "requested at"), "approval.quantity": ("数量", "quantity"),
        "approval.estimated_cost": ("预估费用", "estimated cost"), "approval.planned_at": ("计划实施时间", "planned at"),
        "emergency_plan.updated_at": ("修改时间", "updated at"), "drill.scheduled_on": ("计划日期", "scheduled on"),
        "drill.done_on": ("演练日期", "held on"), "drill.recorded_at": ("记录时间", "recorded at"),
        "machine_room_entry.in_at": ("进入时间", "went in at"), "machine_room_entry.out_at": ("离开时间", "came out at"),
        "security_check.due_on": ("应检日期", "due on"), "security_check.done_on": ("检查日期", "checked on"),
        "kb_article.created_at": ("创建时间", "created at"), "kb_article.revisions": ("版本数", "revisions"),
        "kb_article.review_on": ("复审日期", "review date"), "kb_article.archived_on": ("归档日期", "archived on"),
    ]

    /// Problem kinds as `GET /api/problems` spells them.
    static let problemKindNames: [String: (String, String)] = [
        "concurrent_assignees": ("并发排班冲突", "concurrent assignments"), "roster_rule": ("违反排班规则", "roster rule broken"),
        "swap_approval_after_close": ("换班批准晚于截止", "swap approved after closing"),
        "leave_revoked_after_cover": ("销假后班位仍由同事顶班", "leave called off while colleagues cover it"),
        "ticket_concurrent_assignees": ("处理人并发冲突", "concurrent assignees"),
        "ticket_ignored_transition": ("迟到的状态变更", "transition arrived too late"),
        "ticket_duplicate_number": ("工单号重复", "duplicate ticket number"),
        "concurrent_assignees_ticket": ("处理人并发冲突", "concurrent assignees"),
        "ignored_transition": ("迟到的状态变更", "transition arrived too late"), "duplicate_number": ("工单号重复", "duplicate ticket number"),
        "asset_duplicate_tag": ("资产编号重复", "duplicate asset tag"), "asset_negative_stock": ("库存为负", "stock below zero"),
        "asset_scrapped_without_approval": ("报废未获批准", "scrapped without approval"),
        "stored_value_out_of_bounds": ("存储值越界", "stored value out of bounds"),
    ]

    func entityName(_ entity: String) -> String {
        Self.entityNames[entity].map { pick($0.0, $0.1) } ?? entity
    }

    func fieldName(_ entity: String, _ field: String) -> String {
        Self.fieldNames["\(entity).\(field)"].map { pick($0.0, $0.1) } ?? field
    }

    func problemKindName(_ kind: String) -> String {
        Self.problemKindNames[kind].map { pick($0.0, $0.1) } ?? kind
    }
}
