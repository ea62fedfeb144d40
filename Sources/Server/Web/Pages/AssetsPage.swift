import Domain
import Hummingbird

/// 资产 — what needs doing: assets due for inspection, consumables below their
/// threshold, warranties ending soon, at the campuses the user has a role at.
extension Dashboard {
    func assetsPage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let campuses = try api.visibleCampuses(user, request)
        let date = configuration.clock.now().date
        let report = AssetReportView(try department.assetReport(campus: campuses.count == 1 ? campuses[0] : nil, on: date),
                                     campuses: Set(campuses.map(\.rawValue)))
        func table(_ lines: [AssetReportView.Line], _ detail: String) -> HTML {
            guard !lines.isEmpty else { return "<p class=\"ok\">\(lang.pick("无", "None"))</p>" }
            let rows: [HTML] = lines.map { "<tr><td>\($0.campus)</td><td>\($0.tag)</td><td>\($0.name)</td><td>\($0.detail)</td></tr>" }
            return """
                <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("资产编号", "Tag"))</th><th>\(lang.pick("名称", "Name"))</th>\
                <th>\(detail)</th></tr>\(rows)</table>
                """
        }
        return PageContent(title: lang.pick("资产", "Assets"), body: """
            <p class="muted">\(date.iso) · \(campuses.map(\.rawValue).joined(separator: ", "))</p>
            <h2>\(lang.pick("待巡检", "Due for inspection")) (\(report.inspectionsDue.count))</h2>\(table(report.inspectionsDue, lang.pick("应巡检日期", "Due on")))
            <h2>\(lang.pick("低库存耗材", "Low consumables")) (\(report.lowStock.count))</h2>\(table(report.lowStock, lang.pick("库存", "Stock")))
            <h2>\(lang.pick("保修即将到期", "Warranty ending")) (\(report.warrantyEnding.count))</h2>\(table(report.warrantyEnding, lang.pick("保修截止", "Warranty until")))
            """)
    }
}
