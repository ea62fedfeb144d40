import Foundation
import Domain
import Hummingbird

/// 资产 — the inventory (资产台账) with its filter bar and pages, then what needs doing:
/// assets due for inspection, consumables below their threshold, warranties ending
/// soon, at the campuses the user has a role at.
extension Dashboard {
    /// The inventory filter a request asks for (`?q=&campus=&type=&state=&location=&holder=&warranty=1&due=1&page=`),
    /// with what was typed kept for the filter bar and the paging links.
    struct AssetQuery: Sendable {
        var q = "", campus = "", type = "", state = "", location = "", holder = ""
        var warranty = false, due = false
        var page = 1

        init(_ request: Request) {
            func text(_ name: String) -> String {
                String((request.uri.queryParameters.get(name) ?? "").prefix(AssetFilter.textCharactersMax))
            }
            q = text("q"); campus = text("campus"); type = text("type"); state = text("state")
            location = text("location"); holder = text("holder")
            warranty = request.uri.queryParameters.get("warranty") == "1"
            due = request.uri.queryParameters.get("due") == "1"
            page = Int(request.uri.queryParameters.get("page") ?? "").map { min(max($0, 1), AssetInventoryPage.pageMax) } ?? 1
        }

        /// The query string of this filter (without the page), for links.
        var queryString: String {
            var parts: [(String, String)] = [("q", q), ("campus", campus), ("type", type), ("state", state), ("location", location), ("holder", holder)]
            if warranty { parts.append(("warranty", "1")) }
            if due { parts.append(("due", "1")) }
            return parts.filter { !$0.1.isEmpty }.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        }

        /// RFC 3986's unreserved characters stay as they are (a tag like `E-PC-0001`
        /// reads the same in the address bar); everything else is percent-encoded.
        static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

        static func encode(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        }
    }

    /// The domain filter of `query` for `user`: only campuses they read; a holder typed
    /// as a name or staff number becomes the staff numbers it matches.
    func assetFilter(_ query: AssetQuery, _ user: SignedIn) throws -> AssetFilter {
        let readable = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
        var filter = AssetFilter(campuses: query.campus.isEmpty ? readable : readable.filter { $0.rawValue == query.campus })
        filter.text = query.q
        filter.type = AssetType(rawValue: query.type)
        filter.state = AssetState(rawValue: query.state)
        filter.location = query.location
        if !query.holder.isEmpty {
            let typed = query.holder.trimmingCharacters(in: .whitespaces)
            filter.holders = try department.people().filter { $0.id.rawValue == typed || $0.name.contains(typed) }.map(\.id.rawValue)
        }
        let today = configuration.clock.now().date
        filter.today = today
        if query.warranty { filter.warrantyEndingBy = today.adding(days: AssetReport.warrantyNoticeDays) }
        if query.due { filter.inspectionDueBy = today }
        return filter
    }

