import Domain

/// 审批 — pending leave, overtime and swaps of the campuses the user is chief of.
extension Dashboard {
    func approvalsPage(_ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let campuses = try department.campuses().map(\.code).filter { user.staff.holds(.sectionChief, at: $0) }
        guard !campuses.isEmpty else {
            return layout.page(title: lang.pick("审批", "Approvals"),
                               "<p class=\"muted\">\(lang.pick("仅科长可审批。", "Only a section chief approves."))</p>")
        }
        func buttons(_ kind: String, _ id: String) -> HTML {
            let csrf = user.session.csrfToken
            return """
                <form method="post" action="/approvals/\(kind)/\(id)/approve" style="display:inline"><input type="hidden" name="csrf" value="\(csrf)">\
                <button>\(lang.pick("批准", "Approve"))</button></form> \
                <form method="post" action="/approvals/\(kind)/\(id)/reject" style="display:inline"><input type="hidden" name="csrf" value="\(csrf)">\
                <button>\(lang.pick("驳回", "Reject"))</button></form>
                """
        }
        let leave: [HTML] = try department.leaveRequests().filter { campuses.contains($0.campus) && $0.state == .requested }.map {
            "<tr><td>\($0.person.rawValue)</td><td>\($0.firstDay.iso) – \($0.lastDay.iso) (\($0.days))</td><td>\($0.reason)</td><td>\(buttons("leave", $0.id))</td></tr>"
        }
        let overtime: [HTML] = try department.overtimeRequests().filter { campuses.contains($0.campus) && $0.state == .requested }.map {
            "<tr><td>\($0.person.rawValue)</td><td>\($0.start.description) – \($0.end.clock)</td><td>\($0.reason)</td><td>\(buttons("overtime", $0.id))</td></tr>"
        }
        let swaps: [HTML] = try campuses.flatMap { try department.swaps(campus: $0) }.filter { $0.state == .accepted }.map {
            "<tr><td>\($0.requester.rawValue) ⇄ \($0.colleague.rawValue)</td><td>\($0.requesterSeat.description)</td><td>\($0.reason)</td><td>\(buttons("swap", $0.id))</td></tr>"
        }
        let header: HTML = "<tr><th>\(lang.pick("申请人", "Who"))</th><th>\(lang.pick("时间", "When"))</th><th>\(lang.pick("事由", "Reason"))</th><th></th></tr>"
        return layout.page(title: lang.pick("审批", "Approvals"), """
            <h2>\(lang.pick("请假", "Leave"))</h2><table>\(header)\(leave)</table>
            <h2>\(lang.pick("加班", "Overtime"))</h2><table>\(header)\(overtime)</table>
            <h2>\(lang.pick("换班（同事已同意）", "Swaps (accepted by the colleague)"))</h2><table>\(header)\(swaps)</table>
            """)
    }
}
