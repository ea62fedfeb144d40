import Domain
import HTTPTypes
import Hummingbird

/// 资产管理: list, show, register, move, maintain, inspect, stock, and the report of
/// inspections due and low consumables — `meshdesk asset …` with the domain's rules.
/// Writes are 信息科 work at the asset's campus (the domain then wants an engineer,
/// duty engineer or chief there).
extension APIRoutes {
    /// Most inspection items one round records.
    static let inspectionItemsMax = 50

    struct RegisterAssetBody: StrictBody {
        static let fields: Set<String> = ["tag", "campus", "type", "name", "model", "serial", "state", "department", "location", "holder",
                                          "purchasedOn", "warrantyUntil", "contractUntil", "inspectionDays", "stock", "stockMin", "unit",
                                          "purchaseCostFen", "manufacturer", "supplier", "notes"]
        let tag, campus, type, name: String
        let model, serial, state, department, location, holder, purchasedOn, warrantyUntil, contractUntil, unit: String?
        let manufacturer, supplier, notes: String?
        let inspectionDays, stock, stockMin, purchaseCostFen: Int?
    }

    /// `POST /api/assets/{tag}/details`: the fields given replace what is recorded, the
    /// rest stay; `null` clears an optional one.
    struct AssetDetailsBody: StrictBody {
        static let fields: Set<String> = ["name", "model", "serial", "manufacturer", "supplier", "notes", "purchaseCostFen",
                                          "purchasedOn", "warrantyUntil", "contractUntil", "inspectionDays"]
        let name, model, serial, manufacturer, supplier, notes: String?
        let purchaseCostFen, inspectionDays: Int?
        let purchasedOn, warrantyUntil, contractUntil: String?
        /// Which keys the body carried, so `null` (clear) differs from absent (keep).
        var present: Set<String> = []

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, model, serial, manufacturer, supplier, notes, purchaseCostFen, inspectionDays, purchasedOn, warrantyUntil, contractUntil
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            model = try c.decodeIfPresent(String.self, forKey: .model)
            serial = try c.decodeIfPresent(String.self, forKey: .serial)
            manufacturer = try c.decodeIfPresent(String.self, forKey: .manufacturer)
            supplier = try c.decodeIfPresent(String.self, forKey: .supplier)
            notes = try c.decodeIfPresent(String.self, forKey: .notes)
            purchaseCostFen = try c.decodeIfPresent(Int.self, forKey: .purchaseCostFen)
            inspectionDays = try c.decodeIfPresent(Int.self, forKey: .inspectionDays)
            purchasedOn = try c.decodeIfPresent(String.self, forKey: .purchasedOn)
            warrantyUntil = try c.decodeIfPresent(String.self, forKey: .warrantyUntil)
            contractUntil = try c.decodeIfPresent(String.self, forKey: .contractUntil)
            present = Set(c.allKeys.map(\.rawValue))
        }

