import Domain
import HTTPTypes

/// A refusal of a 我的值班 form found by the server before the domain is asked
/// (a field missing or too long, a handover to oneself, a seat that is not the
/// colleague's), already in both languages.
struct DutyRefusal: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let zh: String
    let en: String

    /// A value refused (422).
    init(_ code: String, _ zh: String, _ en: String) { self.init(.unprocessableContent, code, zh, en) }

    init(_ status: HTTPResponse.Status, _ code: String, _ zh: String, _ en: String) {
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en
    }

    var apiError: APIError { APIError(status, code, en) }
}

/// What the page says when a form was refused: in the user's language, next to the
/// form, with the status and stable code for the log.
struct DutyFormFailure: Sendable {
    let form: String
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// What was typed, to put back in the form.
    let values: [String: String]

    func value(_ field: String) -> String { values[field] ?? "" }
}

extension Language {
    /// A form field's name as the page labels it.
    func field(_ name: String) -> String {
        switch name {
        case "reason": pick("事由", "reason")
        case "done": pick("已完成的工作", "what was done")
        case "pending": pick("待办事项", "what is pending")
        case "openItems": pick("遗留问题", "open problems")
        case "note": pick("备注", "note")
        case "incoming": pick("接班人", "incoming engineer")
        case "post": pick("岗位", "post")
        case "seat": pick("我的班次", "my shift")
        case "colleague": pick("同事", "colleague")
        case "colleagueSeat": pick("同事的班次", "colleague's shift")
        case "date": pick("日期", "date")
        case "start": pick("开始时间", "start")
        case "end": pick("结束时间", "end")
        case "firstDay": pick("首日", "first day")
        case "lastDay": pick("末日", "last day")
        case "text", "duty log text": pick("记录内容", "entry")
        case "location": pick("位置", "location")
        case "department": pick("科室", "department")
        case "holder": pick("使用人", "holder")
        case "quantity": pick("数量", "quantity")
        case "name": pick("名称", "name")
        case "model": pick("型号", "model")
        case "serial": pick("序列号", "serial number")
        case "tag", "asset tag": pick("资产编号", "asset tag")
        case "unit": pick("单位", "unit")
        case "ticket": pick("工单号", "ticket number")
        case "inspection items": pick("检查项", "inspection items")
        case let item where item.hasPrefix("item"): pick("检查项", "inspection item")
        case "title": pick("标题", "title")
        case "campus": pick("院区", "campus")
        case "estimatedCost", "estimated cost": pick("预算（元）", "estimated cost")
        case "assetTag": pick("资产编号", "asset tag")
        case "system": pick("系统", "system")
        case "impact": pick("影响范围", "impact")
        case "rollbackPlan", "rollback plan (回退方案)": pick("回退方案", "rollback plan")
        case "notifyDepartments", "departments to notify": pick("通知科室", "departments to notify")
        case "assessment": pick("评估意见", "assessment")
        default: pick("必填项", "a required field")
        }
    }

    /// Why a form was refused, in this language: the server's own refusals as they are,
    /// the domain's by case (with its figures: the overtime cap, the dates), an API error
    /// by its code. Never a raw key or English text on a Chinese page.
    func refusal(_ error: any Error) -> String {
        if let refusal = error as? DutyRefusal { return pick(refusal.zh, refusal.en) }
        if let domain = error as? DomainError { return refusal(domain: domain) }
        let api = APIError.from(error)
        switch api.code {
        case "not_department_staff": return pick("此操作仅限信息科值班人员（科长、工程师、值班工程师、考勤员、管理员）。",
                                                 "Only the IT department's duty staff may do this.")
        case "outside_campus": return pick("您在该院区没有职务，不能在那里办理。", "You hold no role at that campus.")
        case "bad_date": return pick("日期无效：请按“年-月-日”填写。", "Invalid date: use YYYY-MM-DD.")
        case "bad_time": return pick("时间无效：请按“时:分”填写。", "Invalid time: use HH:MM.")
        case "bad_seat": return pick("所选班次无效。", "The chosen shift is not valid.")
        case "not_found": return pick("找不到该项，可能已被处理。", "Not found; it may have been dealt with already.")
        default: return pick("请求未完成，请检查填写的内容。", api.message)
        }
    }

    private func refusal(domain error: DomainError) -> String {
        switch error {
        case let .overtimeCapExceeded(_, date, requested, already, cap):
            return pick("每日加班不超过 \(cap / 60) 小时：\(date.iso) 本次申请 \(requested) 分钟，当天已申请或已批准 \(already) 分钟，合计 \(requested + already) 分钟。",
                        "Overtime is at most \(cap / 60) h a day: on \(date.iso) you asked for \(requested) min with \(already) min already requested or approved, \(requested + already) min in all.")
        case let .overtimeNotInAdvance(start, now):
            return pick("加班须提前申请：开始时间 \(start.description) 不晚于现在（\(now.description)）。",
                        "Overtime must be requested in advance: \(start.description) is not after now (\(now.description)).")
        case .reversedTimes:
            return pick("结束须晚于开始。", "The end must come after the start.")
        case .overlapping:
            return pick("与您已有的申请时间重叠。", "This overlaps a request you already have.")
        case .missing(let field):
            return pick("请填写\(self.field(field))。", "Please fill in \(self.field(field)).")
        case let .annualLeaveExceeded(_, year, requested, remaining, entitled):
            return pick("年假余额不足：\(year) 年共 \(entitled) 天，剩余 \(remaining) 天（已批准和待批的都算），本次申请 \(requested) 天。",
                        "Not enough annual leave: \(entitled) days in \(year), \(remaining) left (approved and pending counted), \(requested) asked.")
        case let .leaveTooLong(days, max):
            return pick("请假 \(days) 天，超过上限 \(max) 天。", "Leave of \(days) days is longer than the \(max) allowed.")
        case .notOnDuty:
            return pick("您此刻不在该岗位值班，不能填写值班记录。", "You are not on duty on that post now: the duty log is written during the shift.")
        case .wrongState:
            return pick("当前状态不允许此操作（可能已被处理或班次已开始）。", "Its state does not allow this (already dealt with, or the shift has started).")
        case .notPermitted:
            return pick("您没有权限执行此操作。", "You may not do this.")
        case .unknownPerson, .inactivePerson:
            return pick("所选人员不在在职人员名录中。", "That person is not active staff.")
        case .unknownSeat:
            return pick("所选班次不在值班表中。", "That shift is not in the roster.")
        case .unknownPost:
            return pick("所选岗位不存在。", "No such post.")
        case .unknownRequest:
            return pick("找不到该申请。", "No such request.")
        case .unknownAsset(let tag):
            return pick("找不到资产编号“\(tag)”。", "No asset tagged \(tag).")
        case .ambiguousAssetTag(let tag, let campuses):
            return pick("资产编号“\(tag)”在多个院区重复，请写成 编号@院区（如 \(tag)@\(campuses.first?.rawValue ?? "EAST")）。",
                        "Tag \(tag) is used at several campuses: write it as tag@campus.")
        case .unknownCampus:
            return pick("找不到该院区。", "No such campus.")
        case .alreadyExists(let what):
            return pick("已有同样的记录，未重复保存（\(what)）。", "It exists already: \(what).")
        case .badDate:
            return pick("日期无效。", "Invalid date.")
        case .breaksRosterRule(let rule):
            return pick("违反排班规则，未保存。", "Breaks a roster rule: \(rule).")
        default:
            return pick("请求未完成，未保存任何内容。", error.description)
        }
    }
}
