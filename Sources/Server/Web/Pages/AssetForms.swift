import Domain
import HTTPTypes
import Hummingbird
import Logging

/// The forms of an asset page (`POST /assets/{tag}/{form}`) and of registering one
/// (`POST /assets/new`). As 我的值班's forms: success comes back with `?done=` and a
/// confirmation; a refusal renders the page again with the message next to the form in
/// the user's language, what was typed kept, the refusal's status, a log line and
/// nothing written. Who may: 信息科 staff with a role at the asset's campus (the API's
/// check), then the domain's (engineer, duty engineer or chief there).
extension Dashboard {
    /// Longest free text of an asset form (a repair description, a finding).
    static let assetTextCharactersMax = 1_000
    /// Inspection items one form carries (the API takes up to `inspectionItemsMax`).
    static let inspectionFormItemsMax = 6

    static let assetFormFields: [String: Set<String>] = [
        "move": ["department", "location"],
        "checkout": ["holder", "department", "location", "returnBy"],
        "checkin": ["location"],
        "inspect": Set((1...inspectionFormItemsMax).flatMap { ["item\($0)", "result\($0)"] } + ["note"]),
        "repair": ["text", "ticket"],
        "repaired": ["text", "state"],
        "maintain": ["kind", "text"],
        "stock": ["direction", "quantity"],
        "scrap": ["reason"],
        "details": ["name", "model", "serial", "manufacturer", "supplier", "notes", "purchaseCost", "purchasedOn", "warrantyUntil",
                    "warrantyMonths", "contractUntil", "inspectionDays"],
        "transfer": ["campus", "location"],
        "retag": ["tag"],
    ]

    static let registerFields: Set<String> = ["tag", "campus", "type", "name", "model", "serial", "department", "location", "holder",
                                              "purchasedOn", "warrantyUntil", "warrantyMonths", "contractUntil", "inspectionDays",
                                              "stock", "stockMin", "unit", "purchaseCost", "manufacturer", "supplier", "notes"]

    // MARK: - rendering

