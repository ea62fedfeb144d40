import Domain
import Hummingbird

/// 资产详情 — one asset: its fields, its history (registration, moves, stock changes,
/// maintenance and repairs, inspection rounds, scrap requests), the tickets linked to
/// it, its QR label, and the forms of what the reader may do to it. Read on the read
/// lane, not on the event loop; not cached (the forms carry the session's CSRF token).
extension Dashboard {
    /// `GET /assets/{tag}`, or the page again after a refused form (`failure`).
    func assetPageResponse(_ request: Request, _ context: MeshDeskRequestContext, tag: String,
                           failure: DutyFormFailure? = nil) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let lang = Language.of(request)
        let state = try api.seenState(session: user.session.token)
        let done = request.uri.queryParameters.get("done").map { String($0) }
        do {
            let content = try await api.reads.lane.run { try assetPage(tag, user, lang, done: done, failure: failure) }
            return framed(request, user, path: "/assets", version: state.stamp.digest) { layout in
                layout.page(title: content.title, content.body)
            }
        } catch DomainError.unknownAsset {
            // In the frame, with the way back to the inventory and a search for what was typed.
            var response = framed(request, user, path: "/assets", version: state.stamp.digest) { layout in
                layout.page(title: lang.pick("找不到该资产", "No such asset"), """
                    <div class="card"><p class="bad">\(lang.pick("没有编号为 \(tag) 的资产。", "No asset is tagged \(tag)."))</p>
                    <p><a href="/assets?q=\(AssetQuery.encode(tag))">\(lang.pick("在资产台账中搜索", "Search the inventory"))</a> · \
                    <a href="/assets">\(lang.pick("返回资产", "Back to assets"))</a></p><p class="muted">HTTP 404</p></div>
                    """)
            }
            response.status = .notFound
            return response
        }
    }

    /// Confirmations of the asset forms, by the `done` key they redirect with.
    static let assetFormConfirmations: [String: (String, String)] = [
        "register": ("资产已登记。", "Asset registered."),
        "move": ("已调拨：新的科室与位置已保存。", "Moved: the new department and location are saved."),
        "checkout": ("已领用：资产交给使用人，状态为使用中。", "Checked out: the holder has it, in use."),
        "checkin": ("已归还入库。", "Checked in to stock."),
        "inspect": ("巡检结果已记录。", "Inspection round recorded."),
        "repair": ("已送修：状态为维修中。", "Sent to repair: under repair."),
        "repaired": ("维修完成，已恢复。", "Back from repair."),
        "maintain": ("维护记录已保存。", "Maintenance recorded."),
        "stock": ("库存已调整。", "Stock adjusted."),
        "scrap": ("报废申请已提交，等待科长审批（见“审批”）。", "Scrap request filed; the section chief decides (see Approvals)."),
        "details": ("资产资料已保存。", "Details saved."),
        "transfer": ("已调拨到其他院区：资产现由该院区管理，状态为库存。", "Sent to the other campus: its staff keep it now, in stock."),
        "retag": ("资产编号已更改。", "The asset has its new tag."),
    ]

    func assetPage(_ tag: String, _ user: SignedIn, _ lang: Language, done: String?, failure: DutyFormFailure?) throws -> PageContent {
        let asset = try department.asset(tag)
        try Access.requireRead(user, asset.campus)
        let names = try staffNames()
        func who(_ id: String) -> String { id.isEmpty ? "" : names[id].map { "\($0) (\(id))" } ?? id }
        let r = asset.record
        let confirmation: HTML = done.flatMap { Self.assetFormConfirmations[$0] }.map { "<p class=\"card ok\">\(lang.pick($0.0, $0.1))</p>" } ?? ""
        let stock: HTML = r.type == .consumable
            ? "<tr><th>\(lang.pick("库存 / 最低库存", "Stock / minimum"))</th><td>\(r.stock) / \(r.stockMin) \(r.unit)\(asset.lowStock ? HTML(" <span class=\"bad\">\(lang.pick("低库存", "low stock"))</span>") : "")</td></tr>"
            : ""
        let inspection = r.inspectionDays.map { days in
            "\(lang.pick("每 \(days) 天", "every \(days) days"))\(asset.inspectionDue.map { lang.pick("，下次 \($0.iso)", ", next \($0.iso)") } ?? "")"
        } ?? lang.pick("未设定", "none")
        let today = configuration.clock.now().date
        let inspectionDue: HTML = asset.inspectionDue.map { $0 <= today } == true ? " <span class=\"warn\">\(lang.pick("应巡检", "due"))</span>" : ""
        let tickets: [HTML] = asset.tickets.map { "<a href=\"/tickets/\(AssetQuery.encode($0))\">\($0)</a> " }
        let events = try department.assetHistory(tag: asset.tag)
        // 预计归还 — of the check-out that gave it to its present holder.
        let checkout = events.last { $0.move != nil }?.move.flatMap { $0.holder == r.holder && !r.holder.isEmpty ? $0.returnDate : nil }
        let returnRow: HTML = checkout.map { day in
            let late: HTML = day < today ? " <span class=\"bad\">\(lang.pick("已逾期", "overdue"))</span>" : ""
            return "<tr><th>\(lang.pick("预计归还", "Expected back"))</th><td>\(day.iso)\(late)</td></tr>"
        } ?? ""
        let expired: HTML = r.warrantyUntil.map { $0 < today } == true ? " <span class=\"warn\">\(lang.pick("已过保", "ended"))</span>" : ""
        let scrapped: HTML = asset.scrappedAt.map { "<tr><th>\(lang.pick("报废时间", "Scrapped at"))</th><td>\($0.description)</td></tr>" } ?? ""
        // Empty halves of a paired row read as —, not a bare slash.
        func pair(_ a: String, _ b: String) -> String { "\(a.isEmpty ? "—" : a) / \(b.isEmpty ? "—" : b)" }
        let campusName = try department.campus(r.campus)?.name ?? r.campus.rawValue
        return PageContent(title: "\(r.tag) \(r.name)", body: """
            \(confirmation)
            <div style="display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start">
            <table>
            <tr><th>\(lang.pick("资产编号", "Tag"))</th><td>\(r.tag)</td></tr>
            <tr><th>\(lang.pick("名称", "Name"))</th><td>\(r.name)</td></tr>
            <tr><th>\(lang.pick("类型", "Type"))</th><td>\(lang.name(of: r.type))</td></tr>
            <tr><th>\(lang.pick("状态", "State"))</th><td>\(lang.name(of: asset.state))</td></tr>
            <tr><th>\(lang.pick("院区", "Campus"))</th><td>\(campusName)</td></tr>
            <tr><th>\(lang.pick("型号 / 序列号", "Model / serial"))</th><td>\(pair(r.model, r.serial))</td></tr>
            <tr><th>\(lang.pick("使用科室 / 位置", "Department / location"))</th><td>\(pair(r.department, r.location))</td></tr>
            <tr><th>\(lang.pick("使用人", "Holder"))</th><td>\(who(r.holder))</td></tr>\(returnRow)
            <tr><th>\(lang.pick("生产厂家 / 供应商", "Manufacturer / supplier"))</th><td>\(pair(r.manufacturer, r.supplier))</td></tr>
            <tr><th>\(lang.pick("购置日期", "Purchased on"))</th><td>\(r.purchasedOn?.iso ?? "")</td></tr>
            <tr><th>\(lang.pick("购置金额 / 账面净值", "Cost / book value"))</th><td>\(costText(r, today: today, lang))</td></tr>
            <tr><th>\(lang.pick("保修截止 / 维保合同截止", "Warranty / service contract until"))</th><td>\(r.warrantyUntil?.iso ?? "—")\(expired) / \(r.contractUntil?.iso ?? "—")</td></tr>
            <tr><th>\(lang.pick("巡检周期", "Inspection"))</th><td>\(inspection)\(inspectionDue)</td></tr>
            \(stock)
            <tr><th>\(lang.pick("登记日期", "Registered on"))</th><td>\(r.registeredOn?.iso ?? "")</td></tr>
            \(r.notes.isEmpty ? "" : "<tr><th>\(lang.pick("备注", "Notes"))</th><td class=\"desc\">\(r.notes)</td></tr>" as HTML)
            \(scrapped)
            <tr><th>\(lang.pick("关联工单", "Linked tickets"))</th><td>\(tickets.isEmpty ? "\(lang.pick("无", "none"))" : "\(tickets)" as HTML)</td></tr>
            </table>
            <div class="card" style="text-align:center">\(try assetLabelMarkup(r.tag, moduleSize: 4))<br>
            <a href="/assets/labels?tag=\(AssetQuery.encode(r.tag))">\(lang.pick("打印标签", "Print label"))</a></div>
            </div>
            <h2>\(lang.pick("履历", "History"))</h2>
            \(try assetHistoryTable(asset, events, lang, who: who))
            <h2>\(lang.pick("操作", "Actions"))</h2>
            \(try assetForms(asset, reference: tag, user, lang, failure: failure))
            """)
    }

    /// `¥4,999.00 / ¥3,332.67`, with the rule of the book value said once.
    func costText(_ r: AssetRecord, today: LocalDate, _ lang: Language) -> HTML {
        guard let cost = r.purchaseCostFen else { return "—" }
        let book: HTML = AssetCost.bookValueFen(r, today: today).map { value in
            let years = AssetCost.usefulLifeYears(r.type) ?? 0
            return " / \(Self.yuanText(value)) <span class=\"muted\">\(lang.pick("（\(years) 年直线折旧）", "(straight line over \(years) years)"))</span>"
        } ?? ""
        return "\(Self.yuanText(cost))\(book)"
    }

    /// ¥ with thousands grouped: 499 900 fen → `¥4,999.00`.
    static func yuanText(_ fen: Int) -> String {
        let plain = AssetCost.yuan(fen)
        let parts = plain.split(separator: ".")
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        return "¥" + whole + grouped + "." + parts[1]
    }

    /// The QR label as inline SVG (the page's policy loads no images from anywhere).
    func assetLabelMarkup(_ tag: String, moduleSize: Int) throws -> HTML {
        var svg = try AssetLabel.svg(tag: tag, moduleSize: moduleSize)
        if let start = svg.range(of: "<svg") { svg = String(svg[start.lowerBound...]) }
        // AssetLabel escapes the text it prints; the rest is its own markup.
        return HTML(stringLiteral: svg)
    }

    /// One line of the history: when, who, what, detail. `order`: the audit trail's
    /// order where the line has an audit entry (two steps in one minute keep theirs).
    private struct HistoryLine {
        let minute: Int
        let order: Int
        let when: String
        let by: String
        let what: String
        let detail: String
    }

    /// Where a move took the asset, as the history says it.
    func moveDetail(_ move: AssetMove, _ lang: Language, campusNames: [String: String], who: (String) -> String) -> String {
        let place = [move.toCampus.map { campusNames[$0] ?? $0 }, move.department, move.location].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: " · ")
        var parts = ["\(move.fromCampus.map { "\(campusNames[$0] ?? $0) " } ?? "")→ \(place.isEmpty ? lang.pick("（未填写位置）", "(no place given)") : place)"]
        if !move.holder.isEmpty { parts.append(lang.pick("使用人 \(who(move.holder))", "held by \(who(move.holder))")) }
        if let back = move.returnBy { parts.append(lang.pick("预计归还 \(back)", "back by \(back)")) }
        return parts.joined(separator: "，")
    }

    /// What an edit changed: `型号 LaserJet → LaserJet Pro；购置金额 — → 4999.00`.
    func detailsDetail(_ change: AssetDetailsChange, _ lang: Language) -> String {
        change.edits.map { edit in
            let before = edit.before.isEmpty ? "—" : edit.before
            let after = edit.after.isEmpty ? "—" : edit.after
            return "\(lang.name(of: edit.field)) \(before) → \(after)"
        }.joined(separator: lang.pick("；", "; "))
    }

    func assetHistoryTable(_ asset: Asset, _ events: [AssetEvent], _ lang: Language, who: (String) -> String) throws -> HTML {
        let campusNames = Dictionary(try department.campuses().map { ($0.code.rawValue, $0.name) }) { a, _ in a }
        var lines: [HistoryLine] = []
        // Maintenance and inspection records carry their own details; each is paired with
        // its audit entry (same order, same count) for the time and the order. The audit
        // trail adds the rest (registration, moves, stock, retagging) with who and when.
        let maintained = events.indices.filter { events[$0].action == "asset.maintain" }
        let inspected = events.indices.filter { events[$0].action == "asset.inspect" }
        for (n, event) in events.enumerated() where event.action != "asset.maintain" && event.action != "asset.inspect" {
            let what = event.move.map { move -> String in
                if move.toCampus != nil { return lang.pick("院区调拨", "sent to another campus") }
                return move.holder.isEmpty ? (move.department.isEmpty ? lang.pick("归还入库", "checked in") : lang.pick("调拨", "moved"))
                    : lang.pick("领用 / 调拨", "checked out / moved")
            } ?? lang.assetAction(event.action)
            let unit = asset.record.unit
            let stock = event.stock.map { change in
                change.delta < 0 ? lang.pick("出库 \(-change.delta) \(unit)，余 \(change.stock) \(unit)", "\(-change.delta) \(unit) out, \(change.stock) \(unit) left")
                    : lang.pick("入库 \(change.delta) \(unit)，余 \(change.stock) \(unit)", "\(change.delta) \(unit) in, \(change.stock) \(unit) on hand")
            }
            lines.append(.init(minute: event.at.minutesSinceEpoch, order: n, when: event.at.description, by: who(event.by),
                               what: what, detail: event.move.map { moveDetail($0, lang, campusNames: campusNames, who: who) } ?? stock
                                   ?? event.details.map { detailsDetail($0, lang) } ?? ""))
        }
        // Imported and demo assets were written in one batch with one audit entry for
        // all: their registration is the date the row carries.
        if !events.contains(where: { $0.action == "asset.register" }), let day = asset.record.registeredOn {
            lines.append(.init(minute: LocalDateTime(date: day, minuteOfDay: 0).minutesSinceEpoch, order: -1, when: day.iso, by: "",
                               what: lang.assetAction("asset.register"), detail: ""))
        }
        let pairedMaintenance = maintained.count == asset.maintenance.count
        for (n, m) in asset.maintenance.enumerated() {
            let state = m.state.map { " → \(lang.name(of: $0))" } ?? ""
            let ticket = m.ticket.map { " · \(lang.pick("工单", "ticket")) \($0)" } ?? ""
            lines.append(.init(minute: m.at, order: pairedMaintenance ? maintained[n] : -1, when: LocalDateTime(minutesSinceEpoch: m.at).description,
                               by: who(m.by), what: "\(lang.name(of: m.kind))\(state)", detail: "\(m.text)\(ticket)"))
        }
        let pairedInspections = inspected.count == asset.inspections.count
        for (n, i) in asset.inspections.enumerated() {
            let items = i.items.sorted { $0.key < $1.key }.map { "\($0.key)\(lang.pick("：", ": "))\(lang.name(of: $0.value))" }.joined(separator: lang.pick("；", "; "))
            let result = i.passed ? lang.pick("巡检：正常", "inspection: passed") : lang.pick("巡检：有异常", "inspection: fault found")
            let at = pairedInspections ? events[inspected[n]].at : LocalDate(iso: i.date).map { LocalDateTime(date: $0, minuteOfDay: 0) }
            lines.append(.init(minute: at?.minutesSinceEpoch ?? 0, order: pairedInspections ? inspected[n] : -1,
                               when: pairedInspections ? at?.description ?? i.date : i.date, by: who(i.by), what: result,
                               detail: i.note.isEmpty ? items : "\(items) · \(i.note)"))
        }
        for a in try department.approvals(campus: asset.campus, kind: .scrap) where a.assetTag == asset.tag {
            lines.append(.init(minute: a.requestedAt.minutesSinceEpoch, order: Int.max, when: a.requestedAt.description, by: who(a.requester.rawValue),
                               what: "\(lang.pick("报废申请", "scrap request")) · \(lang.name(of: a.state))", detail: a.reason))
        }
        guard !lines.isEmpty else { return "<p class=\"muted\">\(lang.pick("暂无记录。", "Nothing recorded yet."))</p>" }
        let rows: [HTML] = lines.sorted { ($0.minute, $0.order) > ($1.minute, $1.order) }.map {
            "<tr><td>\($0.when)</td><td>\($0.by)</td><td>\($0.what)</td><td class=\"desc\">\($0.detail)</td></tr>"
        }
        return """
            <table><tr><th>\(lang.pick("时间", "Time"))</th><th>\(lang.pick("操作人", "By"))</th><th>\(lang.pick("事项", "What"))</th>\
            <th>\(lang.pick("内容", "Detail"))</th></tr>\(rows)</table>
            """
    }
}
