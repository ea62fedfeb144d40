import Domain

/// What every section of 我的值班 reads: the user, the moment, the campus's posts and
/// shift names, staff names, and the refused form (if any) with what was typed.
struct DutyView {
    let lang: Language
    let user: SignedIn
    let now: LocalDateTime
    let posts: [Post]
    let policy: CampusRosterPolicy?
    let names: [String: String]
    let failure: DutyFormFailure?

    var me: PersonID { user.person }
    var campus: CampusCode { user.staff.campus }
    var csrfField: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(user.session.csrfToken)\">" }

    var seats: SeatNames { SeatNames(lang: lang, posts: posts, policy: policy) }
    func postName(_ id: PostID) -> String { seats.postName(id) }
    func shiftName(_ id: ShiftKindID) -> String { seats.shiftName(id) }
    func personName(_ id: String) -> String { names[id] ?? id }
    /// `2026-03-05 网络安全 白班`.
    func seatName(_ slot: SlotKey) -> String { seats.seatName(slot) }

    func time(_ minutes: Int) -> String { LocalDateTime(minutesSinceEpoch: minutes).description }

    /// The refusal of `form`, next to it.
    func error(_ form: String) -> HTML {
        guard let failure, failure.form == form else { return "" }
        return "<p class=\"card bad\" id=\"error-\(form)\" role=\"alert\">\(failure.message)</p>"
    }

    /// What the user typed into `field` of `form` when it was refused, else `fallback`.
    func typed(_ form: String, _ field: String, _ fallback: String = "") -> String {
        guard let failure, failure.form == form else { return fallback }
        return failure.values[field] ?? fallback
    }

    func options(_ choices: [(value: String, label: String)], selected: String, empty: String? = nil) -> HTML {
        let first: HTML = empty.map { "<option value=\"\">\($0)</option>" } ?? ""
        let rest: [HTML] = choices.map { choice in
            "<option value=\"\(choice.value)\"\(choice.value == selected ? HTML(" selected") : HTML(""))>\(choice.label)</option>"
        }
        return "\(first)\(rest)"
    }
}