    /// `reference`: the tag as the page was asked for (`TAG@CAMPUS` while two campuses hold it).
    func assetForms(_ asset: Asset, reference: String, _ user: SignedIn, _ lang: Language, failure: DutyFormFailure?) throws -> HTML {
        // A refusal of a form the page no longer offers (the asset was scrapped, the
        // role does not keep assets here) is still said, above the notice.
        let refusedAlone: HTML = failure.map { "<p class=\"bad\" role=\"alert\">\($0.message)</p>" } ?? ""
        guard Self.keepsAssets(user, asset.campus) else {
            return "\(refusedAlone)<p class=\"muted\">\(lang.pick("只有本院区的工程师、值班工程师和科长可以操作资产。", "Only engineers, duty engineers and the chief of its campus act on an asset."))</p>"
        }
        guard asset.state != .scrapped else {
            return "\(refusedAlone)<p class=\"muted\">\(lang.pick("该资产已报废，不再操作。", "This asset is scrapped; nothing more is done to it."))</p>"
        }
        let csrf = user.session.csrfToken
        let path = "/assets/\(AssetQuery.encode(reference))"
        func kept(_ form: String, _ field: String, _ fallback: String = "") -> String {
            failure?.form == form ? failure?.value(field) ?? fallback : fallback
        }
        func form(_ name: String, _ title: String, _ fields: HTML, _ button: String) -> HTML {
            let refused: HTML = failure?.form == name ? "<p class=\"bad\" role=\"alert\">\(failure?.message ?? "")</p>" : ""
            return """
                <form class="act" id="form-\(name)" method="post" action="\(path)/\(name)"><input type="hidden" name="csrf" value="\(csrf)">\
                <strong>\(title)</strong>\(refused)<br>\(fields)<button>\(button)</button></form>
                """
        }
        func input(_ form: String, _ name: String, _ label: String, _ fallback: String = "", required: Bool = false, type: String = "text") -> HTML {
            "<label>\(label)<br><input type=\"\(type)\" name=\"\(name)\" value=\"\(kept(form, name, fallback))\" maxlength=\"\(Self.assetTextCharactersMax)\"\(required ? HTML(" required") : "")></label><br>"
        }
        let r = asset.record
        var forms: [HTML] = []
        if r.type == .consumable {
            forms.append(form("stock", lang.pick("出入库", "Stock in / out"), """
                <select name="direction"><option value="out">\(lang.pick("出库（领用）", "out (taken)"))</option>\
                <option value="in"\(kept("stock", "direction") == "in" ? HTML(" selected") : "")>\(lang.pick("入库（补充）", "in (restocked)"))</option></select><br>
                \(input("stock", "quantity", lang.pick("数量（\(r.unit)）", "quantity (\(r.unit))"), required: true, type: "number"))
                """, lang.pick("保存", "Save")))
        }
        // A consumable is counted, not handed out or inspected one by one: its page
        // offers stock, move, maintenance and scrapping only.
        let tracked = r.type != .consumable
        if tracked, asset.state != .underRepair {
            forms.append(form("checkout", lang.pick("领用（交给使用人）", "Check out to a person"), """
                \(input("checkout", "holder", lang.pick("使用人工号或姓名", "holder: staff no. or name"), required: true))\
                \(input("checkout", "department", lang.pick("使用科室", "department"), r.department))\
                \(input("checkout", "location", lang.pick("位置", "location"), r.location))\
                \(input("checkout", "returnBy", lang.pick("预计归还日期（可空）", "expected back on (optional)"), type: "date"))
                """, lang.pick("领用", "Check out")))
            if !r.holder.isEmpty || !r.department.isEmpty {
                forms.append(form("checkin", lang.pick("归还入库", "Check in to stock"),
                                  input("checkin", "location", lang.pick("存放位置", "storage location"), lang.pick("信息科库房", "IT store room")),
                                  lang.pick("归还", "Check in")))
            }
        }
        forms.append(form("move", lang.pick("调拨（科室 / 位置）", "Move (department / location)"), """
            \(input("move", "department", lang.pick("使用科室", "department"), r.department))\(input("move", "location", lang.pick("位置", "location"), r.location, required: true))
            """, lang.pick("调拨", "Move")))
        let results: [InspectionRecord.Result] = [.ok, .fault, .skipped]
        let defaultItems = [lang.pick("外观", "appearance"), lang.pick("运行状态", "running"), lang.pick("网络连接", "network"),
                            lang.pick("告警 / 日志", "alarms / logs"), "", ""]
        let items: [HTML] = (1...Self.inspectionFormItemsMax).map { n in
            let chosen = kept("inspect", "result\(n)", "ok")
            let options: [HTML] = results.map { "<option value=\"\($0.rawValue)\"\($0.rawValue == chosen ? HTML(" selected") : "")>\(lang.name(of: $0))</option>" }
            return "<input name=\"item\(n)\" value=\"\(kept("inspect", "item\(n)", failure?.form == "inspect" ? "" : defaultItems[n - 1]))\" placeholder=\"\(lang.pick("检查项", "item"))\" maxlength=\"100\"> <select name=\"result\(n)\">\(options)</select><br>"
        }
        if tracked {
            forms.append(form("inspect", lang.pick("巡检", "Inspection round"), """
                \(items)\(input("inspect", "note", lang.pick("发现的问题 / 备注", "findings / note")))
                """, lang.pick("记录巡检", "Record")))
        }
        if asset.state == .underRepair {
            let states: [HTML] = [AssetState.inUse, .inStock].map { "<option value=\"\($0.rawValue)\">\(lang.name(of: $0))</option>" }
            forms.append(form("repaired", lang.pick("维修完成", "Back from repair"), """
                \(input("repaired", "text", lang.pick("维修结果", "what was done"), required: true))<label>\(lang.pick("恢复为", "back to"))<br><select name="state">\(states)</select></label><br>
                """, lang.pick("保存", "Save")))
        } else if tracked {
            forms.append(form("repair", lang.pick("送修", "Send to repair"), """
                \(input("repair", "text", lang.pick("故障描述", "fault"), required: true))\(input("repair", "ticket", lang.pick("工单号（可选）", "ticket no. (optional)")))
                """, lang.pick("送修", "Send to repair")))
        }
        let kinds: [HTML] = [MaintenanceKind.maintenance, .upgrade, .calibration, .configuration].map {
            "<option value=\"\($0.rawValue)\"\(kept("maintain", "kind") == $0.rawValue ? HTML(" selected") : "")>\(lang.name(of: $0))</option>"
        }
        forms.append(form("maintain", lang.pick("维护记录", "Maintenance record"), """
            <select name="kind">\(kinds)</select><br>\(input("maintain", "text", lang.pick("内容", "what was done"), required: true))
            """, lang.pick("保存", "Save")))
        let otherCampuses = try department.campuses().filter { $0.code != asset.campus }
        if !otherCampuses.isEmpty, asset.state != .underRepair {
            let options: [HTML] = otherCampuses.map {
                "<option value=\"\($0.code.rawValue)\"\(kept("transfer", "campus") == $0.code.rawValue ? HTML(" selected") : "")>\($0.name)</option>"
            }
            forms.append(form("transfer", lang.pick("院区调拨", "Send to another campus"), """
                <label>\(lang.pick("调往院区", "to campus"))<br><select name="campus">\(options)</select></label><br>
                \(input("transfer", "location", lang.pick("到达后存放位置", "kept there at"), required: true))<span class="muted">\(lang.pick("调拨后由该院区管理，状态为库存", "its staff keep it from then on, in stock"))</span><br>
                """, lang.pick("调拨", "Send")))
        }
        forms.append(form("scrap", lang.pick("申请报废", "Request scrapping"), """
            \(input("scrap", "reason", lang.pick("报废原因", "reason"), required: true))<span class="muted">\(lang.pick("提交后由科长审批", "the section chief decides"))</span><br>
            """, lang.pick("提交报废申请", "File")))
        // The refused form may not be offered in the asset's present state (送修 of an
        // asset already under repair): then the refusal stands above the forms.
        // 改编号 — how a tag registered at two campuses while cut off is resolved.
        forms.append(form("retag", lang.pick("改编号", "Retag"), """
            \(input("retag", "tag", lang.pick("新的资产编号", "new tag"), required: true))<span class="muted">\(lang.pick("编号全院唯一", "unique hospital-wide"))</span><br>
            """, lang.pick("改编号", "Retag")))
        let details = detailsForm(asset, path: path, csrf: csrf, lang, failure: failure?.form == "details" ? failure : nil)
        let offered = Set((forms + [details]).compactMap { Self.formName(of: $0) })
        let above: HTML = failure.map { offered.contains($0.form) ? "" : refusedAlone } ?? ""
        return "\(above)<div>\(forms)</div>\(details)"
    }

