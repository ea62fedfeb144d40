import Domain

/// 待处理 — what merging could not decide, at the campuses the user oversees: roster
/// problems, tickets (concurrent assignees, transitions that arrived too late, duplicate
/// numbers; each links to its ticket, where assigning again or closing resolves it),
/// assets (duplicate tags, stock below zero, scrapped without approval); stored values
/// outside their bounds (`StoredBounds`, written by a faulty or hostile peer); and the
/// replica's raw conflicts for those who see every campus.
extension Dashboard {
    func problemsPage(_ user: SignedIn, _ layout: Layout) throws -> HTML {
        let lang = layout.lang
        let campuses = try department.campuses().map(\.code).filter { Access.overseesCampus(user, $0) }
        let codes = Set(campuses.map(\.rawValue))
        // Roster problems in the chief's words (people, posts and shifts by name), each with
        // the way to 排班管理 where it is fixed, for the chief of its campus.
        let roster: [HTML] = try campuses.flatMap { campus -> [HTML] in
            let names = try RosterNames(lang: lang, department: department, campus: campus)
            return try RosterProblems.list(store: department.store, campus: campus).map { problem in
                let fix: HTML = user.staff.holds(.sectionChief, at: campus)
                    ? " <a href=\"/chief/roster?campus=\(campus.rawValue)\(names.month(of: problem).map { "&month=\($0.description)" } ?? "")\">\(lang.pick("去排班管理处理", "Fix in Rostering"))</a>"
                    : ""
                return "<tr><td>\(names.campusName(campus))</td><td>\(lang.problemKindName(problem.kind))</td><td>\(names.problem(problem).0)\(fix)</td></tr>"
            }
        }
        let ticketCampuses = Set(try department.campuses().map(\.code).filter { Access.seesAllTickets(user, $0) }.map(\.rawValue))
        let tickets: [HTML] = try department.ticketProblems().map(TicketProblemView.init).filter { ticketCampuses.contains($0.campus) }.map {
            "<tr><td>\($0.campus)</td><td><a href=\"/tickets/\($0.number)\">\($0.number)</a></td><td>\(lang.problemKindName($0.kind))</td><td>\($0.description)</td></tr>"
        }
        let everyCampus = Access.seesEveryCampus(user)
        let assets: [HTML] = try department.assetProblems().flatMap { problem in assetProblemRows(problem, codes: Set(codes), lang) }
        let bounds: [HTML] = try api.outOfBounds(campuses: campuses, everyCampus: everyCampus).map {
            "<tr><td>\($0.campus)</td><td>\(lang.entityName($0.entity))</td><td><code>\(String($0.row.prefix(12)))</code></td><td>\(lang.fieldName($0.entity, $0.field))</td><td><code>\($0.value)</code></td><td>\($0.bound)</td></tr>"
        }
        let conflicts: [HTML] = Access.seesEveryCampus(user) ? try api.conflicts().map {
            "<tr><td>\($0.entity)</td><td>\($0.field)</td><td>\($0.versions.joined(separator: " / "))</td></tr>"
        } : []
        let none: HTML = "<p class=\"ok\">\(lang.pick("无", "None"))</p>"
        let unreachable = try unreachableStaffSection(user, campuses: campuses, lang: lang)
        let head: HTML = "<tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("说明", "Description"))</th></tr>"
        return layout.page(title: lang.pick("待处理", "To resolve"), """
            <h2>\(lang.pick("排班问题（合并后检查）", "Roster problems (post-merge checks)"))</h2>
            \(roster.isEmpty ? none : "<table>\(head)\(roster)</table>")
            <h2>\(lang.pick("工单（合并后检查）", "Tickets (post-merge checks)"))</h2>
            \(tickets.isEmpty ? none : "<table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("工单号", "Number"))</th><th>\(lang.pick("类型", "Kind"))</th><th>\(lang.pick("说明", "Description"))</th></tr>\(tickets)</table>")
            <h2>\(lang.pick("资产（合并后检查）", "Assets (post-merge checks)"))</h2>
            \(assets.isEmpty ? none : "<table>\(head)\(assets)</table>")
            <h2>\(lang.pick("存储值越界（来自副本，读取时已按范围截断）", "Stored values out of bounds (from the replica; clamped when read)"))</h2>
            \(bounds.isEmpty ? none : "<table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("实体", "Entity"))</th><th>\(lang.pick("行", "Row"))</th><th>\(lang.pick("字段", "Field"))</th><th>\(lang.pick("存储值", "Stored value"))</th><th>\(lang.pick("允许范围", "Allowed range"))</th></tr>\(bounds)</table>")
            \(unreachable)
            <h2>\(lang.pick("副本冲突", "Replica conflicts"))</h2>
            \(conflicts.isEmpty ? none : "<table><tr><th>\(lang.pick("实体", "Entity"))</th><th>\(lang.pick("字段", "Field"))</th><th>\(lang.pick("并存版本", "Versions"))</th></tr>\(conflicts)</table>")
            """)
    }

    /// One asset problem as the page says it, in the user's words, with the way to fix it:
    /// a duplicate tag leads to each campus's asset (its page offers 改编号), low stock
    /// and a scrap without approval to the asset itself.
    func assetProblemRows(_ problem: AssetProblem, codes: Set<String>, _ lang: Language) -> [HTML] {
        func link(_ tag: String, _ campus: String, _ label: String) -> HTML {
            "<a href=\"/assets/\(AssetQuery.encode(tag))@\(AssetQuery.encode(campus))\">\(label)</a>"
        }
        switch problem {
        case let .duplicateTag(tag, campuses):
            return campuses.filter(codes.contains).map { campus in
                let others = campuses.filter { $0 != campus }.joined(separator: lang.pick("、", ", "))
                return """
                    <tr><td>\(campus)</td><td>\(lang.problemKindName("asset_duplicate_tag"))</td><td>\(lang.pick("资产编号 \(tag) 在本院区与 \(others) 同时登记（断网期间各自登记，合并后发现）。", "Tag \(tag) was registered here and at \(others) while cut off."))\
                     \(link(tag, campus, lang.pick("给本院区这台改编号", "Retag this campus's one")))</td></tr>
                    """
            }
        case let .negativeStock(tag, campus, stock):
            guard codes.contains(campus) else { return [] }
            return ["""
                <tr><td>\(campus)</td><td>\(lang.problemKindName("asset_negative_stock"))</td><td>\(lang.pick("耗材 \(tag) 库存为 \(stock)：两院区同时出库，请盘点后入库补正。", "Consumable \(tag) stands at \(stock) after concurrent draws: count it and restock."))\
                 \(link(tag, campus, lang.pick("去出入库", "Adjust stock")))</td></tr>
                """]
        case let .scrappedWithoutApproval(tag, campus, _, state):
            guard codes.contains(campus) else { return [] }
            return ["""
                <tr><td>\(campus)</td><td>\(lang.problemKindName("asset_scrapped_without_approval"))</td><td>\(lang.pick("资产 \(tag) 已按报废处理，但合并后其报废申请为“\(lang.name(of: state))”：请确认该设备是否确已报废。", "\(tag) reads as scrapped, but its scrap request is \(lang.name(of: state)) after the merge: confirm whether the device is gone."))\
                 \(link(tag, campus, lang.pick("查看资产", "Open the asset")))</td></tr>
                """]
        }
    }
}