        func applied(to record: AssetRecord) throws -> AssetDetails {
            var d = AssetDetails(record)
            func date(_ key: CodingKeys, _ value: String?, _ kept: LocalDate?) throws -> LocalDate? {
                guard present.contains(key.rawValue) else { return kept }
                return try value.map { try Parse.date($0, field: key.rawValue) }
            }
            if let name { d.name = name }
            if let model { d.model = model }
            if let serial { d.serial = serial }
            if let manufacturer { d.manufacturer = manufacturer }
            if let supplier { d.supplier = supplier }
            if let notes { d.notes = notes }
            if present.contains(CodingKeys.purchaseCostFen.rawValue) { d.purchaseCostFen = purchaseCostFen }
            if present.contains(CodingKeys.inspectionDays.rawValue) { d.inspectionDays = inspectionDays }
            d.purchasedOn = try date(.purchasedOn, purchasedOn, d.purchasedOn)
            d.warrantyUntil = try date(.warrantyUntil, warrantyUntil, d.warrantyUntil)
            d.contractUntil = try date(.contractUntil, contractUntil, d.contractUntil)
            return d
        }
    }

    struct TransferAssetBody: StrictBody {
        static let fields: Set<String> = ["campus", "location"]
        let campus, location: String
    }

    struct MoveAssetBody: StrictBody {
        static let fields: Set<String> = ["department", "location", "holder"]
        let department, location, holder: String?
    }

    struct MaintainAssetBody: StrictBody {
        static let fields: Set<String> = ["kind", "text", "state", "ticket"]
        let kind, text: String
        let state, ticket: String?
    }

    struct InspectAssetBody: StrictBody {
        static let fields: Set<String> = ["items", "note"]
        let items: [String: String]
        let note: String?
    }

    struct StockBody: StrictBody {
        static let fields: Set<String> = ["delta"]
        let delta: Int
    }

    func registerAssets(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/assets") { request, context in
            let user = try context.activeUser()
            let type: AssetType? = try Parse.query(request, "type").map { try Parse.choice($0, field: "type") }
            let campuses = try visibleCampuses(user, request)
            let assets = try campuses.flatMap { try department.assets(campus: $0, type: type) }
            return try JSONResponse.make(assets.map { AssetView($0, withHistory: false) })
        }
        router.post("/api/assets") { request, context in
            let (user, acting) = try acting(context)
            let body = try await StrictJSON.decode(RegisterAssetBody.self, from: request)
            let campus = try Parse.campus(body.campus)
            let record = AssetRecord(
                tag: body.tag, campus: campus, type: try Parse.choice(body.type, field: "type"), name: body.name,
                model: body.model ?? "", serial: body.serial ?? "",
                state: try Parse.choice(body.state ?? AssetState.inStock.rawValue, field: "state"),
                department: body.department ?? "", location: body.location ?? "", holder: body.holder ?? "",
                purchasedOn: try body.purchasedOn.map { try Parse.date($0, field: "purchasedOn") },
                warrantyUntil: try body.warrantyUntil.map { try Parse.date($0, field: "warrantyUntil") },
                contractUntil: try body.contractUntil.map { try Parse.date($0, field: "contractUntil") },
                inspectionDays: body.inspectionDays, stock: body.stock ?? 0, stockMin: body.stockMin ?? 0, unit: body.unit ?? "",
                registeredOn: now.date, purchaseCostFen: body.purchaseCostFen, manufacturer: body.manufacturer ?? "",
                supplier: body.supplier ?? "", notes: body.notes ?? "")
            try Access.requireCampus(user, campus, to: "register assets")
            let id = try department.registerAsset(record, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.get("/api/assets/report") { request, context in
            let user = try context.activeUser()
            let campuses = try visibleCampuses(user, request)
            let date = try Parse.query(request, "date").map { try Parse.date($0, field: "date") } ?? now.date
            let report = try department.assetReport(campus: campuses.count == 1 ? campuses[0] : nil, on: date)
            return try JSONResponse.make(AssetReportView(report, campuses: Set(campuses.map(\.rawValue))))
        }
        router.get("/api/assets/{tag}") { _, context in
            let user = try context.activeUser()
            let asset = try department.asset(context.parameters.require("tag"))
            try Access.requireRead(user, asset.campus)
            return try JSONResponse.make(AssetView(asset, withHistory: true, today: now.date))
        }
        router.post("/api/assets/{tag}/details") { request, context in
            let (user, acting) = try acting(context)
            let tag = try context.parameters.require("tag")
            let body = try await StrictJSON.decode(AssetDetailsBody.self, from: request)
            try requireAssetCampus(user, tag, "edit")
            let details = try body.applied(to: try department.asset(tag).record)
            try department.editAssetDetails(tag, details, by: acting)
            return try JSONResponse.make(AssetView(try department.asset(tag), withHistory: true, today: now.date))
        }
        router.post("/api/assets/{tag}/transfer") { request, context in
            let (user, acting) = try acting(context)
            let tag = try context.parameters.require("tag")
            let body = try await StrictJSON.decode(TransferAssetBody.self, from: request)
            try requireAssetCampus(user, tag, "transfer")
            try department.transferAsset(tag, to: try Parse.campus(body.campus), location: body.location, by: acting)
            return try JSONResponse.make(AssetView(try department.asset(tag), withHistory: true, today: now.date))
        }
        router.post("/api/assets/{tag}/move") { request, context in
            let (user, acting) = try acting(context)
            let tag = try context.parameters.require("tag")
            let body = try await StrictJSON.decode(MoveAssetBody.self, from: request)
            try requireAssetCampus(user, tag, "move")
            try department.moveAsset(tag, department: body.department ?? "", location: body.location ?? "", holder: body.holder ?? "",
                                     by: acting)
            return try JSONResponse.make(AssetView(try department.asset(tag), withHistory: true))
        }
        router.post("/api/assets/{tag}/maintain") { request, context in
            let (user, acting) = try acting(context)
            let tag = try context.parameters.require("tag")
            let body = try await StrictJSON.decode(MaintainAssetBody.self, from: request)
            let kind: MaintenanceKind = try Parse.choice(body.kind, field: "kind")
            let state: AssetState? = try body.state.map { try Parse.choice($0, field: "state") }
            try requireAssetCampus(user, tag, "maintain")
            try department.recordMaintenance(tag, kind: kind, text: body.text, state: state, ticket: body.ticket, by: acting)
            return try JSONResponse.make(AssetView(try department.asset(tag), withHistory: true))
        }
        router.post("/api/assets/{tag}/inspect") { request, context in
            let (user, acting) = try acting(context)
            let tag = try context.parameters.require("tag")
            let body = try await StrictJSON.decode(InspectAssetBody.self, from: request)
            guard body.items.count <= Self.inspectionItemsMax else {
                throw APIError.badRequest("too_many_items", "items: at most \(Self.inspectionItemsMax) per round")
            }
            let items = try body.items.mapValues { (value: String) -> InspectionRecord.Result in try Parse.choice(value, field: "items") }
            try requireAssetCampus(user, tag, "inspect")
            try department.recordInspection(tag, items: items, note: body.note ?? "", by: acting)
            return try JSONResponse.make(AssetView(try department.asset(tag), withHistory: true))
        }
        router.post("/api/assets/{tag}/stock") { request, context in
            let (user, acting) = try acting(context)
            let tag = try context.parameters.require("tag")
            let body = try await StrictJSON.decode(StockBody.self, from: request)
            try requireAssetCampus(user, tag, "change the stock of")
            _ = try department.adjustStock(tag, by: body.delta, acting: acting)
            return try JSONResponse.make(AssetView(try department.asset(tag), withHistory: false))
        }
    }

    /// 信息科 staff with a role at the asset's campus (404 for an unknown tag first).
    func requireAssetCampus(_ user: SignedIn, _ tag: String, _ action: String) throws {
        let asset = try department.asset(tag)
        try Access.requireCampus(user, asset.campus, to: "\(action) asset \(asset.tag)")
    }
}
