import Foundation
import GRDB
import Replica
import Storage

/// 资产管理 — register, move, maintain, inspect, count stock, link to tickets, retag.
/// Scrapping goes through an approval (`requestScrap`, Approvals/).
extension Department {
    static let assetKeepers: [Role] = [.engineer, .dutyEngineer, .sectionChief]
    /// Longest asset tag.
    public static let assetTagMax = 64

    @discardableResult
    public func registerAsset(_ record: AssetRecord, by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "asset.register") { tx, actor in
            let row = try Self.writeAsset(record, acting: acting, actor: actor, tx: tx, seenTags: [])
            return (row.description, record.tag)
        }
    }

    /// Checks one record against the replica (and tags seen earlier in the same import).
    static func checkAsset(_ record: AssetRecord, actor: StaffMember, db: Database, seenTags: Set<String>) throws {
        try Self.checkTag(record.tag)
        guard try Directory.campus(db, record.campus) != nil else { throw DomainError.unknownCampus(record.campus) }
        try Permissions.requireAny(actor, assetKeepers, at: record.campus, to: "register assets")
        if let campus = try AssetRows.exists(db, tag: record.tag) { throw DomainError.duplicateAssetTag(tag: record.tag, campus: campus) }
        if seenTags.contains(record.tag) { throw DomainError.duplicateAssetTag(tag: record.tag, campus: record.campus) }
        try requireText(record.name, "name")
        guard record.state != .scrapped else { throw DomainError.invalid(field: "state", reason: "an asset is scrapped only through an approval") }
        guard (0...Asset.stockMax).contains(record.stock), (0...Asset.stockMax).contains(record.stockMin) else {
            throw DomainError.invalid(field: "stock", reason: "\(record.stock) / \(record.stockMin) must be within 0…\(Asset.stockMax)")
        }
        if let days = record.inspectionDays, !(1...Asset.inspectionDaysMax).contains(days) {
            throw DomainError.invalid(field: "inspection days", reason: "\(days) is outside 1…\(Asset.inspectionDaysMax)")
        }
        if !record.holder.isEmpty, try Directory.person(db, PersonID(record.holder)) == nil { throw DomainError.unknownPerson(PersonID(record.holder)) }
        try checkDetails(record)
    }

    /// The fields `editAssetDetails` may change, checked as registration checks them.
    static func checkDetails(_ record: AssetRecord) throws {
        if let cost = record.purchaseCostFen, !(0...Asset.purchaseCostFenMax).contains(cost) {
            throw DomainError.invalid(field: "purchase cost", reason: "\(AssetCost.yuan(cost)) yuan is outside 0…\(AssetCost.yuan(Asset.purchaseCostFenMax))")
        }
        guard record.notes.count <= Asset.notesCharactersMax else {
            throw DomainError.invalid(field: "notes", reason: "\(record.notes.count) characters, more than \(Asset.notesCharactersMax)")
        }
        if let days = record.inspectionDays, !(1...Asset.inspectionDaysMax).contains(days) {
            throw DomainError.invalid(field: "inspection days", reason: "\(days) is outside 1…\(Asset.inspectionDaysMax)")
        }
        if let bought = record.purchasedOn, let until = record.warrantyUntil, until < bought {
            throw DomainError.invalid(field: "warranty", reason: "ends \(until.iso), before the purchase on \(bought.iso)")
        }
    }

    static func checkTag(_ tag: String) throws {
        guard !tag.isEmpty, tag.count <= assetTagMax, !tag.contains("@"), tag.trimmingCharacters(in: .whitespaces) == tag else {
            throw DomainError.invalid(field: "asset tag", reason: "\"\(tag)\" must be 1…\(assetTagMax) characters, no '@', no surrounding spaces")
        }
    }

    static func writeAsset(_ record: AssetRecord, acting: Acting, actor: StaffMember, tx: WriteTransaction, seenTags: Set<String>) throws -> RowID {
        try checkAsset(record, actor: actor, db: tx.db, seenTags: seenTags)
        let row = tx.newRowID()
        var values: [String: Value] = [
            "tag": .text(record.tag), "campus": .text(record.campus.rawValue), "type": .text(record.type.rawValue),
            "name": .text(record.name), "model": .text(record.model), "serial": .text(record.serial),
            "registered_at": .integer(Int64(acting.now.minutesSinceEpoch)), "state": .text(record.state.rawValue),
            "department": .text(record.department), "location": .text(record.location), "holder": .text(record.holder),
            "unit": .text(record.unit), "stock_min": .integer(Int64(record.stockMin)),
        ]
        if let d = record.purchasedOn { values["purchased_on"] = .text(d.iso) }
        if let d = record.warrantyUntil { values["warranty_until"] = .text(d.iso) }
        if let d = record.contractUntil { values["contract_until"] = .text(d.iso) }
        if let days = record.inspectionDays { values["inspection_days"] = .integer(Int64(days)) }
        if let cost = record.purchaseCostFen { values["purchase_cost"] = .integer(Int64(cost)) }
        for (column, text) in [("manufacturer", record.manufacturer), ("supplier", record.supplier), ("notes", record.notes)] where !text.isEmpty {
            values[column] = .text(text)
        }
        try tx.assign(DomainSchema.asset.name, row, values)
        if record.stock != 0 { try tx.increment(DomainSchema.asset.name, row, "stock", by: Int64(record.stock)) }
        return row
    }

    /// Runs `body` on the asset `reference` names, after the role check.
    func onAsset<T>(_ reference: String, _ acting: Acting, _ action: String,
                    _ body: (Asset, RowID, StaffMember, WriteTransaction) throws -> T) throws(DomainError) -> T {
        try perform(acting, "asset.\(action)") { tx, actor in
            let row = try AssetRows.resolve(tx.db, reference)
            let asset = try AssetRows.asset(tx.db, row)
            try Permissions.requireAny(actor, Self.assetKeepers, at: asset.campus, to: "\(action) asset \(asset.tag)")
            return (try body(asset, StoredRows.rowID(row), actor, tx), asset.tag)
        }
    }

    /// As `onAsset`, with what `detail` makes of the result kept in the audit entry.
    func onAsset<T, D: Encodable>(_ reference: String, _ acting: Acting, _ action: String, detail: @escaping (T) -> D,
                                  _ body: (Asset, RowID, StaffMember, WriteTransaction) throws -> T) throws(DomainError) -> T {
        try perform(acting, "asset.\(action)", detailed: { tx, actor in
            let row = try AssetRows.resolve(tx.db, reference)
            let asset = try AssetRows.asset(tx.db, row)
            try Permissions.requireAny(actor, Self.assetKeepers, at: asset.campus, to: "\(action) asset \(asset.tag)")
            let value = try body(asset, StoredRows.rowID(row), actor, tx)
            return (value, asset.tag, LogCoding.encode(detail(value)))
        })
    }

    static func requireNotScrapped(_ asset: Asset, _ action: String) throws {
        guard asset.state != .scrapped else { throw DomainError.wrongState(what: "asset \(asset.tag)", state: "scrapped", action: action) }
    }

    /// 领用 / 调拨 / 归还 — to a department, location and person; in stock → in use, and
    /// back to stock when neither department nor person is left. `returnBy`: a check-out's
    /// expected return. Where it went is kept in the audit entry (`AssetMove`), the
    /// asset's history.
    public func moveAsset(_ reference: String, department: String, location: String, holder: String, returnBy: LocalDate? = nil,
                          by acting: Acting) throws(DomainError) {
        try perform(acting, "asset.move", detailed: { tx, actor in
            let row = try AssetRows.resolve(tx.db, reference)
            let asset = try AssetRows.asset(tx.db, row)
            try Permissions.requireAny(actor, Self.assetKeepers, at: asset.campus, to: "move asset \(asset.tag)")
            try Self.requireNotScrapped(asset, "move")
            if !holder.isEmpty, try Directory.person(tx.db, PersonID(holder)) == nil { throw DomainError.unknownPerson(PersonID(holder)) }
            if let returnBy, returnBy < acting.now.date {
                throw DomainError.invalid(field: "return date", reason: "\(returnBy.iso) is before today \(acting.now.date.iso)")
            }
            var values: [String: Value] = ["department": .text(department), "location": .text(location), "holder": .text(holder)]
            let returned = department.isEmpty && holder.isEmpty
            if asset.state != .underRepair { values["state"] = .text((returned ? AssetState.inStock : .inUse).rawValue) }
            try tx.assign(DomainSchema.asset.name, StoredRows.rowID(row), values)
            let move = AssetMove(department: department, location: location, holder: holder, returnBy: holder.isEmpty ? nil : returnBy?.iso)
            return ((), asset.tag, LogCoding.encode(move))
        })
    }

    /// 资产资料 — what registration wrote about an asset, corrected or completed later (a
    /// Snipe-IT import without costs, a model typed wrong). Only the fields that differ
    /// are written, each its own register, so an edit at one campus does not undo a
    /// concurrent edit of another field at another; what changed is kept in the audit
    /// entry (`AssetDetailsChange`).
    @discardableResult
    public func editAssetDetails(_ reference: String, _ details: AssetDetails, by acting: Acting) throws(DomainError) -> AssetDetailsChange {
        try onAsset(reference, acting, "edit", detail: { $0 }) { asset, row, _, tx in
            try Self.requireNotScrapped(asset, "edit")
            try Self.requireText(details.name, "name")
            var edited = asset.record
            details.apply(to: &edited)
            try Self.checkDetails(edited)
            let change = AssetDetailsChange(before: asset.record, after: edited)
            guard !change.fields.isEmpty else { throw DomainError.invalid(field: "details", reason: "nothing differs from what is recorded") }
            var values: [String: Value] = [:]
            for field in change.fields {
                switch field {
                case .name: values["name"] = .text(edited.name)
                case .model: values["model"] = .text(edited.model)
                case .serial: values["serial"] = .text(edited.serial)
                case .manufacturer: values["manufacturer"] = .text(edited.manufacturer)
                case .supplier: values["supplier"] = .text(edited.supplier)
                case .notes: values["notes"] = .text(edited.notes)
                case .purchaseCost: values["purchase_cost"] = edited.purchaseCostFen.map { .integer(Int64($0)) } ?? .null
                case .purchasedOn: values["purchased_on"] = edited.purchasedOn.map { .text($0.iso) } ?? .null
                case .warrantyUntil: values["warranty_until"] = edited.warrantyUntil.map { .text($0.iso) } ?? .null
                case .contractUntil: values["contract_until"] = edited.contractUntil.map { .text($0.iso) } ?? .null
                case .inspectionDays: values["inspection_days"] = edited.inspectionDays.map { .integer(Int64($0)) } ?? .null
                }
            }
            try tx.assign(DomainSchema.asset.name, row, values)
            return change
        }
    }

    /// 院区调拨 — the asset goes to another campus: it leaves this campus's inventory and
    /// stock (back in stock at `location` there, no holder), and from then on it is that
    /// campus's staff who act on it. Sent by a keeper of the campus it leaves.
    public func transferAsset(_ reference: String, to campus: CampusCode, location: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "asset.transfer", detailed: { tx, actor in
            let row = try AssetRows.resolve(tx.db, reference)
            let asset = try AssetRows.asset(tx.db, row)
            try Permissions.requireAny(actor, Self.assetKeepers, at: asset.campus, to: "transfer asset \(asset.tag)")
            try Self.requireNotScrapped(asset, "transfer")
            guard try Directory.campus(tx.db, campus) != nil else { throw DomainError.unknownCampus(campus) }
            guard campus != asset.campus else {
                throw DomainError.invalid(field: "campus", reason: "\(asset.tag) is already at \(campus.rawValue)")
            }
            guard asset.state != .underRepair else {
                throw DomainError.wrongState(what: "asset \(asset.tag)", state: AssetState.underRepair.rawValue, action: "transfer")
            }
            try Self.requireText(location, "location")
            try tx.assign(DomainSchema.asset.name, StoredRows.rowID(row), [
                "campus": .text(campus.rawValue), "department": .text(""), "location": .text(location), "holder": .text(""),
                "state": .text(AssetState.inStock.rawValue),
            ])
            let move = AssetMove(department: "", location: location, holder: "", returnBy: nil, fromCampus: asset.campus.rawValue,
                                 toCampus: campus.rawValue)
            return ((), asset.tag, LogCoding.encode(move))
        })
    }

    /// 维护记录 — a record of `kind`; `state` puts the asset under repair or back.
    public func recordMaintenance(_ reference: String, kind: MaintenanceKind, text: String, state: AssetState?, ticket: String?,
                                  by acting: Acting) throws(DomainError) {
        try onAsset(reference, acting, "maintain") { asset, row, actor, tx in
            try Self.requireNotScrapped(asset, "maintain")
            try Self.requireText(text, "maintenance text")
            if state == .scrapped { throw DomainError.invalid(field: "state", reason: "an asset is scrapped only through an approval") }
            if let ticket, try TicketRows.id(tx.db, number: ticket) == nil { throw DomainError.unknownTicket(ticket) }
            let record = MaintenanceRecord(kind: kind, text: text, by: actor.id.rawValue, at: acting.now.minutesSinceEpoch, ticket: ticket, state: state)
            try tx.append(DomainSchema.asset.name, row, "maintenance", .text(LogCoding.encode(record)))
            if let state { try tx.assign(DomainSchema.asset.name, row, ["state": .text(state.rawValue)]) }
        }
    }

    /// 巡检 — one round's results, item by item.
    public func recordInspection(_ reference: String, items: [String: InspectionRecord.Result], note: String,
                                 by acting: Acting) throws(DomainError) {
        try onAsset(reference, acting, "inspect") { asset, row, actor, tx in
            try Self.requireNotScrapped(asset, "inspect")
            guard !items.isEmpty else { throw DomainError.missing(field: "inspection items") }
            let record = InspectionRecord(date: acting.now.date.iso, by: actor.id.rawValue, items: items, note: note)
            try tx.append(DomainSchema.asset.name, row, "inspections", .text(LogCoding.encode(record)))
        }
    }

    /// 出入库 — a consumable's stock changes by `delta`; refused below zero here (a
    /// concurrent draw at another campus may still take it below: shown as low stock).
    public func adjustStock(_ reference: String, by delta: Int, acting: Acting) throws(DomainError) -> Int {
        try onAsset(reference, acting, "stock", detail: { AssetStockChange(delta: delta, stock: $0) }) { asset, row, _, tx in
            guard asset.record.type == .consumable else {
                throw DomainError.invalid(field: "stock", reason: "\(asset.tag) is a \(asset.record.type.rawValue), not a consumable")
            }
            // Bounds before arithmetic: the delta is request input and the stock a stored
            // value, so their sum is computed only once both are known to be small.
            guard delta != 0, (-Asset.stockMax...Asset.stockMax).contains(delta), (0...Asset.stockMax).contains(asset.record.stock),
                  (0...Asset.stockMax).contains(asset.record.stock + delta) else {
                throw DomainError.invalid(field: "stock", reason: "\(asset.tag) holds \(asset.record.stock); cannot change by \(delta) (stock stays within 0…\(Asset.stockMax))")
            }
            try tx.increment(DomainSchema.asset.name, row, "stock", by: Int64(delta))
            return asset.record.stock + delta
        }
    }

    /// 改编号 — gives one of two duplicate tags a new one (how a duplicate is resolved).
    public func retagAsset(_ reference: String, newTag: String, by acting: Acting) throws(DomainError) {
        try onAsset(reference, acting, "retag") { asset, row, _, tx in
            try Self.checkTag(newTag)
            if let campus = try AssetRows.exists(tx.db, tag: newTag) { throw DomainError.duplicateAssetTag(tag: newTag, campus: campus) }
            try tx.assign(DomainSchema.asset.name, row, ["tag": .text(newTag)])
        }
    }

    /// 关联资产 — links a ticket and an asset both ways.
    public func linkTicket(_ number: String, asset reference: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "ticket.link-asset") { tx, actor in
            guard let ticket = try TicketRows.id(tx.db, number: number),
                  let campus = try StoredRows.fetchOne(tx.db, DomainSchema.ticket, id: ticket)?["campus"] as String? else {
                throw DomainError.unknownTicket(number)
            }
            try Permissions.requireAny(actor, Self.handlers, at: CampusCode(campus), to: "link assets to ticket \(number)")
            try Self.linkAsset(reference, ticket: ticket, number: number, tx: tx)
            return ((), number)
        }
    }

    static func linkAsset(_ reference: String, ticket: RowID, number: String, tx: WriteTransaction) throws {
        let row = try AssetRows.resolve(tx.db, reference)
        let tag = (row["tag"] as String?) ?? reference
        try tx.add(DomainSchema.ticket.name, ticket, "assets", .text(tag))
        try tx.add(DomainSchema.asset.name, StoredRows.rowID(row), "tickets", .text(number))
    }

    public func asset(_ reference: String) throws(DomainError) -> Asset {
        try query { try AssetRows.asset($0, try AssetRows.resolve($0, reference)) }
    }

    public func assets(campus: CampusCode? = nil, type: AssetType? = nil) throws(DomainError) -> [Asset] {
        try query { try AssetRows.list($0, campus: campus, type: type) }
    }
}
