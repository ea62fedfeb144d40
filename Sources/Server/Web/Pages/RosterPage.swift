import Domain
import Hummingbird

/// 值班表 — a campus month, seat by seat, with the fairness report.
extension Dashboard {
    func rosterPage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let campuses = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
        let campus = try Parse.query(request, "campus").map(Parse.campus) ?? campuses.first ?? user.staff.campus
        try Access.requireRead(user, campus)
        let month = try Parse.query(request, "month").map { try Parse.month($0) } ?? LocalMonth(containing: configuration.clock.now().date)
        let view = try api.rosterView(campus: campus, month: month)
        let names = Dictionary(try department.people(campus: campus).map { ($0.id.rawValue, $0.name) }, uniquingKeysWith: { a, _ in a })
        // Posts and shifts by the names staff use, not their keys.
        let posts = try department.posts(campus: campus)
        let policy = try department.campus(campus).map { $0.policy(posts: posts) }
        func postName(_ id: String) -> String {
            posts.first { $0.id.rawValue == id }.map { lang.pick($0.nameChinese, $0.nameEnglish) } ?? id
        }
        func shiftName(_ id: String) -> String {
            policy?.template(ShiftKindID(rawValue: id)).map { lang.pick($0.nameChinese, $0.nameEnglish) } ?? id
        }
        let picker: [HTML] = campuses.map { "<a href=\"/roster?campus=\($0.rawValue)&month=\(month.description)\">\($0.rawValue)</a> " }
        let seats: [HTML] = view.seats.map { seat in
            let who: HTML = seat.conflicting.count > 1
                ? "<span class=\"bad\">\(seat.conflicting.map { $0.map { names[$0] ?? $0 } ?? "—" }.joined(separator: " / "))</span>"
                : "\(seat.assignee.map { names[$0] ?? $0 } ?? "—")"
            return "<tr><td>\(seat.date)</td><td>\(postName(seat.post))</td><td>\(shiftName(seat.shiftKind))</td><td>\(who)</td></tr>"
        }
        let loads: [HTML] = view.fairness.people.map { load in
            "<tr><td>\(names[load.person] ?? load.person)</td><td>\(load.shifts)</td><td>\(load.nightShifts)</td><td>\(load.weekendShifts)</td><td>\(load.holidayShifts)</td><td>\(load.workedMinutes / 60)</td></tr>"
        }
        let spread = view.fairness.worstSpread
        return PageContent(title: "\(lang.pick("值班表", "Roster")) \(campus.rawValue) \(month.description)", body: """
            <p>\(picker)</p>
            <h2>\(lang.pick("公平性", "Fairness"))</h2>
            <p>\(lang.pick("最大差值", "Worst spread")): \(lang.pick("班次", "shifts")) \(spread.shifts), \(lang.pick("夜班", "nights")) \(spread.nightShifts), \(lang.pick("周末", "weekends")) \(spread.weekendShifts), \(lang.pick("节假日", "holidays")) \(spread.holidayShifts)</p>
            <table><tr><th>\(lang.pick("人员", "Person"))</th><th>\(lang.pick("班次", "Shifts"))</th><th>\(lang.pick("夜班", "Nights"))</th><th>\(lang.pick("周末", "Weekends"))</th><th>\(lang.pick("节假日", "Holidays"))</th><th>\(lang.pick("工时", "Hours"))</th></tr>\(loads)</table>
            <h2>\(lang.pick("班位", "Seats")) (\(view.seats.count); \(lang.pick("空缺", "open")) \(view.unfilled.count))</h2>
            <table><tr><th>\(lang.pick("日期", "Date"))</th><th>\(lang.pick("岗位", "Post"))</th><th>\(lang.pick("班次", "Shift"))</th><th>\(lang.pick("值班人员", "Assignee"))</th></tr>\(seats)</table>
            """)
    }
}
