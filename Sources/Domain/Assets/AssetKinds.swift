/// 资产类型
public enum AssetType: String, Hashable, Codable, Sendable, CaseIterable {
    /// 服务器
    case server
    /// 电脑
    case pc
    /// 打印机
    case printer
    /// 网络设备
    case network
    /// 医疗设备接口
    case medicalInterface = "medical-interface"
    /// 软件许可
    case software
    /// 耗材 — toner, cables, spare disks: counted, not tracked one by one.
    case consumable
}

/// 资产状态 — 库存 → 使用中 → 维修中 → 报废. Scrapping is absorbing: once an approved
/// scrap is recorded no state write brings the asset back (`scrapped_at` decides).
public enum AssetState: String, Hashable, Codable, Sendable, CaseIterable {
    /// 库存
    case inStock = "in_stock"
    /// 使用中
    case inUse = "in_use"
    /// 维修中
    case underRepair = "under_repair"
    /// 报废
    case scrapped

    public var chineseName: String {
        switch self {
        case .inStock: "库存"
        case .inUse: "使用中"
        case .underRepair: "维修中"
        case .scrapped: "报废"
        }
    }
}

/// 维护类型
public enum MaintenanceKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// 保养
    case maintenance
    /// 维修
    case repair
    /// 升级
    case upgrade
    /// 校准
    case calibration
    /// 配置变更
    case configuration
}

/// 维护记录 — one entry of an asset's maintenance log.
public struct MaintenanceRecord: Hashable, Codable, Sendable {
    public let kind: MaintenanceKind
    public let text: String
    public let by: String
    public let at: Int
    /// The ticket it was done for, if any.
    public let ticket: String?
    /// The state the asset was put in, if it changed.
    public let state: AssetState?
}

/// 巡检结果 — one inspection round of an asset: a result per checked item.
public struct InspectionRecord: Hashable, Codable, Sendable {
    public enum Result: String, Hashable, Codable, Sendable, CaseIterable {
        /// 正常
        case ok
        /// 异常
        case fault
        /// 未检
        case skipped
    }

    public let date: String
    public let by: String
    public let items: [String: Result]
    public let note: String

    public var passed: Bool { !items.values.contains(.fault) }
}
