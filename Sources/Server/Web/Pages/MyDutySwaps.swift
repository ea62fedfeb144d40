import Domain

/// 换班 / 顶班 on 我的值班: the swaps colleagues asked of me, to accept or decline, and
/// the form to ask one: my seat, the colleague, and their seat in return (or none: a
/// cover). Accepted, it waits for the 科长 on /approvals.
extension Dashboard {
    /// Colleagues' seats offered in return: the coming weeks, not the whole year.
    static let swapChoicesDays = 42
    static let swapChoicesMax = 300

    func swapSection(_ view: DutyView, mySeats: [RosterSeat]) throws -> HTML {
        let lang = view.lang
        let asked = try department.swaps(campus: view.campus).filter { $0.colleague == view.me && $0.state == .requested }
        let rows: [HTML] = asked.map { s in
            let theirs = s.colleagueSeat.map(view.seatName) ?? lang.pick("（顶班，不换回）", "(a cover, nothing in return)")
            return """
                <tr id="swap-\(s.id)"><td>\(view.personName(s.requester.rawValue))</td><td>\(view.seatName(s.requesterSeat))</td><td>\(theirs)</td><td>\(s.reason)</td><td>
                <form method="post" action="/duty/swap-answer" class="act">\(view.csrfField)<input type="hidden" name="id" value="\(s.id)">\
                <input type="hidden" name="answer" value="accept"><button id="accept-swap-\(s.id)">\(lang.pick("同意", "Accept"))</button></form>
                <form method="post" action="/duty/swap-answer" class="act">\(view.csrfField)<input type="hidden" name="id" value="\(s.id)">\
                <input type="hidden" name="answer" value="decline"><button id="decline-swap-\(s.id)">\(lang.pick("拒绝", "Decline"))</button></form></td></tr>
                """
        }
        let header: HTML = "<tr><th>\(lang.pick("申请人", "From"))</th><th>\(lang.pick("对方的班次（由我顶）", "Their shift (I take it)"))</th><th>\(lang.pick("我的班次（给对方）", "My shift (they take it)"))</th><th>\(lang.pick("事由", "Reason"))</th><th></th></tr>"
        let answers: HTML = rows.isEmpty ? "" : "<h3>\(lang.pick("同事请我换班", "Colleagues asking me"))</h3><table>\(header)\(rows)</table>"

        // The form: my seats that have not started, colleagues' seats in the coming weeks.
        let mine = mySeats.filter { seat in
            seat.conflicting.isEmpty && (view.policy?.template(seat.slot.shiftKind).map { $0.interval(on: seat.slot.date).start > view.now } ?? true)
        }
        let until = view.now.date.adding(days: Self.swapChoicesDays)
        let month = LocalMonth(containing: view.now.date)
        let next = LocalMonth(containing: month.firstDay.adding(days: month.dayCount))
        let others = try [month, next].flatMap { try department.roster(campus: view.campus, month: $0) }
            .filter { $0.conflicting.isEmpty && $0.assignee != nil && $0.assignee != view.me && $0.slot.date > view.now.date && $0.slot.date <= until }
            .sorted { $0.slot < $1.slot }.prefix(Self.swapChoicesMax)
        let colleagues = try department.people(campus: view.campus)
            .filter { $0.active && $0.id != view.me && $0.roles.contains { Access.departmentRoles.contains($0.role) } }
            .sorted { $0.name < $1.name }
        guard !mine.isEmpty || view.failure?.form == "swap" else {
            return "\(answers)<p class=\"muted\">\(lang.pick("值班表中没有我可换的班次（未开始的）。", "No shift of mine ahead to swap."))</p>"
        }
        let seatChoices = mine.map { (value: $0.key, label: view.seatName($0.slot)) }
        let people = colleagues.map { (value: $0.id.rawValue, label: $0.name) }
        let theirChoices = others.map { (value: $0.key, label: "\(view.seatName($0.slot)) — \(view.personName($0.assignee?.rawValue ?? ""))") }
        return """
            \(answers)\(view.error("swap"))
            <form method="post" action="/duty/swap" class="card wide-card">\(view.csrfField)
            <h3>\(lang.pick("申请换班或顶班", "Ask for a swap or a cover"))</h3>
            <p><label>\(lang.pick("我的班次", "My shift")) <select name="seat" required>\(view.options(seatChoices, selected: view.typed("swap", "seat")))</select></label></p>
            <p><label>\(lang.pick("同事", "Colleague")) <select name="colleague" required>\
            \(view.options(people, selected: view.typed("swap", "colleague"), empty: lang.pick("请选择", "Choose")))</select></label></p>
            <p><label>\(lang.pick("同事的班次（换给我）", "Colleague's shift (given to me)")) <select name="colleagueSeat">\
            \(view.options(theirChoices, selected: view.typed("swap", "colleagueSeat"), empty: lang.pick("不换回：请同事顶班", "None: the colleague covers mine")))</select></label></p>
            <p><label>\(lang.pick("事由", "Reason")) <input name="reason" required maxlength="\(Self.reasonCharactersMax)" value="\(view.typed("swap", "reason"))"></label></p>
            <p class="muted">\(lang.pick("同事同意后交科长审批；批准后值班表才改变。", "Your colleague answers first, then the section chief decides; only then does the roster change."))</p>
            <p><button id="request-swap">\(lang.pick("提交换班申请", "Request the swap"))</button></p></form>
            """
    }
}
