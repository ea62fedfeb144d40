import Foundation

/// What a refusal says to someone reading Chinese. The API keeps its English `message`
/// for operators and scripts; a page in Chinese shows the sentence for the error's code
/// instead (a code without one here fails `ErrorMessagesTests`, which reads every code
/// the server can answer).
extension Language {
    static let chineseErrorMessages: [String: String] = [
        "admin_only": "管理页面仅限管理员使用：您的账号没有管理员角色（或不管理该院区）。如需修改账号、人员或规则，请联系信息科管理员。",
        "already_exists": "该记录已存在。",
        "annual_leave_exceeded": "年假余额不足：已批准和待批的年假加上本次申请超过了全年年假天数。",
        "already_published": "该月排班表已发布，不能再生成草稿；请在排班表上逐项修改。",
        "ambiguous_asset_tag": "该资产编号在多个院区重复，请写明院区（编号@院区）。",
        "bad_calendar": "节假日日历格式不正确。",
        "bad_campus": "院区代码不正确。",
        "bad_date": "日期格式不正确，应为 年-月-日（如 2026-12-03）。",
        "bad_import": "导入文件无法读取，请检查列名和编码（UTF-8 的 CSV）。",
        "bad_kind": "类型不正确。",
        "bad_month": "月份格式不正确，应为 年-月（如 2026-12）。",
        "bad_seat": "所选班次席位不正确。",
        "bad_time": "时间格式不正确，应为 时:分（如 08:30）。",
        "bad_title": "标题不符合要求（不能为空，也不能过长）。",
        "bad_value": "填写的值不在允许范围内。",
        "body_too_large": "提交的内容过大。",
        "breaks_roster_rule": "这样安排违反排班规则（休息时间、请假、技能或重复排班），未保存。",
        "calendar_tokens_full": "本节点的日历订阅链接已达上限，请联系管理员。",
        "cross_site_request": "来自其他网站的提交已被拒绝。",
        "csrf_token_missing": "页面已过期，请刷新后重新提交。",
        "duplicate_asset_tag": "资产编号重复。",
        "event_streams_full": "本节点的实时更新连接已满，页面将定时刷新。",
        "event_streams_per_session": "本次登录打开的实时更新页面过多，请关闭一些页面。",
        "inactive_person": "该人员已停用。",
        "internal": "服务器内部错误，已记录日志，请联系管理员。",
        "invalid": "填写的内容不符合要求，未保存。",
        "leave_too_long": "请假天数超过上限，请分次申请。",
        "malformed_form": "表单内容无法识别，请刷新页面后重试。",
        "malformed_json": "提交的数据格式不正确。",
        "method_not_allowed": "不支持此操作。",
        "missing_field": "有必填项未填写。",
        "missing_host": "请求缺少主机名。",
        "non_canonical_path": "网址格式不正确。",
        "not_department_staff": "此操作仅限信息科工作人员。",
        "not_found": "找不到该页面或记录。",
        "not_on_duty": "您此刻不在班，不能进行此操作。",
        "not_permitted": "您的角色无权进行此操作。",
        "not_signed_in": "请先登录。",
        "not_your_ticket": "这不是您提交或负责的工单。",
        "outside_campus": "该院区不在您的职责范围内。",
        "overlapping": "与已有的申请或安排时间重叠。",
        "overloaded": "服务器繁忙，请稍后重试。",
        "overtime_cap_exceeded": "加班超过每日 2 小时的上限。",
        "overtime_not_in_advance": "加班须提前申请。",
        "password_change_required": "请先修改密码。",
        "password_refused": "新密码过于简单或与旧密码相同，请换一个。",
        "password_too_short": "新密码太短。",
        "password_unchanged": "新密码不能与当前密码相同。",
        "priority_with_urgency": "已填写紧急程度和影响范围时，不能再单独指定优先级。",
        "reversed_times": "结束时间早于开始时间。",
        "sign_in_failed": "用户名或密码错误，或账户已停用。",
        "sign_in_throttled": "登录尝试过于频繁，请稍后再试。",
        "storage": "数据未能写入，已记录日志，请联系管理员。",
        "too_many_assets": "关联的资产过多。",
        "too_many_departments": "通知的科室过多。",
        "too_many_fields": "提交的字段过多。",
        "too_many_items": "条目过多。",
        "unknown_actor": "找不到操作人。",
        "unknown_asset": "找不到该资产。",
        "unknown_calendar": "该日历订阅链接无效或已被撤销。",
        "unknown_campus": "找不到该院区。",
        "unknown_field": "提交了无法识别的字段。",
        "unknown_host": "此服务器不接受该主机名的访问。",
        "unknown_person": "找不到该人员。",
        "unknown_post": "找不到该岗位。",
        "unknown_seat": "找不到该班次席位。",
        "unknown_shift_kind": "找不到该班次。",
        "unknown_ticket": "找不到该工单。",
        "unsupported_media_type": "提交的内容类型不受支持。",
        "wrong_password": "当前密码不正确。",
        "wrong_state": "该记录当前的状态不允许此操作（可能已被他人处理），请刷新后查看。",
        "wrong_type": "填写的值类型不正确。",
    ]

    /// The refusal as this language says it.
    func message(of error: APIError) -> String {
        switch self {
        case .en: error.message
        case .zh: Self.chineseErrorMessages[error.code] ?? "请求未能完成。"
        }
    }
}
