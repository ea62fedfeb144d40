import Domain

/// 待处理 — post-merge roster problems of the campuses the user oversees, and the
/// replica's raw conflicts for those who see every campus.
extension Dashboard {
    func problemsPage(_ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let campuses = try department.campuses().map(\.code).filter { Access.overseesCampus(user, $0) }
        let problems: [HTML] = try api.problems(campuses: campuses).map {
            "<tr><td>\($0.campus)</td><td>\($0.kind)</td><td>\($0.description)</td></tr>"
        }
        let conflicts: [HTML] = Access.seesEveryCampus(user) ? try api.conflicts().map {
            "<tr><td>\($0.entity)</td><td>\($0.field)</td><td>\($0.versions.joined(separator: " / "))</td></tr>"
        } : []
        let none: HTML = "<p class=\"ok\">\(lang.pick("无", "None"))</p>"
        return layout.page(title: lang.pick("待处理", "To resolve"), """
            <h2>\(lang.pick("排班问题（合并后检查）", "Roster problems (post-merge checks)"))</h2>
            \(problems.isEmpty ? none : "<table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("说明", "Description"))</th></tr>\(problems)</table>")
            <h2>\(lang.pick("副本冲突", "Replica conflicts"))</h2>
            \(conflicts.isEmpty ? none : "<table><tr><th>\(lang.pick("实体", "Entity"))</th><th>\(lang.pick("字段", "Field"))</th><th>\(lang.pick("并存版本", "Versions"))</th></tr>\(conflicts)</table>")
            """)
    }
}
