import Domain

/// 我的申请 on 我的值班: every swap, leave and overtime I filed and the swaps asked of
/// me, newest first, with their state and every step (who, when); withdraw where the
/// domain allows it (a swap or leave not yet decided; overtime has no withdrawal), and
/// 销假 for approved leave up to its last day.
/// And the overtime form with the 2 h/day rule said before it is broken.
extension Dashboard {
    private struct RequestRow {
        let at: Int
        let kind: String
        let subject: String
        let state: RequestState
        let history: [RequestTransition]
        /// The withdraw form's kind and id, and the button's words (撤回, or 销假 for approved leave).
        let withdraw: (kind: String, id: String, zh: String, en: String)?
    }

    func myRequestsSection(_ view: DutyView) throws -> HTML {
        let lang = view.lang
        var rows: [RequestRow] = []
        for s in try department.swaps(campus: view.campus) where s.requester == view.me || s.colleague == view.me {
            let cover = s.colleagueSeat == nil
            let kind = cover ? lang.pick("顶班", "Cover") : lang.pick("换班", "Swap")
            let subject: String
            if s.requester == view.me {
                subject = cover
                    ? lang.pick("请 \(view.personName(s.colleague.rawValue)) 顶我的 \(view.seatName(s.requesterSeat))",
                                "\(view.personName(s.colleague.rawValue)) to cover my \(view.seatName(s.requesterSeat))")
                    : lang.pick("我的 \(view.seatName(s.requesterSeat)) ⇄ \(view.personName(s.colleague.rawValue)) 的 \(s.colleagueSeat.map(view.seatName) ?? "")",
                                "my \(view.seatName(s.requesterSeat)) ⇄ \(view.personName(s.colleague.rawValue))'s \(s.colleagueSeat.map(view.seatName) ?? "")")
            } else {
                subject = lang.pick("\(view.personName(s.requester.rawValue)) 请我接 \(view.seatName(s.requesterSeat))",
                                    "\(view.personName(s.requester.rawValue)) asks me to take \(view.seatName(s.requesterSeat))")
                    + (s.colleagueSeat.map { lang.pick("，换我的 \(view.seatName($0))", ", for my \(view.seatName($0))") } ?? "")
            }
            let mayWithdraw = s.requester == view.me && RequestFlow.swap.next(s.state, .cancel) != nil
            rows.append(RequestRow(at: s.requestedAt.minutesSinceEpoch, kind: kind, subject: "\(subject)（\(s.reason)）", state: s.state,
                                   history: s.history, withdraw: mayWithdraw ? ("swap", s.id, "撤回", "Withdraw") : nil))
        }
        for r in try department.leaveRequests(person: view.me) {
            rows.append(RequestRow(at: r.requestedAt.minutesSinceEpoch, kind: lang.pick("请假", "Leave"),
                                   subject: "\(lang.name(of: r.kind)) \(r.firstDay.iso) – \(r.lastDay.iso) (\(r.days)) \(r.reason)", state: r.state, history: r.history,
                                   withdraw: RequestFlow.direct.next(r.state, .cancel) != nil ? ("leave", r.id, "撤回", "Withdraw")
                                       : RequestFlow.direct.next(r.state, .revoke) != nil && view.now.date <= r.lastDay ? ("leave-revoke", r.id, "销假", "Call off") : nil))
        }
        for o in try department.overtimeRequests(person: view.me) {
            rows.append(RequestRow(at: o.history.first?.at ?? o.start.minutesSinceEpoch, kind: lang.pick("加班", "Overtime"),
                                   subject: "\(o.start.description)–\(o.end.clock) (\(o.minutes) \(lang.pick("分钟", "min")), \(lang.name(of: o.compensation))) \(o.reason)",
                                   state: o.state, history: o.history, withdraw: nil))
        }
        let shown = rows.sorted { $0.at > $1.at }.prefix(Self.myRequestsMax)
        guard !shown.isEmpty else { return "<p class=\"muted\">\(lang.pick("没有申请。", "No requests."))</p>" }
        let lines: [HTML] = shown.map { row in
            let steps = row.history.map { "\(view.time($0.at)) \(view.personName($0.by)) \(lang.name(of: $0.action))" }.joined(separator: "；")
            let action: HTML = row.withdraw.map { w in
                """
                <form method="post" action="/duty/withdraw" class="act">\(view.csrfField)<input type="hidden" name="kind" value="\(w.kind)">\
                <input type="hidden" name="id" value="\(w.id)"><button id="withdraw-\(w.id)">\(lang.pick(w.zh, w.en))</button></form>
                """
            } ?? ""
            return "<tr><td>\(row.kind)</td><td>\(row.subject)</td><td>\(lang.name(of: row.state))</td><td>\(steps)</td><td>\(action)</td></tr>"
        }
        let header: HTML = "<tr><th>\(lang.pick("类别", "Kind"))</th><th>\(lang.pick("内容", "What"))</th><th>\(lang.pick("状态", "State"))</th><th>\(lang.pick("处理记录（谁、何时）", "History (who, when)"))</th><th></th></tr>"
        return "\(view.error("withdraw"))\(view.error("swap-answer"))\(view.error("handover-sign"))<table>\(header)\(lines)</table>"
    }

