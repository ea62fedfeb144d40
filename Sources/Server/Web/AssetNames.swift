import Domain

/// 资产管理's words as staff read them: asset types, states, maintenance kinds,
/// inspection results and what the audit trail says was done. Never a raw key.
extension Language {
    func name(of type: AssetType) -> String {
        switch type {
        case .server: pick("服务器", "server")
        case .pc: pick("电脑", "PC")
        case .printer: pick("打印机", "printer")
        case .network: pick("网络设备", "network device")
        case .medicalInterface: pick("医疗设备接口", "medical-device interface")
        case .software: pick("软件许可", "software licence")
        case .consumable: pick("耗材", "consumable")
        }
    }

    func name(of state: AssetState) -> String {
        switch state {
        case .inStock: pick(state.chineseName, "in stock")
        case .inUse: pick(state.chineseName, "in use")
        case .underRepair: pick(state.chineseName, "under repair")
        case .scrapped: pick(state.chineseName, "scrapped")
        }
    }

    func name(of kind: MaintenanceKind) -> String {
        switch kind {
        case .maintenance: pick("保养", "maintenance")
        case .repair: pick("维修", "repair")
        case .upgrade: pick("升级", "upgrade")
        case .calibration: pick("校准", "calibration")
        case .configuration: pick("配置变更", "configuration change")
        }
    }

    func name(of result: InspectionRecord.Result) -> String {
        switch result {
        case .ok: pick("正常", "OK")
        case .fault: pick("异常", "fault")
        case .skipped: pick("未检", "not checked")
        }
    }

    /// An audited asset action (`asset.move`, …) as the history shows it.
    func assetAction(_ action: String) -> String {
        switch action {
        case "asset.register": pick("登记入账", "registered")
        case "asset.import": pick("批量导入", "imported")
        case "asset.move": pick("调拨 / 领用 / 归还", "moved, checked out or in")
        case "asset.maintain": pick("维护记录", "maintenance recorded")
        case "asset.inspect": pick("巡检", "inspection round")
        case "asset.stock": pick("出入库", "stock adjusted")
        case "asset.retag": pick("改编号", "retagged")
        case "asset.edit": pick("修改资料", "details edited")
        case "asset.transfer": pick("院区调拨", "sent to another campus")
        default: pick("其他操作", "other change")
        }
    }

    /// A field of an asset's details, as the edit history names it.
    func name(of field: AssetDetailsChange.Field) -> String {
        switch field {
        case .name: pick("名称", "name")
        case .model: pick("型号", "model")
        case .serial: pick("序列号", "serial")
        case .manufacturer: pick("生产厂家", "manufacturer")
        case .supplier: pick("供应商", "supplier")
        case .notes: pick("备注", "notes")
        case .purchaseCost: pick("购置金额", "cost")
        case .purchasedOn: pick("购置日期", "purchased on")
        case .warrantyUntil: pick("保修截止", "warranty until")
        case .contractUntil: pick("维保合同截止", "contract until")
        case .inspectionDays: pick("巡检周期（天）", "inspection every (days)")
        }
    }
}