    /// 修改资料 — every descriptive field at once, filled with what is recorded (or what
    /// was typed, after a refusal); folded away until opened.
    func detailsForm(_ asset: Asset, path: String, csrf: String, _ lang: Language, failure: DutyFormFailure?) -> HTML {
        let r = asset.record
        let recorded: [String: String] = [
            "name": r.name, "model": r.model, "serial": r.serial, "manufacturer": r.manufacturer, "supplier": r.supplier,
            "notes": r.notes, "purchaseCost": r.purchaseCostFen.map(AssetCost.yuan) ?? "", "purchasedOn": r.purchasedOn?.iso ?? "",
            "warrantyUntil": r.warrantyUntil?.iso ?? "", "warrantyMonths": "", "contractUntil": r.contractUntil?.iso ?? "",
            "inspectionDays": r.inspectionDays.map(String.init) ?? "",
        ]
        func value(_ name: String) -> String { failure?.value(name) ?? recorded[name] ?? "" }
        func input(_ name: String, _ label: String, type: String = "text", required: Bool = false) -> HTML {
            "<label>\(label)<br><input type=\"\(type)\" name=\"\(name)\" value=\"\(value(name))\" maxlength=\"\(Self.assetTextCharactersMax)\"\(required ? HTML(" required") : "")></label>"
        }
        let refused: HTML = failure.map { "<p class=\"bad\" role=\"alert\">\($0.message)</p>" } ?? ""
        let grid: HTML = "style=\"display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:6px 16px\""
        return """
            <details class="card"\(failure == nil ? "" : HTML(" open"))><summary><strong>\(lang.pick("修改资料", "Edit details"))</strong> \
            <span class="muted">\(lang.pick("名称、型号、厂家、供应商、金额、保修、备注", "name, model, maker, supplier, cost, warranty, notes"))</span></summary>
            <form id="form-details" method="post" action="\(path)/details"><input type="hidden" name="csrf" value="\(csrf)">\(refused)
            <div \(grid)>
            \(input("name", lang.pick("名称", "Name"), required: true))\(input("model", lang.pick("型号", "Model")))\(input("serial", lang.pick("序列号", "Serial")))
            \(input("manufacturer", lang.pick("生产厂家", "Manufacturer")))\(input("supplier", lang.pick("供应商", "Supplier")))
            \(input("purchaseCost", lang.pick("购置金额（元）", "Cost (yuan)")))\(input("purchasedOn", lang.pick("购置日期", "Purchased on"), type: "date"))
            \(input("warrantyUntil", lang.pick("保修截止", "Warranty until"), type: "date"))\(input("warrantyMonths", lang.pick("或保修期（月，自购置日起）", "or warranty in months from purchase"), type: "number"))
            \(input("contractUntil", lang.pick("维保合同截止", "Service contract until"), type: "date"))\(input("inspectionDays", lang.pick("巡检周期（天，可空）", "Inspection every … days (optional)"), type: "number"))
            </div>
            <label>\(lang.pick("备注", "Notes"))<br><textarea name="notes" rows="3" style="width:100%;box-sizing:border-box" maxlength="\(Asset.notesCharactersMax)">\(value("notes"))</textarea></label><br>
            <button>\(lang.pick("保存资料", "Save details"))</button></form></details>
            """
    }

