/// The state of a request (换班, 请假, 加班), folded from its transition log.
///
/// Why a log and not a state register: two nodes may act on one request while cut off
/// (the requester cancels at EAST while the chief approves at MAIN). A register would
/// keep one write and silently drop the other; the log keeps both, every replica folds
/// them in the same stamp order through the same state machine, and a transition that
/// is illegal by the time it is folded (an approval after a cancel) is kept as
/// `ignored` and reported by `RosterProblems` instead of vanishing.
public enum RequestState: String, Hashable, Codable, Sendable, CaseIterable {
    /// 已申请
    case requested
    /// 同事已同意 (swaps only)
    case accepted
    /// 已批准
    case approved
    /// 已驳回
    case rejected
    /// 同事拒绝 (swaps only)
    case declined
    /// 已撤回
    case cancelled

    public var chineseName: String {
        switch self {
        case .requested: "已申请"
        case .accepted: "同事已同意"
        case .approved: "已批准"
        case .rejected: "已驳回"
        case .declined: "同事拒绝"
        case .cancelled: "已撤回"
        }
    }
}

/// What someone did to a request.
public enum RequestAction: String, Hashable, Codable, Sendable, CaseIterable {
    case request, accept, decline, approve, reject, cancel
    /// 销假 — approved leave or overtime called off (by the person or the chief). A node
    /// older than this action cannot decode it and keeps showing the request approved.
    case revoke
}

/// One entry of a request's transition log.
public struct RequestTransition: Hashable, Codable, Sendable {
    public let action: RequestAction
    public let by: String
    public let at: Int

    public init(_ action: RequestAction, by: PersonID, at: LocalDateTime) {
        self.action = action
        self.by = by.rawValue
        self.at = at.minutesSinceEpoch
    }
}

/// The state machine every replica folds a transition log through.
public struct RequestFlow: Hashable, Sendable {
    /// Swaps need the colleague's acceptance before the chief approves; leave and overtime go straight to the chief.
    public let needsAcceptance: Bool

    public static let swap = RequestFlow(needsAcceptance: true)
    public static let direct = RequestFlow(needsAcceptance: false)

    /// The state after `action`, or nil when the action is not allowed from `state`.
    public func next(_ state: RequestState, _ action: RequestAction) -> RequestState? {
        switch (state, action) {
        case (.requested, .accept): needsAcceptance ? .accepted : nil
        case (.requested, .decline): needsAcceptance ? .declined : nil
        case (.requested, .approve): needsAcceptance ? nil : .approved
        case (.accepted, .approve): .approved
        case (.requested, .reject), (.accepted, .reject): .rejected
        case (.requested, .cancel), (.accepted, .cancel): .cancelled
        // A swap moved seats when approved: it is undone by another swap, not revoked.
        case (.approved, .revoke): needsAcceptance ? nil : .cancelled
        case (_, .request), (.accepted, .accept), (.accepted, .decline), (_, .revoke),
             (.approved, _), (.rejected, _), (.declined, _), (.cancelled, _):
            nil
        }
    }

    /// Folds a log in stamp order: the state, the transitions applied, and those ignored.
    public func fold(_ log: [RequestTransition]) -> (state: RequestState, applied: [RequestTransition], ignored: [RequestTransition]) {
        var state = RequestState.requested
        var applied: [RequestTransition] = []
        var ignored: [RequestTransition] = []
        for transition in log {
            if transition.action == .request, applied.isEmpty {
                applied.append(transition)
            } else if let next = next(state, transition.action) {
                state = next
                applied.append(transition)
            } else {
                ignored.append(transition)
            }
        }
        return (state, applied, ignored)
    }
}
