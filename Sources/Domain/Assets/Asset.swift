/// 资产 — as read from the merged replica.
public struct Asset: Hashable, Codable, Sendable {
    public let id: String
    public var record: AssetRecord
    public let state: AssetState
    public let scrappedAt: LocalDateTime?
    public let maintenance: [MaintenanceRecord]
    public let inspections: [InspectionRecord]
    /// Ticket numbers linked to it.
    public let tickets: [String]

    /// 巡检周期上限 — ten years; longer is a typo (and `Int.max` days overflowed the date).
    public static let inspectionDaysMax = 3_660
    /// Largest stock count or threshold of a consumable.
    public static let stockMax = 1_000_000
    /// Dearest single asset, in fen: ¥100 million (a hospital's whole data centre is less).
    public static let purchaseCostFenMax = 10_000_000_000
    /// Longest note on an asset.
    public static let notesCharactersMax = 2_000

    public var tag: String { record.tag }
    public var campus: CampusCode { record.campus }

    /// 下次巡检 — the day the next round is due; nil without a schedule.
    public var inspectionDue: LocalDate? {
        guard state != .scrapped else { return nil }
        return Self.inspectionDue(days: record.inspectionDays, lastRound: inspections.compactMap { LocalDate(iso: $0.date) }.max(),
                                  registeredOn: record.registeredOn)
    }

    /// The rule of `inspectionDue`, for readers that have the dates but not the asset
    /// (the inventory's filter).
    static func inspectionDue(days: Int?, lastRound: LocalDate?, registeredOn: LocalDate?) -> LocalDate? {
        guard let days, days > 0 else { return nil }
        return (lastRound ?? registeredOn)?.adding(days: days)
    }

    /// 低库存 — a consumable whose stock fell below its threshold.
    public var lowStock: Bool { record.type == .consumable && record.stock < record.stockMin }
}

/// What is registered (or imported) about an asset.
public struct AssetRecord: Hashable, Codable, Sendable {
    /// 资产编号 — unique hospital-wide.
    public var tag: String
    public var campus: CampusCode
    public var type: AssetType
    public var name: String
    public var model: String
    public var serial: String
    public var state: AssetState
    /// 使用科室 / 位置 / 使用人
    public var department: String
    public var location: String
    public var holder: String
    public var purchasedOn: LocalDate?
    /// 保修截止
    public var warrantyUntil: LocalDate?
    /// 合同截止
    public var contractUntil: LocalDate?
    /// 巡检周期（天）
    public var inspectionDays: Int?
    /// Consumables: 库存数量, 低库存阈值, 单位.
    public var stock: Int
    public var stockMin: Int
    public var unit: String
    public var registeredOn: LocalDate?
    /// 购置金额 in fen (分); nil when not known.
    public var purchaseCostFen: Int?
    /// 生产厂家 / 供应商
    public var manufacturer: String
    public var supplier: String
    /// 备注
    public var notes: String

    public init(tag: String, campus: CampusCode, type: AssetType, name: String, model: String = "", serial: String = "",
                state: AssetState = .inStock, department: String = "", location: String = "", holder: String = "",
                purchasedOn: LocalDate? = nil, warrantyUntil: LocalDate? = nil, contractUntil: LocalDate? = nil,
                inspectionDays: Int? = nil, stock: Int = 0, stockMin: Int = 0, unit: String = "", registeredOn: LocalDate? = nil,
                purchaseCostFen: Int? = nil, manufacturer: String = "", supplier: String = "", notes: String = "") {
        self.tag = tag
        self.campus = campus
        self.type = type
        self.name = name
        self.model = model
        self.serial = serial
        self.state = state
        self.department = department
        self.location = location
        self.holder = holder
        self.purchasedOn = purchasedOn
        self.warrantyUntil = warrantyUntil
        self.contractUntil = contractUntil
        self.inspectionDays = inspectionDays
        self.stock = stock
        self.stockMin = stockMin
        self.unit = unit
        self.registeredOn = registeredOn
        self.purchaseCostFen = purchaseCostFen
        self.manufacturer = manufacturer
        self.supplier = supplier
        self.notes = notes
    }
}