    /// The `{tag}` of an asset path as typed: `TAG` or `TAG@CAMPUS`, percent-decoded (a
    /// link may encode the `@`).
    static func assetReference(_ context: MeshDeskRequestContext) throws -> String {
        let raw = try context.parameters.require("tag")
        return raw.removingPercentEncoding ?? raw
    }

    /// The form's name in `id="form-…"` of its markup.
    static func formName(of form: HTML) -> String? {
        guard let start = form.markup.range(of: "id=\"form-") else { return nil }
        return String(form.markup[start.upperBound...].prefix { $0 != "\"" })
    }

    // MARK: - posts

    func assetForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let tag = try Self.assetReference(context)
        let form = try context.parameters.require("form")
        guard let allowed = Self.assetFormFields[form] else { throw APIError(.notFound, "not_found", "no asset form \(form)") }
        let fields = try await FormPost.read(request, fields: allowed, csrfOf: user)
        // An unknown tag is the 404 page, not a refusal next to a form.
        let asset = try department.asset(tag)
        let metadata: Logger.Metadata = ["form": "asset.\(form)", "user": "\(user.username)", "asset": "\(asset.tag)"]
        do {
            try Access.requireCampus(user, asset.campus, to: "\(form) asset \(asset.tag)")
            let done = try performAssetForm(form, fields, asset, acting)
            context.logger.info("asset form done", metadata: metadata)
            switch form {
            case "retag":
                // The asset now answers to its new tag (and the duplicate is gone).
                return HTMLResponse.redirect("/assets/\(AssetQuery.encode((fields["tag"] ?? "").trimmingCharacters(in: .whitespaces)))?done=retag")
            case "transfer":
                // Sent to a campus the sender does not read: the confirmation is on the inventory.
                let campus = CampusCode(fields["campus"] ?? "")
                guard Access.canRead(user, campus) else {
                    return HTMLResponse.redirect("/assets?sent=\(AssetQuery.encode(asset.tag))&to=\(AssetQuery.encode(campus.rawValue))")
                }
                return HTMLResponse.redirect("/assets/\(AssetQuery.encode("\(asset.tag)@\(campus.rawValue)"))?done=transfer")
            default:
                return HTMLResponse.redirect("/assets/\(AssetQuery.encode(tag))?done=\(done)")
            }
        } catch {
            let failure = try refusedForm(error, form: form, fields: fields, request, context, metadata, asset: asset)
            var response = try await assetPageResponse(request, context, tag: tag, failure: failure)
            response.status = failure.status
            return response
        }
    }

    /// The refusal as the page shows it (and its log line); a server fault is rethrown.
    func refusedForm(_ error: any Error, form: String, fields: [String: String], _ request: Request, _ context: MeshDeskRequestContext,
                     _ metadata: Logger.Metadata, asset: Asset?) throws -> DutyFormFailure {
        let api = APIError.from(error)
        let status = (error as? DutyRefusal)?.status ?? api.status
        let code = (error as? DutyRefusal)?.code ?? api.code
        guard status.code < 500 else { throw error }
        context.logger.notice("asset form refused: \((error as? DutyRefusal)?.en ?? api.message)",
                              metadata: metadata.merging(["code": "\(code)", "status": "\(status.code)"]) { a, _ in a })
        let lang = Language.of(request)
        return DutyFormFailure(form: form, status: status, code: code, message: lang.assetRefusal(error, asset: asset), values: fields)
    }

    private func performAssetForm(_ form: String, _ fields: [String: String], _ asset: Asset, _ acting: Acting) throws -> String {
        // TAG@CAMPUS names this row even while another campus holds the same tag.
        let tag = "\(asset.tag)@\(asset.campus.rawValue)"
        func text(_ name: String) throws -> String {
            let value = (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
            try Self.requireLength(value, name, max: Self.assetTextCharactersMax)
            return value
        }
        switch form {
        case "move":
            let location = try text("location")
            guard !location.isEmpty else { throw DutyRefusal("missing_field", "请填写新的位置。", "Please fill in the new location.") }
            try department.moveAsset(tag, department: try text("department"), location: location, holder: asset.record.holder, by: acting)
            return "move"
        case "checkout":
            let holder = try personNumber(try text("holder"))
            let returnText = try text("returnBy")
            let returnBy = returnText.isEmpty ? nil : try Parse.date(returnText, field: "returnBy")
            try department.moveAsset(tag, department: try text("department"), location: try text("location"), holder: holder,
                                     returnBy: returnBy, by: acting)
            return "checkout"
        case "checkin":
            try department.moveAsset(tag, department: "", location: try text("location"), holder: "", by: acting)
            return "checkin"
        case "inspect":
            var items: [String: InspectionRecord.Result] = [:]
            for n in 1...Self.inspectionFormItemsMax {
                let item = try text("item\(n)")
                guard !item.isEmpty else { continue }
                guard let result = InspectionRecord.Result(rawValue: fields["result\(n)"] ?? "") else {
                    throw APIError.badRequest("bad_value", "result\(n): expected ok, fault or skipped")
                }
                items[item] = result
            }
            guard !items.isEmpty else { throw DutyRefusal("missing_field", "请至少填写一个检查项。", "Fill in at least one item.") }
            try department.recordInspection(tag, items: items, note: try text("note"), by: acting)
            return "inspect"
        case "repair":
            let ticket = try text("ticket")
            try department.recordMaintenance(tag, kind: .repair, text: try text("text"), state: .underRepair,
                                             ticket: ticket.isEmpty ? nil : ticket, by: acting)
            return "repair"
        case "repaired":
            guard let state = AssetState(rawValue: fields["state"] ?? ""), state == .inUse || state == .inStock else {
                throw APIError.badRequest("bad_value", "state: expected in_use or in_stock")
            }
            try department.recordMaintenance(tag, kind: .repair, text: try text("text"), state: state, ticket: nil, by: acting)
            return "repaired"
        case "maintain":
            guard let kind = MaintenanceKind(rawValue: fields["kind"] ?? ""), kind != .repair else {
                throw APIError.badRequest("bad_value", "kind: expected maintenance, upgrade, calibration or configuration")
            }
            try department.recordMaintenance(tag, kind: kind, text: try text("text"), state: nil, ticket: nil, by: acting)
            return "maintain"
        case "stock":
            guard let quantity = Int(try text("quantity")), quantity > 0, quantity <= Asset.stockMax else {
                throw DutyRefusal("bad_quantity", "数量须为 1 到 \(Asset.stockMax) 之间的整数。", "The quantity is a whole number from 1 to \(Asset.stockMax).")
            }
            let direction = fields["direction"] ?? ""
            guard direction == "in" || direction == "out" else { throw APIError.badRequest("bad_value", "direction: expected in or out") }
            // Said in the counter's own terms; the domain checks again in its transaction.
            let r = asset.record
            if r.type == .consumable, direction == "out", quantity > r.stock {
                throw DutyRefusal("stock_below_zero", "库存不足：现有 \(r.stock) \(r.unit)，不能出库 \(quantity) \(r.unit)。未保存。",
                                  "Not enough in stock: \(r.stock) \(r.unit) on hand, cannot take \(quantity). Nothing saved.")
            }
            _ = try department.adjustStock(tag, by: direction == "in" ? quantity : -quantity, acting: acting)
            return "stock"
        case "details":
            try department.editAssetDetails(tag, try assetDetails(fields, asset: asset), by: acting)
            return "details"
        case "transfer":
            let location = try text("location")
            guard !location.isEmpty else { throw DutyRefusal("missing_field", "请填写到达后的存放位置。", "Please say where it is kept there.") }
            try department.transferAsset(tag, to: CampusCode(fields["campus"] ?? ""), location: location, by: acting)
            return "transfer"
        case "retag":
            let newTag = try text("tag")
            guard !newTag.isEmpty else { throw DutyRefusal("missing_field", "请填写新的资产编号。", "Please fill in the new tag.") }
            try department.retagAsset(tag, newTag: newTag, by: acting)
            return "retag"
        case "scrap":
            let reason = try text("reason")
            var scrap = ApprovalRequest(kind: .scrap, campus: asset.campus, title: "报废 \(asset.tag) \(asset.record.name)", reason: reason)
            scrap.assetTag = asset.tag
            try department.requestApproval(scrap, by: acting)
            return "scrap"
        default:
            throw APIError(.notFound, "not_found", "no asset form \(form)")
        }
    }

    /// A holder typed as a staff number or as a name: the staff number it names, or a
    /// refusal when it names nobody or more than one person.
    func personNumber(_ typed: String) throws -> String {
        guard !typed.isEmpty else { throw DutyRefusal("missing_field", "请填写使用人。", "Please fill in the holder.") }
        let people = try department.people()
        if people.contains(where: { $0.id.rawValue == typed }) { return typed }
        let named = people.filter { $0.name == typed }
        guard named.count <= 1 else {
            throw DutyRefusal("ambiguous_person", "有多人名为“\(typed)”，请填写工号。", "More than one person is called \(typed): give the staff number.")
        }
        guard let person = named.first else {
            throw DutyRefusal("unknown_person", "找不到使用人“\(typed)”：请填写在职人员的工号或姓名。", "No staff member \(typed): give a staff number or name.")
        }
        return person.id.rawValue
    }

    // MARK: - register

    func newAssetPageResponse(_ request: Request, _ context: MeshDeskRequestContext, failure: DutyFormFailure? = nil) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let lang = Language.of(request)
        let state = try api.seenState(session: user.session.token)
        let campuses = try await api.reads.lane.run { [department] in try department.campuses().map(\.code) }.filter { Self.keepsAssets(user, $0) }
        var response = framed(request, user, path: "/assets", version: state.stamp.digest) { layout in
            layout.page(title: lang.pick("登记资产", "Register an asset"), newAssetForm(campuses, user, lang, failure: failure))
        }
        if let failure { response.status = failure.status }
        return response
    }

    func newAssetForm(_ campuses: [CampusCode], _ user: SignedIn, _ lang: Language, failure: DutyFormFailure?) -> HTML {
        let refused: HTML = failure.map { "<p class=\"bad\" role=\"alert\">\($0.message)</p>" } ?? ""
        guard !campuses.isEmpty else {
            return "\(refused)<p class=\"muted\">\(lang.pick("只有工程师、值班工程师和科长可以登记资产。", "Only engineers, duty engineers and chiefs register assets."))</p>"
        }
        func kept(_ field: String, _ fallback: String = "") -> String { failure?.value(field) ?? fallback }
        func input(_ name: String, _ label: String, required: Bool = false, type: String = "text", placeholder: String = "") -> HTML {
            "<label>\(label)<br><input type=\"\(type)\" name=\"\(name)\" value=\"\(kept(name))\" placeholder=\"\(placeholder)\" maxlength=\"\(Self.assetTextCharactersMax)\"\(required ? HTML(" required") : "")></label>"
        }
        let campusOptions: [HTML] = campuses.map { "<option value=\"\($0.rawValue)\"\(kept("campus") == $0.rawValue ? HTML(" selected") : "")>\($0.rawValue)</option>" }
        let types: [HTML] = AssetType.allCases.map { "<option value=\"\($0.rawValue)\"\(kept("type") == $0.rawValue ? HTML(" selected") : "")>\(lang.name(of: $0))</option>" }
        // Three columns at 1366 px, one on a phone.
        let grid: HTML = "style=\"display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:6px 16px\""
        return """
            <form class="card" id="form-register" method="post" action="/assets/new" style="max-width:760px">
            <input type="hidden" name="csrf" value="\(user.session.csrfToken)">\(refused)
            <div \(grid)>
            \(input("tag", lang.pick("资产编号", "Tag"), required: true))\(input("name", lang.pick("名称", "Name"), required: true))
            <label>\(lang.pick("院区", "Campus"))<br><select name="campus">\(campusOptions)</select></label>
            <label>\(lang.pick("类型", "Type"))<br><select name="type">\(types)</select></label>
            \(input("model", lang.pick("型号", "Model")))\(input("serial", lang.pick("序列号", "Serial")))
            \(input("department", lang.pick("使用科室", "Department")))\(input("location", lang.pick("位置", "Location")))
            \(input("holder", lang.pick("使用人工号或姓名（可空）", "Holder: staff no. or name (optional)")))
            \(input("purchasedOn", lang.pick("购置日期", "Purchased on"), type: "date"))\(input("warrantyUntil", lang.pick("保修截止", "Warranty until"), type: "date"))
            \(input("warrantyMonths", lang.pick("或保修期（月，自购置日起）", "or warranty in months from purchase"), type: "number"))
            \(input("contractUntil", lang.pick("维保合同截止", "Service contract until"), type: "date"))
            \(input("inspectionDays", lang.pick("巡检周期（天，可空）", "Inspection every … days (optional)"), type: "number"))
            \(input("purchaseCost", lang.pick("购置金额（元）", "Cost (yuan)"), placeholder: "4999.00"))
            \(input("manufacturer", lang.pick("生产厂家", "Manufacturer")))\(input("supplier", lang.pick("供应商", "Supplier")))
            </div>
            <label>\(lang.pick("备注", "Notes"))<br><textarea name="notes" rows="2" style="width:100%;box-sizing:border-box" maxlength="\(Asset.notesCharactersMax)">\(kept("notes"))</textarea></label>
            <p class="muted">\(lang.pick("耗材另填：", "Consumables also: "))</p>
            <div \(grid)>
            \(input("stock", lang.pick("初始库存", "Initial stock"), type: "number"))\(input("stockMin", lang.pick("最低库存", "Minimum stock"), type: "number"))
            \(input("unit", lang.pick("单位", "Unit"), placeholder: lang.pick("盒、根、个", "box, piece")))
            </div><br>
            <button id="submit-asset">\(lang.pick("登记", "Register"))</button>
            </form>
            """
    }

    func registerAssetFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let fields = try await FormPost.read(request, fields: Self.registerFields, csrfOf: user)
        let metadata: Logger.Metadata = ["form": "asset.register", "user": "\(user.username)"]
        do {
            let record = try assetRecord(fields)
            try Access.requireCampus(user, record.campus, to: "register assets")
            try department.registerAsset(record, by: acting)
            context.logger.info("asset form done", metadata: metadata.merging(["asset": "\(record.tag)"]) { a, _ in a })
            return HTMLResponse.redirect("/assets/\(AssetQuery.encode(record.tag))?done=register")
        } catch {
            let failure = try refusedForm(error, form: "register", fields: fields, request, context, metadata, asset: nil)
            return try await newAssetPageResponse(request, context, failure: failure)
        }
    }

    /// The record the register form describes; dates, numbers and the holder checked here.
    func assetRecord(_ fields: [String: String]) throws -> AssetRecord {
        func text(_ name: String) throws -> String {
            let value = (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
            try Self.requireLength(value, name, max: Self.assetTextCharactersMax)
            return value
        }
        func date(_ name: String) throws -> LocalDate? {
            let value = try text(name)
            return value.isEmpty ? nil : try Parse.date(value, field: name)
        }
        func number(_ name: String) throws -> Int? {
            let value = try text(name)
            guard !value.isEmpty else { return nil }
            guard let n = Int(value) else {
                throw DutyRefusal("bad_number", "“\(value)”不是整数。", "\"\(value)\" is not a whole number.")
            }
            return n
        }
        guard let type = AssetType(rawValue: fields["type"] ?? "") else { throw APIError.badRequest("bad_value", "type: not an asset type") }
        let holderText = try text("holder")
        let purchasedOn = try date("purchasedOn")
        return AssetRecord(
            tag: fields["tag"] ?? "", campus: CampusCode(fields["campus"] ?? ""), type: type, name: try text("name"),
            model: try text("model"), serial: try text("serial"), department: try text("department"), location: try text("location"),
            holder: holderText.isEmpty ? "" : try personNumber(holderText), purchasedOn: purchasedOn,
            warrantyUntil: try Self.warranty(fields, purchasedOn: purchasedOn, until: try date("warrantyUntil")),
            contractUntil: try date("contractUntil"), inspectionDays: try number("inspectionDays"),
            stock: try number("stock") ?? 0, stockMin: try number("stockMin") ?? 0, unit: try text("unit"),
            registeredOn: configuration.clock.now().date, purchaseCostFen: try Self.cost(fields["purchaseCost"] ?? ""),
            manufacturer: try text("manufacturer"), supplier: try text("supplier"), notes: try Self.notes(fields))
    }

    /// The details form as the domain's `AssetDetails`; the same checks as registration.
    func assetDetails(_ fields: [String: String], asset: Asset) throws -> AssetDetails {
        func text(_ name: String) throws -> String {
            let value = (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
            try Self.requireLength(value, name, max: Self.assetTextCharactersMax)
            return value
        }
        func date(_ name: String) throws -> LocalDate? {
            let value = try text(name)
            return value.isEmpty ? nil : try Parse.date(value, field: name)
        }
        let days = try text("inspectionDays")
        guard days.isEmpty || Int(days) != nil else {
            throw DutyRefusal("bad_number", "巡检周期“\(days)”不是整数。", "Inspection every \"\(days)\" days is not a whole number.")
        }
        let purchasedOn = try date("purchasedOn")
        return AssetDetails(
            name: try text("name"), model: try text("model"), serial: try text("serial"), manufacturer: try text("manufacturer"),
            supplier: try text("supplier"), notes: try Self.notes(fields), purchaseCostFen: try Self.cost(fields["purchaseCost"] ?? ""),
            purchasedOn: purchasedOn, warrantyUntil: try Self.warranty(fields, purchasedOn: purchasedOn, until: try date("warrantyUntil")),
            contractUntil: try date("contractUntil"), inspectionDays: days.isEmpty ? nil : Int(days))
    }

    /// 购置金额 typed in yuan (`4999`, `4,999.50`, `¥4999`): fen, or a refusal that says how.
    static func cost(_ typed: String) throws -> Int? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard let fen = AssetCost.fen(yuan: text) else {
            throw DutyRefusal("bad_cost", "购置金额“\(text)”无效：请填写元为单位的金额，最多两位小数，例如 4999.00。",
                              "Cost \"\(text)\" is not an amount in yuan with at most two decimals, e.g. 4999.00.")
        }
        return fen
    }

    static func notes(_ fields: [String: String]) throws -> String {
        let notes = (fields["notes"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard notes.count <= Asset.notesCharactersMax else {
            throw DutyRefusal("too_long", "备注最多 \(Asset.notesCharactersMax) 个字。", "Notes are at most \(Asset.notesCharactersMax) characters.")
        }
        return notes
    }

    /// 保修截止 as typed, or counted in months from the purchase (Snipe-IT's way).
    static func warranty(_ fields: [String: String], purchasedOn: LocalDate?, until: LocalDate?) throws -> LocalDate? {
        let months = (fields["warrantyMonths"] ?? "").trimmingCharacters(in: .whitespaces)
        guard until == nil, !months.isEmpty else { return until }
        guard let n = Int(months), (0...AssetMapping.warrantyMonthsMax).contains(n) else {
            throw DutyRefusal("bad_number", "保修期须为 0 到 \(AssetMapping.warrantyMonthsMax) 之间的整月数。",
                              "The warranty is a whole number of months from 0 to \(AssetMapping.warrantyMonthsMax).")
        }
        guard let purchasedOn else {
            throw DutyRefusal("missing_field", "按月填写保修期时，请同时填写购置日期。", "A warranty in months needs the purchase date.")
        }
        return purchasedOn.adding(months: n)
    }
}
