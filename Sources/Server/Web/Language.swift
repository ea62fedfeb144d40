import Domain
import HTTPTypes
import Hummingbird

/// 界面语言 — Simplified Chinese by default; English by `?lang=en` (remembered in the
/// `lang` cookie) or the cookie alone.
enum Language: String, Sendable {
    case zh
    case en

    static let cookieName = "lang"

    static func of(_ request: Request) -> Language {
        if let asked = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return asked }
        return request.cookies[cookieName].flatMap { Language(rawValue: $0.value) } ?? .zh
    }

    /// Whether the request chose a language that should be remembered.
    static func chosen(_ request: Request) -> Language? {
        request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:))
    }

    func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }

    var htmlLang: String { self == .zh ? "zh-CN" : "en" }
}

extension Language {
    /// An escalation level as staff say it: 值班工程师 → 科长 → 总值班.
    func name(of level: EscalationLevel) -> String {
        switch level {
        case .dutyEngineer: pick(level.chineseName, "Duty engineer")
        case .sectionChief: pick(level.chineseName, "Section chief")
        case .generalDutyOfficer: pick(level.chineseName, "General duty officer")
        }
    }

    /// How a problem was reported.
    func name(of channel: IntakeChannel) -> String {
        switch channel {
        case .phone: pick("电话", "phone")
        case .walkIn: pick("现场", "walk-in")
        case .web: pick("网页", "web")
        }
    }

    /// Why a ticket waits.
    func name(of reason: PendingReason) -> String {
        switch reason {
        case .requester: pick("等待报修人", "waiting for the requester")
        case .vendor: pick("等待厂商", "waiting for the vendor")
        case .parts: pick("等待配件", "waiting for parts")
        }
    }

    /// Which minutes an SLA clock counts.
    func name(of clock: SLAClock) -> String {
        switch clock {
        case .allDay: pick("7×24", "24/7")
        case .businessHours: pick("工作时间", "office hours")
        }
    }

    /// A request's state and what someone did to it, as staff say them.
    func name(of state: RequestState) -> String {
        switch state {
        case .requested: pick(state.chineseName, "requested")
        case .accepted: pick(state.chineseName, "accepted by the colleague")
        case .approved: pick(state.chineseName, "approved")
        case .rejected: pick(state.chineseName, "rejected")
        case .declined: pick(state.chineseName, "declined by the colleague")
        case .cancelled: pick(state.chineseName, "withdrawn")
        }
    }

    func name(of action: RequestAction) -> String {
        switch action {
        case .request: pick("申请", "requested")
        case .accept: pick("同意", "accepted")
        case .decline: pick("拒绝", "declined")
        case .approve: pick("批准", "approved")
        case .reject: pick("驳回", "rejected")
        case .cancel: pick("撤回", "withdrew")
        case .revoke: pick("销假", "called off")
        }
    }
}

extension Language {
    /// 假别 — a leave request's kind.
    func name(of kind: LeaveKind) -> String {
        switch kind {
        case .annual: pick(kind.chineseName, "annual leave")
        case .sick: pick(kind.chineseName, "sick leave")
        case .personal: pick(kind.chineseName, "personal leave")
        case .marriage: pick(kind.chineseName, "marriage leave")
        case .maternity: pick(kind.chineseName, "maternity leave")
        case .paternity: pick(kind.chineseName, "paternity leave")
        case .bereavement: pick(kind.chineseName, "bereavement leave")
        case .timeOffInLieu: pick(kind.chineseName, "time off in lieu")
        }
    }

    /// A purchase, scrap or change request's state as staff say it.
    func name(of state: ApprovalState) -> String {
        switch state {
        case .requested: pick("已申请", "requested")
        case .departmentApproved: pick("科室已批准", "approved by the department")
        case .assessed: pick("已评估", "assessed")
        case .approved: pick("已批准", "approved")
        case .implemented: pick("已实施", "implemented")
        case .rejected: pick("已驳回", "rejected")
        case .cancelled: pick("已撤回", "withdrawn")
        }
    }

    /// A purchase, scrap or change request's kind.
    func name(of kind: ApprovalKind) -> String {
        switch kind {
        case .purchase: pick(kind.chineseName, "purchase request")
        case .scrap: pick(kind.chineseName, "scrapping request")
        case .change: pick(kind.chineseName, "change request")
        }
    }

    /// An SLA state as staff say it.
    func name(of state: SLAStatus.State) -> String {
        switch state {
        case .onTrack: pick(state.chineseName, "on track")
        case .atRisk: pick(state.chineseName, "at risk")
        case .ownBreached: pick(state.chineseName, "response overdue")
        case .resolveBreached: pick(state.chineseName, "resolution overdue")
        case .met: pick(state.chineseName, "met")
        }
    }

    /// A ticket's state as staff say it.
    func name(of state: TicketState) -> String {
        switch state {
        case .new: pick(state.chineseName, "new")
        case .assigned: pick(state.chineseName, "assigned")
        case .inProgress: pick(state.chineseName, "in progress")
        case .pending: pick(state.chineseName, "on hold")
        case .resolved: pick(state.chineseName, "resolved")
        case .closed: pick(state.chineseName, "closed")
        case .cancelled: pick(state.chineseName, "cancelled")
        }
    }

    /// How overtime is made good.
    func name(of compensation: OvertimeCompensation) -> String {
        switch compensation {
        case .timeOff: pick(compensation.chineseName, "time off in lieu")
        case .pay: pick(compensation.chineseName, "paid")
        }
    }
}
