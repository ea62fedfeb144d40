/// 工单状态 — folded from the timeline by `TicketFlow`; never written on its own.
public enum TicketState: String, Hashable, Codable, Sendable, CaseIterable {
    /// 新建 — recorded, nobody owns it yet.
    case new
    /// 已派单
    case assigned
    /// 处理中
    case inProgress = "in_progress"
    /// 挂起 — waiting on the requester, a vendor or parts; the SLA clock stops.
    case pending
    /// 已解决 — root cause and improvement recorded; the requester may still reopen.
    case resolved
    /// 已关闭
    case closed
    /// 已取消
    case cancelled

    public var chineseName: String {
        switch self {
        case .new: "新建"
        case .assigned: "已派单"
        case .inProgress: "处理中"
        case .pending: "挂起"
        case .resolved: "已解决"
        case .closed: "已关闭"
        case .cancelled: "已取消"
        }
    }

    /// Open: someone still has to act, and the SLA clock may run.
    public var isOpen: Bool {
        switch self {
        case .new, .assigned, .inProgress, .pending: true
        case .resolved, .closed, .cancelled: false
        }
    }

    public static let openStates: [TicketState] = allCases.filter(\.isOpen)
}

/// 挂起原因 — why a ticket waits.
public enum PendingReason: String, Hashable, Codable, Sendable, CaseIterable {
    /// 等待报修人
    case requester
    /// 等待厂商
    case vendor
    /// 等待配件
    case parts
}

/// 紧急程度
public enum Urgency: String, Hashable, Codable, Sendable, CaseIterable {
    case high, medium, low
}

/// 影响范围 — one person, one department, or the whole service / hospital.
public enum Impact: String, Hashable, Codable, Sendable, CaseIterable {
    case person, department, hospital
}

/// 问题类别
public enum TicketCategory: String, Hashable, Codable, Sendable, CaseIterable {
    case hardware, network, application, account, printer, security, other

    /// The post whose duty engineer takes it by default (falls back to the campus's posts).
    public var defaultPost: PostID {
        switch self {
        case .hardware, .printer, .other: "system-maintenance"
        case .network, .security: "network-security"
        case .application: "application-development"
        case .account: "data-operations"
        }
    }
}

/// 报修渠道
public enum IntakeChannel: String, Hashable, Codable, Sendable, CaseIterable {
    case phone
    case walkIn = "walk-in"
    case web
}
