import Domain

/// 审批 — pending leave, overtime and swaps of the campuses the user is chief of, and
/// the purchase, scrap and change requests the user may act on now (科室主任 approves a
/// purchase first, 科长 approves, an engineer assesses and implements a change, the
/// requester may cancel).
extension Dashboard {
    func approvalsPage(_ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let csrf = user.session.csrfToken
        let campuses = try department.campuses().map(\.code).filter { user.staff.holds(.sectionChief, at: $0) }
        func buttons(_ kind: String, _ id: String) -> HTML {
            """
            <form method="post" action="/approvals/\(kind)/\(id)/approve" style="display:inline"><input type="hidden" name="csrf" value="\(csrf)">\
            <button>\(lang.pick("批准", "Approve"))</button></form> \
            <form method="post" action="/approvals/\(kind)/\(id)/reject" style="display:inline"><input type="hidden" name="csrf" value="\(csrf)">\
            <button>\(lang.pick("驳回", "Reject"))</button></form>
            """
        }
        let header: HTML = "<tr><th>\(lang.pick("申请人", "Who"))</th><th>\(lang.pick("时间", "When"))</th><th>\(lang.pick("事由", "Reason"))</th><th></th></tr>"
        // People as the chief knows them (黄丽, not E0101), read once for every table.
        let names = Dictionary(try department.people().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        func who(_ id: PersonID) -> String { names[id] ?? id.rawValue }
        let campusNames = Dictionary(try department.campuses().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        var sections: HTML = ""
        if campuses.isEmpty {
            sections = "<p class=\"muted\">\(lang.pick("请假、加班与换班仅科长可审批。", "Only a section chief approves leave, overtime and swaps."))</p>"
        } else {
            // Read once for the pending tables and 已处理 alike.
            let leaveRequests = try department.leaveRequests().filter { campuses.contains($0.campus) }
            let overtimeRequests = try department.overtimeRequests().filter { campuses.contains($0.campus) }
            let campusSwaps = try campuses.map { campus -> (seats: SeatNames, swaps: [SwapRequest]) in
                let posts = try department.posts(campus: campus)
                return (SeatNames(lang: lang, posts: posts, policy: try department.campus(campus).map { $0.policy(posts: posts) }),
                        try department.swaps(campus: campus))
            }
            let leave: [HTML] = leaveRequests.filter { $0.state == .requested }.map {
                "<tr><td>\(who($0.person))</td><td>\(lang.name(of: $0.kind)) \($0.firstDay.iso) – \($0.lastDay.iso) (\($0.days))</td><td>\($0.reason)</td><td>\(buttons("leave", $0.id))</td></tr>"
            }
            let overtime: [HTML] = overtimeRequests.filter { $0.state == .requested }.map {
                "<tr><td>\(who($0.person))</td><td>\($0.start.description) – \($0.end.clock)</td><td>\($0.reason)</td><td>\(buttons("overtime", $0.id))</td></tr>"
            }
            let swaps: [HTML] = campusSwaps.flatMap { campus -> [HTML] in
                func seat(_ key: SlotKey) -> String { campus.seats.seatName(key) }
                return campus.swaps.filter { $0.state == .accepted }.map { swap in
                    let given = swap.colleagueSeat.map { " ⇄ \(seat($0))" } ?? lang.pick("（顶班）", " (cover)")
                    return "<tr><td>\(who(swap.requester)) ⇄ \(who(swap.colleague))</td><td>\(seat(swap.requesterSeat))\(given)</td><td>\(swap.reason)</td><td>\(buttons("swap", swap.id))</td></tr>"
                }
            }
            func table(_ rows: [HTML]) -> HTML {
                rows.isEmpty ? "<p class=\"muted\">\(lang.pick("无待审批", "Nothing waiting"))</p>" : "<table>\(header)\(rows)</table>"
            }
            sections = """
                <h2>\(lang.pick("请假", "Leave"))</h2>\(table(leave))
                <h2>\(lang.pick("加班", "Overtime"))</h2>\(table(overtime))
                <h2>\(lang.pick("换班（同事已同意）", "Swaps (accepted by the colleague)"))</h2>\(table(swaps))
                \(decidedRequests(leave: leaveRequests, overtime: overtimeRequests, swaps: campusSwaps, lang: lang, who: who))
                """
        }
        let requests: [HTML] = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
            .flatMap { try department.approvals(campus: $0) }
            .compactMap { approval in
                let forms = approvalActions(approval, user).map { action -> HTML in
                    let needsNote = action == .reject || action == .assess
                    return """
                        <form method="post" action="/approvals/approval/\(approval.id)/\(action.rawValue)" style="display:inline">\
                        <input type="hidden" name="csrf" value="\(csrf)"><input name="note" placeholder="\(lang.pick("意见", "note"))"\(needsNote ? HTML(" required") : "")>\
                        <button>\(approvalActionName(action, lang))</button></form>
                        """
                }
                guard !forms.isEmpty else { return nil }
                // A scrap request's title leads to the asset (its history is the chief's evidence).
                let title: HTML = approval.kind == .scrap && !approval.assetTag.isEmpty
                    ? "<a href=\"/assets/\(AssetQuery.encode(approval.assetTag))\">\(approval.title)</a>" : "\(approval.title)"
                return """
                    <tr><td>\(lang.name(of: approval.kind))</td><td>\(campusNames[approval.campus] ?? approval.campus.rawValue)</td>\
                    <td>\(who(approval.requester))</td><td>\(title)</td><td>\(approval.reason)</td><td>\(lang.name(of: approval.state))</td><td>\(forms)</td></tr>
                    """
            }
        let nothing: HTML = "<p class=\"muted\">\(lang.pick("无待您处理的申请", "Nothing waiting for you"))</p>"
        return layout.page(title: lang.pick("审批", "Approvals"), """
            \(sections)
            <h2>\(lang.pick("设备、报废与变更申请", "Purchase, scrap and change requests"))</h2>
            \(requests.isEmpty ? nothing : """
                <table><tr><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("申请人", "Requester"))</th>\
                <th>\(lang.pick("标题", "Title"))</th><th>\(lang.pick("事由", "Reason"))</th><th>\(lang.pick("状态", "State"))</th><th></th></tr>\(requests)</table>
                """)
            """)
    }

    /// 已处理 — at most this many decided requests are listed, newest decision first.
    static let decidedShownMax = 100

    /// Leave, overtime and swaps decided (approved, rejected, declined, withdrawn), with
    /// who decided and when: a decision stays visible after it is made.
    func decidedRequests(leave: [LeaveRequest], overtime: [OvertimeRequest], swaps: [(seats: SeatNames, swaps: [SwapRequest])],
                         lang: Language, who: (PersonID) -> String) -> HTML {
        struct Decided {
            let kind: String
            let person: String
            let what: String
            let reason: String
            let state: RequestState
            let last: RequestTransition
        }
        let decidedStates: Set<RequestState> = [.approved, .rejected, .declined, .cancelled]
        var rows: [Decided] = []
        for request in leave where decidedStates.contains(request.state) {
            guard let last = request.history.last else { continue }
            rows.append(Decided(kind: lang.pick("请假", "Leave"), person: who(request.person),
                                what: "\(request.firstDay.iso) – \(request.lastDay.iso) (\(request.days))", reason: request.reason, state: request.state, last: last))
        }
        for request in overtime where decidedStates.contains(request.state) {
            guard let last = request.history.last else { continue }
            rows.append(Decided(kind: lang.pick("加班", "Overtime"), person: who(request.person),
                                what: "\(request.start.description) – \(request.end.clock)", reason: request.reason, state: request.state, last: last))
        }
        for (seats, campusSwaps) in swaps {
            for swap in campusSwaps where decidedStates.contains(swap.state) {
                guard let last = swap.history.last else { continue }
                let given = swap.colleagueSeat.map { " ⇄ \(seats.seatName($0))" } ?? lang.pick("（顶班）", " (cover)")
                rows.append(Decided(kind: lang.pick("换班", "Swap"), person: "\(who(swap.requester)) ⇄ \(who(swap.colleague))",
                                    what: "\(seats.seatName(swap.requesterSeat))\(given)", reason: swap.reason, state: swap.state, last: last))
            }
        }
        rows.sort { ($0.last.at, $0.kind) > ($1.last.at, $1.kind) }
        guard !rows.isEmpty else { return "" }
        let shown: [HTML] = rows.prefix(Self.decidedShownMax).map { row in
            let state = row.state == .approved ? "ok" : "muted"
            return """
                <tr><td>\(row.kind)</td><td>\(row.person)</td><td>\(row.what)</td><td>\(row.reason)</td>\
                <td class="\(state)">\(lang.name(of: row.state))</td><td>\(who(PersonID(row.last.by)))</td><td>\(LocalDateTime(minutesSinceEpoch: row.last.at).description)</td></tr>
                """
        }
        let more: HTML = rows.count > Self.decidedShownMax
            ? "<p class=\"muted\">\(lang.pick("仅显示最近 \(Self.decidedShownMax) 条（共 \(rows.count) 条）。", "The latest \(Self.decidedShownMax) of \(rows.count) are shown."))</p>" : ""
        return """
            <h2 id="decided">\(lang.pick("已处理", "Decided"))</h2>
            <table><tr><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("申请人", "Who"))</th><th>\(lang.pick("时间", "When"))</th>\
            <th>\(lang.pick("事由", "Reason"))</th><th>\(lang.pick("结果", "Outcome"))</th><th>\(lang.pick("处理人", "By"))</th><th>\(lang.pick("处理时间", "At"))</th></tr>\(shown)</table>\(more)
            """
    }

    /// The decisions the state machine allows now and the user's roles permit.
    func approvalActions(_ approval: Approval, _ user: SignedIn) -> [ApprovalAction] {
        ApprovalAction.allCases.filter { action in
            guard action != .request, ApprovalFlow.next(approval.kind, approval.state, action) != nil else { return false }
            if action == .cancel { return approval.requester == user.person }
            return ApprovalFlow.role(approval.kind, action, state: approval.state).contains { user.staff.holds($0, at: approval.campus) }
        }
    }

    func approvalActionName(_ action: ApprovalAction, _ lang: Language) -> String {
        switch action {
        case .request: lang.pick("申请", "Request")
        case .departmentApprove: lang.pick("科室批准", "Approve for the department")
        case .assess: lang.pick("评估", "Assess")
        case .approve: lang.pick("批准", "Approve")
        case .implement: lang.pick("实施", "Implemented")
        case .reject: lang.pick("驳回", "Reject")
        case .cancel: lang.pick("撤回", "Withdraw")
        }
    }

}