    /// 调休 (chosen unless the user picked 加班费) or 加班费.
    func compensationOptions(_ lang: Language, chosen: String) -> [HTML] {
        OvertimeCompensation.allCases.map { option in
            let selected = option.rawValue == (chosen.isEmpty ? OvertimeCompensation.unstated.rawValue : chosen)
            return "<option value=\"\(option.rawValue)\"\(selected ? HTML(" selected") : "")>\(lang.name(of: option))</option>"
        }
    }

    /// The 假别 choices of the leave form, 事假 first chosen unless the user had picked another.
    func leaveKindOptions(_ lang: Language, chosen: String) -> [HTML] {
        let picked = LeaveKind(rawValue: chosen) ?? .personal
        return LeaveKind.allCases.map { kind in
            "<option value=\"\(kind.rawValue)\"\(kind == picked ? HTML(" selected") : "")>\(lang.name(of: kind))</option>"
        }
    }

    /// `年假：2026 年共 10 天，已休 3 天，待批 2 天，剩余 7 天`, or nothing without an entitlement.
    func annualLeaveLine(_ balance: AnnualLeaveBalance?, _ lang: Language) -> HTML {
        guard let b = balance else { return "" }
        return """
            <p class="muted" id="annual-leave">\(lang.pick("年假：\(b.year) 年共 \(b.entitledDays) 天，已批准 \(b.approvedDays) 天，待批 \(b.requestedDays) 天，剩余 \(b.remainingDays) 天。",
                                                   "Annual leave: \(b.entitledDays) days in \(b.year), \(b.approvedDays) approved, \(b.requestedDays) pending, \(b.remainingDays) left."))</p>
            """
    }

    func overtimeForm(_ view: DutyView) -> HTML {
        let lang = view.lang
        let hours = Department.overtimeMinutesPerDayMax / 60
        return """
            \(view.error("overtime"))<form method="post" action="/duty/overtime">\(view.csrfField)
            <p class="muted">\(lang.pick("加班须提前申请，每人每日不超过 \(hours) 小时（已申请和已批准的合计）。", "Overtime is asked for in advance, at most \(hours) h a day per person (requested and approved together)."))</p>
            <label>\(lang.pick("日期", "Date")) <input type="date" name="date" required value="\(view.typed("overtime", "date"))"></label>
            <label>\(lang.pick("开始", "Start")) <input type="time" name="start" required value="\(view.typed("overtime", "start"))"></label>
            <label>\(lang.pick("结束", "End")) <input type="time" name="end" required value="\(view.typed("overtime", "end"))"></label>
            <label>\(lang.pick("事由", "Reason")) <input name="reason" required maxlength="\(Self.reasonCharactersMax)" value="\(view.typed("overtime", "reason"))"></label>
            <label>\(lang.pick("补偿方式", "Made good by")) <select name="compensation">\(compensationOptions(lang, chosen: view.typed("overtime", "compensation")))</select></label>
            <button id="request-overtime">\(lang.pick("提交加班申请", "Request overtime"))</button></form>
            """
    }
}
