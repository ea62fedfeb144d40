import Domain
import Hummingbird

/// 交接班 and 值班记录 of a campus.
extension Dashboard {
    func handoverPage(_ request: Request, _ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let campus = try Parse.query(request, "campus").map(Parse.campus) ?? user.staff.campus
        try Access.requireRead(user, campus)
        let date = try Parse.query(request, "date").map { try Parse.date($0, field: "date") } ?? configuration.clock.now().date
        let handovers: [HTML] = try department.handovers(campus: campus).suffix(50).reversed().map { h in
            let notes = h.notes.map { "\($0.by): \($0.text)" }.joined(separator: "; ")
            let state: HTML = h.complete ? "<span class=\"ok\">\(lang.pick("已签字", "signed"))</span>"
                : "<span class=\"bad\">\(lang.pick("待签字", "awaiting signature"))</span>"
            return "<tr><td>\(h.at.description)</td><td>\(h.post.rawValue)</td><td>\(h.outgoing.rawValue) → \(h.incoming.rawValue)</td><td>\(h.openItems.joined(separator: ", "))</td><td>\(notes)</td><td>\(state)</td></tr>"
        }
        let logs: [HTML] = try department.posts(campus: campus).map { post in
            let entries: [HTML] = try department.dutyLog(campus: campus, post: post.id, date: date).map {
                "<li>\($0.time.clock) \($0.by): \($0.text)</li>"
            }
            return "<h3>\(lang == .zh ? post.nameChinese : post.nameEnglish)</h3><ul>\(entries)</ul>"
        }
        return layout.page(title: "\(lang.pick("交接班", "Handover")) \(campus.rawValue)", """
            <table><tr><th>\(lang.pick("时间", "Time"))</th><th>\(lang.pick("岗位", "Post"))</th><th>\(lang.pick("交班 → 接班", "Outgoing → incoming"))</th>\
            <th>\(lang.pick("遗留事项", "Open items"))</th><th>\(lang.pick("备注", "Notes"))</th><th>\(lang.pick("状态", "State"))</th></tr>\(handovers)</table>
            <h2>\(lang.pick("值班记录", "Duty log")) \(date.iso)</h2>\(logs)
            """)
    }
}
