import Domain

/// 交接班 on 我的值班: the handovers addressed to me, to sign; the ones I started that
/// wait for the incoming engineer; the form to start one, prefilled with the open
/// tickets of the campus (those of my post first) and the next engineer on my post.
extension Dashboard {
    /// Open tickets offered as open problems of a handover.
    static let handoverTicketsMax = 30

    func handoverSection(_ view: DutyView, holding: [PostOnDuty]) throws -> HTML {
        let lang = view.lang
        let all = try department.handovers(campus: view.campus)
        let toMe = all.filter { $0.incoming == view.me && !$0.signedByIncoming }.reversed()
        let cards: [HTML] = toMe.map { h in
            """
            <div class="card handover" id="handover-\(h.id)"><p><strong>\(view.personName(h.outgoing.rawValue)) → \(lang.pick("我", "me"))</strong> · \
            \(view.postName(h.post)) · \(h.at.description)</p>\(handoverDetails(h, view))
            <form method="post" action="/duty/handover-sign">\(view.csrfField)<input type="hidden" name="id" value="\(h.id)">
            <label>\(lang.pick("备注（可选）", "Note (optional)")) <input name="note" maxlength="\(Self.reasonCharactersMax)"></label>
            <button id="sign-handover-\(h.id)">\(lang.pick("签字接班", "Sign and take over"))</button></form></div>
            """
        }
        let waiting: [HTML] = all.filter { $0.outgoing == view.me && !$0.signedByIncoming }.suffix(5).reversed().map { h in
            "<li>\(h.at.description) \(view.postName(h.post)) → \(view.personName(h.incoming.rawValue)) <span class=\"warn\">\(lang.pick("待接班人签字", "awaiting the incoming signature"))</span></li>"
        }
        let addressed: HTML = cards.isEmpty ? "<p class=\"muted\">\(lang.pick("没有待我签字的交接班。", "No handover waits for my signature."))</p>"
            : "<h3>\(lang.pick("交给我的交接班", "Handed over to me"))</h3>\(cards)"
        let mine: HTML = waiting.isEmpty ? "" : "<h3>\(lang.pick("我发起的交接班", "Handovers I started"))</h3><ul>\(waiting)</ul>"
        return "\(addressed)\(mine)\(view.error("handover"))\(try handoverForm(view, holding: holding))"
    }

    /// Open items, what was done and what is pending.
    func handoverDetails(_ h: Handover, _ view: DutyView) -> HTML {
        let lang = view.lang
        let items: [HTML] = h.openItems.map { "<li>\($0)</li>" }
        let notes: [HTML] = h.notes.map { note in
            let (label, text) = HandoverNote.label(note.text, lang)
            return "<p><strong>\(label)\(lang.pick("：", ": "))</strong><span class=\"desc\">\(text)</span></p>"
        }
        let open: HTML = items.isEmpty ? "<p class=\"muted\">\(lang.pick("无遗留问题。", "No open problems."))</p>"
            : "<p><strong>\(lang.pick("遗留问题：", "Open problems:"))</strong></p><ul>\(items)</ul>"
        return "\(open)\(notes)"
    }

    private func handoverForm(_ view: DutyView, holding: [PostOnDuty]) throws -> HTML {
        let lang = view.lang
        let post = holding.first?.post ?? user(view).posts.sorted { $0.rawValue < $1.rawValue }.first ?? view.posts.first?.id
        // Who holds the post right after my shift: the usual incoming engineer.
        var next = ""
        if let current = holding.first, let end = current.end {
            next = try department.onDuty(campus: view.campus, at: end).first { $0.post == current.post }?
                .onDuty.first { $0.person != view.me.rawValue }?.person ?? ""
        }
        let colleagues = try department.people(campus: view.campus)
            .filter { $0.active && $0.id != view.me && $0.roles.contains { Access.departmentRoles.contains($0.role) } }
            .sorted { $0.name < $1.name }
        let tickets = try department.tickets(campus: view.campus, openOnly: true)
            .sorted { ($0.intake.post == post ? 0 : 1, $0.number) < ($1.intake.post == post ? 0 : 1, $1.number) }
            .prefix(Self.handoverTicketsMax)
        let prefilled = tickets.map { "\($0.number) \(TicketText.title(of: $0.intake.description))" }.joined(separator: "\n")
        let postChoices = view.posts.map { (value: $0.id.rawValue, label: lang.pick($0.nameChinese, $0.nameEnglish)) }
        let people = colleagues.map { (value: $0.id.rawValue, label: $0.name) }
        return """
            <form method="post" action="/duty/handover" class="card wide-card">\(view.csrfField)
            <h3>\(lang.pick("发起交接班", "Start a handover"))</h3>
            <p><label>\(lang.pick("岗位", "Post")) <select name="post">\(view.options(postChoices, selected: view.typed("handover", "post", post?.rawValue ?? "")))</select></label>
            <label>\(lang.pick("接班人", "Incoming engineer")) <select name="incoming" required>\
            \(view.options(people, selected: view.typed("handover", "incoming", next), empty: lang.pick("请选择", "Choose")))</select></label></p>
            <p><label>\(lang.pick("遗留问题（每行一条，已列出本院区未关闭的工单）", "Open problems (one per line; the campus's open tickets are listed)"))<br>
            <textarea name="openItems" class="wide" rows="5">\(view.typed("handover", "openItems", prefilled))</textarea></label></p>
            <p><label>\(lang.pick("已完成的工作", "What was done"))<br>
            <textarea name="done" class="wide" rows="3" required maxlength="\(Self.handoverTextCharactersMax)">\(view.typed("handover", "done"))</textarea></label></p>
            <p><label>\(lang.pick("待办事项", "What is pending"))<br>
            <textarea name="pending" class="wide" rows="3" maxlength="\(Self.handoverTextCharactersMax)">\(view.typed("handover", "pending"))</textarea></label></p>
            <p><button id="start-handover">\(lang.pick("交班（签字）", "Hand over (signed)"))</button></p></form>
            """
    }

    private func user(_ view: DutyView) -> StaffMember { view.user.staff }
}
