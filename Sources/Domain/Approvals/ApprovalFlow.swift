/// 审批类型
public enum ApprovalKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// 设备申请 — department approval, then IT (the section chief).
    case purchase
    /// 报废 — the section chief approves; the asset is scrapped in the same batch.
    case scrap
    /// 变更 — apply → assess → approve → implement (申请→评估→审批→实施).
    case change

    public var chineseName: String {
        switch self {
        case .purchase: "设备申请"
        case .scrap: "报废申请"
        case .change: "变更申请"
        }
    }
}

/// 审批状态 — folded from the transition log.
public enum ApprovalState: String, Hashable, Codable, Sendable, CaseIterable {
    /// 已申请
    case requested
    /// 科室已批准 (purchase)
    case departmentApproved = "department_approved"
    /// 已评估 (change)
    case assessed
    /// 已批准
    case approved
    /// 已实施 (change)
    case implemented
    /// 已驳回
    case rejected
    /// 已撤回
    case cancelled
}

public enum ApprovalAction: String, Hashable, Codable, Sendable, CaseIterable {
    case request
    /// 科室审批
    case departmentApprove = "department-approve"
    /// 评估
    case assess
    /// 审批 (IT / section chief)
    case approve
    /// 实施
    case implement
    case reject, cancel
}

/// One entry of an approval's transition log.
public struct ApprovalTransition: Hashable, Codable, Sendable {
    public let action: ApprovalAction
    public let by: String
    public let at: Int
    /// Assessment, reason for rejection, implementation report…
    public let note: String
}

/// The state machine of each kind, folded in stamp order like the roster's requests:
/// a transition illegal by the time it is folded is kept as `ignored`, never dropped.
public enum ApprovalFlow {
    public static func next(_ kind: ApprovalKind, _ state: ApprovalState, _ action: ApprovalAction) -> ApprovalState? {
        switch (kind, state, action) {
        case (.purchase, .requested, .departmentApprove): .departmentApproved
        case (.purchase, .departmentApproved, .approve): .approved
        case (.purchase, .requested, .reject), (.purchase, .departmentApproved, .reject): .rejected
        case (.purchase, .requested, .cancel), (.purchase, .departmentApproved, .cancel): .cancelled
        case (.scrap, .requested, .approve): .approved
        case (.scrap, .requested, .reject): .rejected
        case (.scrap, .requested, .cancel): .cancelled
        case (.change, .requested, .assess): .assessed
        case (.change, .assessed, .approve): .approved
        case (.change, .approved, .implement): .implemented
        case (.change, .requested, .reject), (.change, .assessed, .reject): .rejected
        case (.change, .requested, .cancel), (.change, .assessed, .cancel), (.change, .approved, .cancel): .cancelled
        case (.purchase, _, _), (.scrap, _, _), (.change, _, _): nil
        }
    }

    /// The role that may take `action` on a request of `kind`.
    public static func role(_ kind: ApprovalKind, _ action: ApprovalAction, state: ApprovalState) -> [Role] {
        switch action {
        case .departmentApprove: [.departmentHead]
        case .approve: [.sectionChief]
        case .assess, .implement: [.engineer, .dutyEngineer, .sectionChief]
        case .reject: kind == .purchase && state == .requested ? [.departmentHead] : [.sectionChief]
        case .request, .cancel: []
        }
    }

    public static func fold(_ kind: ApprovalKind, _ log: [ApprovalTransition]) -> (state: ApprovalState, ignored: [ApprovalTransition]) {
        var state = ApprovalState.requested
        var ignored: [ApprovalTransition] = []
        var requested = false
        for t in log {
            if t.action == .request, !requested { requested = true; continue }
            if let next = next(kind, state, t.action) { state = next } else { ignored.append(t) }
        }
        return (state, ignored)
    }
}