    func assetsPage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let query = AssetQuery(request)
        let filter = try assetFilter(query, user)
        let campuses = filter.campuses
        let date = configuration.clock.now().date
        let inventory = try department.assetInventory(filter, page: query.page)
        let names = try staffNames()
        let report = AssetReportView(try department.assetReport(campus: campuses.count == 1 ? campuses[0] : nil, on: date),
                                     campuses: Set(campuses.map(\.rawValue)))
        func table(_ lines: [AssetReportView.Line], _ detail: String) -> HTML {
            guard !lines.isEmpty else { return "<p class=\"ok\">\(lang.pick("无", "None"))</p>" }
            let rows: [HTML] = lines.map {
                "<tr><td>\($0.campus)</td><td><a href=\"/assets/\(AssetQuery.encode($0.tag))\">\($0.tag)</a></td><td>\($0.name)</td><td>\($0.detail)</td></tr>"
            }
            return """
                <table><tr><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("资产编号", "Tag"))</th><th>\(lang.pick("名称", "Name"))</th>\
                <th>\(detail)</th></tr>\(rows)</table>
                """
        }
        let keeps = campuses.contains { Self.keepsAssets(user, $0) }
        let actions: HTML = keeps ? "<a href=\"/assets/new\">\(lang.pick("登记新资产", "Register an asset"))</a> · " : ""
        let labels = query.queryString.isEmpty ? "/assets/labels" : "/assets/labels?\(query.queryString)"
        // After 院区调拨 to a campus the sender does not read (`AssetForms`).
        let sent: HTML = request.uri.queryParameters.get("sent").map { tag in
            let to = String(request.uri.queryParameters.get("to") ?? "")
            let name = (try? department.campus(CampusCode(to)))?.name ?? to
            return "<p class=\"card ok\">\(lang.pick("资产 \(tag) 已调拨到\(name)，现由该院区管理。", "Asset \(tag) was sent to \(name); its staff keep it now."))</p>"
        } ?? ""
        return PageContent(title: lang.pick("资产", "Assets"), body: """
            \(sent)<p class="muted">\(date.iso) · \(campuses.map(\.rawValue).joined(separator: ", "))</p>
            <p>\(actions)<a href="\(labels)">\(lang.pick("打印本页筛选结果的标签", "Print labels of this selection"))</a> · \
            <a href="/assets/export.csv\(query.campus.isEmpty ? "" : "?campus=\(AssetQuery.encode(query.campus))")">\(lang.pick("导出 CSV", "Export CSV"))</a></p>
            <h2>\(lang.pick("资产台账", "Inventory")) (\(inventory.total))</h2>
            \(try assetFilterBar(query, lang))
            \(assetInventoryTable(inventory, query, lang, names: names))
            <h2>\(lang.pick("待巡检", "Due for inspection")) (\(report.inspectionsDue.count))</h2>\(table(report.inspectionsDue, lang.pick("应巡检日期", "Due on")))
            <h2>\(lang.pick("低库存耗材", "Low consumables")) (\(report.lowStock.count))</h2>\(table(report.lowStock, lang.pick("库存", "Stock")))
            <h2>\(lang.pick("保修即将到期", "Warranty ending")) (\(report.warrantyEnding.count))</h2>\(table(report.warrantyEnding, lang.pick("保修截止", "Warranty until")))
            """)
    }

    /// Engineers, duty engineers and the chief of a campus keep its assets (the domain's
    /// `assetKeepers`); the forms are offered to them only.
    static func keepsAssets(_ user: SignedIn, _ campus: CampusCode) -> Bool {
        [Role.engineer, .dutyEngineer, .sectionChief].contains { user.staff.holds($0, at: campus) }
    }

    func assetFilterBar(_ query: AssetQuery, _ lang: Language) throws -> HTML {
        func option(_ value: String, _ label: String, _ chosen: String) -> HTML {
            "<option value=\"\(value)\"\(value == chosen ? HTML(" selected") : "")>\(label)</option>"
        }
        let campuses: [HTML] = [option("", lang.pick("全部院区", "all campuses"), query.campus)]
            + (try department.campuses()).map { option($0.code.rawValue, "\($0.name) (\($0.code.rawValue))", query.campus) }
        let types: [HTML] = [option("", lang.pick("全部类型", "all types"), query.type)] + AssetType.allCases.map { option($0.rawValue, lang.name(of: $0), query.type) }
        let states: [HTML] = [option("", lang.pick("全部状态", "all states"), query.state)] + AssetState.allCases.map { option($0.rawValue, lang.name(of: $0), query.state) }
        func check(_ name: String, _ on: Bool, _ label: String) -> HTML {
            "<label style=\"white-space:nowrap\"><input type=\"checkbox\" name=\"\(name)\" value=\"1\"\(on ? HTML(" checked") : "")> \(label)</label>"
        }
        return """
            <form class="card wide-card" method="get" action="/assets" style="max-width:1000px">
            <input name="q" value="\(query.q)" placeholder="\(lang.pick("编号、名称、型号、序列号", "tag, name, model, serial"))" maxlength="\(AssetFilter.textCharactersMax)">
            <select name="campus">\(campuses)</select> <select name="type">\(types)</select> <select name="state">\(states)</select>
            <input name="location" value="\(query.location)" placeholder="\(lang.pick("科室或位置", "department or location"))" maxlength="\(AssetFilter.textCharactersMax)">
            <input name="holder" value="\(query.holder)" placeholder="\(lang.pick("使用人姓名或工号", "holder's name or staff no."))" maxlength="\(AssetFilter.textCharactersMax)">
            \(check("warranty", query.warranty, lang.pick("保修 \(AssetReport.warrantyNoticeDays) 天内到期", "warranty ends within \(AssetReport.warrantyNoticeDays) days")))
            \(check("due", query.due, lang.pick("待巡检", "inspection due")))
            <button>\(lang.pick("筛选", "Filter"))</button> <a href="/assets">\(lang.pick("清除", "Clear"))</a>
            </form>
            """
    }

    func assetInventoryTable(_ inventory: AssetInventoryPage, _ query: AssetQuery, _ lang: Language, names: [String: String]) -> HTML {
        guard !inventory.assets.isEmpty else { return "<p class=\"muted\">\(lang.pick("没有符合条件的资产。", "No asset matches."))</p>" }
        let rows: [HTML] = inventory.assets.map { line in
            let r = line.record
            let holder = r.holder.isEmpty ? "" : (names[r.holder] ?? r.holder)
            let stock: String = r.type == .consumable ? "\(r.stock) \(r.unit)" : ""
            let low: HTML = r.type == .consumable && r.stock < r.stockMin ? " <span class=\"bad\">\(lang.pick("低库存", "low"))</span>" : ""
            return """
                <tr><td><a href="/assets/\(AssetQuery.encode(r.tag))">\(r.tag)</a></td><td>\(r.name)</td><td>\(lang.name(of: r.type))</td>\
                <td>\(r.model)</td><td>\(r.campus.rawValue)</td><td>\(lang.name(of: line.state))</td><td>\(r.department) \(r.location)</td>\
                <td>\(holder)</td><td>\(r.warrantyUntil?.iso ?? "")</td><td>\(stock)\(low)</td></tr>
                """
        }
        let base = query.queryString.isEmpty ? "/assets?" : "/assets?\(query.queryString)&"
        let previous: HTML = inventory.page > 1 ? "<a href=\"\(base)page=\(inventory.page - 1)\">\(lang.pick("上一页", "Previous"))</a> " : ""
        let next: HTML = inventory.page < inventory.pages ? " <a href=\"\(base)page=\(inventory.page + 1)\">\(lang.pick("下一页", "Next"))</a>" : ""
        return """
            <table><tr><th>\(lang.pick("资产编号", "Tag"))</th><th>\(lang.pick("名称", "Name"))</th><th>\(lang.pick("类型", "Type"))</th>\
            <th>\(lang.pick("型号", "Model"))</th><th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("状态", "State"))</th>\
            <th>\(lang.pick("科室 / 位置", "Department / location"))</th><th>\(lang.pick("使用人", "Holder"))</th>\
            <th>\(lang.pick("保修截止", "Warranty until"))</th><th>\(lang.pick("库存", "Stock"))</th></tr>\(rows)</table>
            <p>\(previous)\(lang.pick("第 \(inventory.page) / \(inventory.pages) 页，每页 \(inventory.pageSize) 条", "Page \(inventory.page) of \(inventory.pages), \(inventory.pageSize) a page"))\(next)</p>
            """
    }
}
