/// 演示数据 (工单、资产、审批) — for each campus about a hundred assets of every type
/// and two dozen tickets in every state, spread over the hours before `now`, so the
/// reports show SLA breaches, escalations due, inspections due and low stock.
/// Deterministic: the same `now` fills the same data.
enum DemoTicketsAndAssets {
    struct Counts {
        var tickets = 0
        var assets = 0
        var approvals = 0
    }

    static let departments = ["门诊部", "急诊科", "心内科", "检验科", "放射科", "药剂科", "住院部", "财务科", "手术室", "儿科"]
    static let problems: [(TicketCategory, String)] = [
        (.network, "护士站无法联网"), (.printer, "打印机卡纸，无法打印腕带"), (.application, "HIS 开医嘱时卡顿"),
        (.account, "新入职医生无法登录 EMR"), (.hardware, "电脑蓝屏"), (.security, "终端报病毒告警"),
        (.network, "无线 AP 掉线"), (.application, "LIS 报告无法回传"), (.printer, "发票打印机缺纸报错"),
        (.hardware, "显示器不亮"), (.application, "PACS 影像调阅慢"), (.account, "医保结算账户被锁"),
    ]

    /// The asset mix of one campus: type, name, model, count, inspection days.
    static let fleet: [(AssetType, String, String, Int, Int?)] = [
        (.pc, "台式电脑", "联想 启天 M430", 40, 180), (.printer, "激光打印机", "HP M404dn", 16, 90),
        (.printer, "腕带打印机", "Zebra ZD421", 6, 90), (.network, "接入交换机", "华为 S5735", 12, 30),
        (.network, "无线 AP", "华为 AirEngine 5760", 10, 90), (.server, "服务器", "浪潮 NF5280M6", 4, 30),
        (.medicalInterface, "检验仪器接口机", "LIS-GW", 3, 30), (.software, "终端杀毒授权", "奇安信天擎", 2, nil),
    ]
    static let consumables: [(String, String, Int, Int, String)] = [
        ("TONER-88A", "硒鼓 88A", 4, 6, "个"), ("RIBBON-ZD", "腕带碳带", 20, 10, "卷"), ("CABLE-C6", "六类网线 3m", 80, 30, "根"),
        ("DISK-2T", "备用硬盘 2TB", 1, 2, "块"), ("PAPER-A4", "A4 打印纸", 30, 20, "箱"),
    ]

    static func fill(_ d: Department, campus code: CampusCode, index: Int, engineers: [PersonID], chief: PersonID, head: PersonID,
                     requester: PersonID, now: LocalDateTime) throws(DomainError) -> Counts {
        var counts = Counts()
        let p = String(code.rawValue.prefix(1))
        // Assets: one batch per campus, as an import would write them.
        let tags = try d.perform(Acting(chief, at: now), "demo.assets") { tx, actor in
            var tags: [String] = []
            var n = 0
            for (f, (type, name, model, count, days)) in fleet.enumerated() {
                for k in 0..<count {
                    n += 1
                    let tag = "\(p)-\(type.rawValue.prefix(3).uppercased())\(f)-\(LocalDate.pad(k + 1, 4))"
                    let inUse = k % 5 != 4
                    let record = AssetRecord(
                        tag: tag, campus: code, type: type, name: name, model: model, serial: "SN\(index)\(LocalDate.pad(n, 6))",
                        state: inUse ? .inUse : .inStock, department: inUse ? departments[(n + index) % departments.count] : "",
                        location: inUse ? "\(departments[(n + index) % departments.count]) \(1 + n % 5)F" : "信息科库房",
                        purchasedOn: now.date.adding(days: -365 * (1 + n % 5)), warrantyUntil: now.date.adding(days: (n * 37) % 900 - 120),
                        inspectionDays: days, registeredOn: now.date.adding(days: -(n * 3) % 200))
                    _ = try Department.writeAsset(record, acting: Acting(actor.id, at: now.adding(minutes: -(n * 2_711) % 260_000)), actor: actor,
                                                  tx: tx, seenTags: Set(tags))
                    tags.append(tag)
                }
            }
            for (tag, name, stock, min, unit) in consumables {
                let record = AssetRecord(tag: "\(p)-\(tag)", campus: code, type: .consumable, name: name, location: "信息科库房",
                                         stock: stock + index, stockMin: min, unit: unit)
                _ = try Department.writeAsset(record, acting: Acting(actor.id, at: now), actor: actor, tx: tx, seenTags: [])
            }
            return (tags, "\(code) demo assets")
        }
        counts.assets = tags.count + consumables.count
        // Some inspection rounds and repairs already done.
        for (k, tag) in tags.enumerated() where k % 7 == 0 {
            try d.recordInspection(tag, items: ["外观": .ok, "运行状态": k % 21 == 0 ? .fault : .ok], note: k % 21 == 0 ? "风扇异响" : "",
                                   by: Acting(engineers[k % engineers.count], at: now.adding(minutes: -(k * 97) % 40_000)))
        }
        try d.recordMaintenance(tags[3], kind: .repair, text: "送修：主板故障", state: .underRepair, ticket: nil, by: Acting(engineers[0], at: now.adding(minutes: -600)))
        try d.recordMaintenance(tags[45], kind: .upgrade, text: "固件升级到 V2", state: nil, ticket: nil, by: Acting(engineers[1], at: now.adding(minutes: -900)))
        _ = try d.adjustStock("\(p)-PAPER-A4", by: -(18 + index), acting: Acting(engineers[2], at: now.adding(minutes: -30)))

        counts.tickets = try tickets(d, campus: code, index: index, engineers: engineers, chief: chief, requester: requester, tags: tags, now: now)
        counts.approvals = try approvals(d, campus: code, engineers: engineers, chief: chief, head: head, requester: requester, tags: tags, now: now)
        return counts
    }

    /// Two dozen tickets: new, assigned, in progress, pending, escalated, resolved,
    /// closed, cancelled, reopened, and a major incident.
    static func tickets(_ d: Department, campus: CampusCode, index: Int, engineers: [PersonID], chief: PersonID, requester: PersonID,
                        tags: [String], now: LocalDateTime) throws(DomainError) -> Int {
        let plan: [(String, Int)] = [
            ("new", 10), ("new", 40), ("assigned", 25), ("assigned", 200), ("assigned", 900), ("progress", 60), ("progress", 300),
            ("progress", 2_000), ("pending", 500), ("pending", 3_000), ("escalated", 400), ("escalated-gdo", 1_500), ("resolved", 200),
            ("resolved", 600), ("resolved", 1_400), ("closed", 2_500), ("closed", 4_000), ("closed", 6_000), ("closed", 9_000),
            ("cancelled", 700), ("reopened", 1_200), ("major", 45),
        ]
        for (n, (kind, age)) in plan.enumerated() {
            let (category, text) = problems[(n + index) % problems.count]
            let opened = now.adding(minutes: -age)
            var intake = TicketIntake(campus: campus, reporter: "\(departments[n % departments.count])护士站", contactPhone: "8\(index)\(LocalDate.pad(n, 3))",
                                      department: departments[n % departments.count], location: "\(1 + n % 6)F",
                                      category: category, description: kind == "major" ? "HIS 全院无法登录" : text,
                                      urgency: [Urgency.high, .medium, .low][n % 3], impact: [Impact.person, .department, .hospital][(n / 3) % 3],
                                      major: kind == "major", assets: n % 4 == 0 ? [tags[n * 3 % tags.count]] : [])
            intake.assignOnDuty = !kind.hasPrefix("new")
            let number = try d.openTicket(intake, by: Acting(requester, at: opened)).number
            let engineer = engineers[(n + index) % engineers.count]
            func at(_ fraction: Int) -> Acting { Acting(engineer, at: opened.adding(minutes: max(1, age * fraction / 10))) }
            if kind.hasPrefix("new") { continue }
            try d.assignTicket(number, to: engineer, by: Acting(chief, at: opened.adding(minutes: 1)))
            if kind == "assigned" { continue }
            try d.startTicket(number, by: at(2))
            try d.noteTicket(number, text: "已到现场排查", expectedAt: now.adding(minutes: 120), by: at(3))
            switch kind {
            case "pending":
                try d.pendTicket(number, reason: n % 2 == 0 ? .vendor : .parts, text: "等待厂商工程师 / 备件", by: at(5))
            case "escalated", "escalated-gdo", "major":
                try d.escalateTicket(number, to: kind == "escalated-gdo" ? .generalDutyOfficer : .sectionChief,
                                     workaround: "临时改用手工登记，数据事后补录", by: at(5))
            case "resolved", "closed", "reopened":
                try d.resolveTicket(number, rootCause: "网线水晶头氧化", improvement: "纳入季度巡检项目", solution: "更换水晶头", by: at(6))
                if kind == "closed" { try d.closeTicket(number, by: Acting(requester, at: opened.adding(minutes: age * 8 / 10))) }
                if kind == "reopened" { try d.reopenTicket(number, reason: "问题复现", by: Acting(requester, at: opened.adding(minutes: age * 8 / 10))) }
            case "cancelled":
                try d.cancelTicket(number, reason: "重复报修", by: Acting(chief, at: at(4).now))
            default:
                break
            }
        }
        return plan.count
    }

    static func approvals(_ d: Department, campus: CampusCode, engineers: [PersonID], chief: PersonID, head: PersonID,
                          requester: PersonID, tags: [String], now: LocalDateTime) throws(DomainError) -> Int {
        var purchase = ApprovalRequest(kind: .purchase, campus: campus, title: "护士站电脑 2 台", reason: "旧机无法运行新版 HIS")
        purchase.department = "心内科"
        purchase.quantity = 2
        purchase.estimatedCost = 9_600
        let p1 = try d.requestApproval(purchase, by: Acting(requester, at: now.adding(minutes: -3_000)))
        try d.decideApproval(p1, .departmentApprove, by: Acting(head, at: now.adding(minutes: -2_000)))
        purchase.title = "腕带打印机 1 台"
        purchase.quantity = 1
        _ = try d.requestApproval(purchase, by: Acting(requester, at: now.adding(minutes: -500)))
        var scrap = ApprovalRequest(kind: .scrap, campus: campus, title: "报废 \(tags[4])", reason: "超过使用年限，维修成本过高")
        scrap.assetTag = tags[4]
        let s1 = try d.requestApproval(scrap, by: Acting(engineers[0], at: now.adding(minutes: -800)))
        try d.decideApproval(s1, .approve, by: Acting(chief, at: now.adding(minutes: -700)))
        scrap.assetTag = tags[9]
        scrap.title = "报废 \(tags[9])"
        _ = try d.requestApproval(scrap, by: Acting(engineers[1], at: now.adding(minutes: -100)))
        var change = ApprovalRequest(kind: .change, campus: campus, title: "HIS 升级到 5.2", reason: "厂商安全补丁")
        change.system = "HIS"
        change.impact = "升级期间门诊挂号与收费停机 30 分钟"
        change.rollbackPlan = "恢复升级前的数据库快照与应用包"
        change.plannedAt = now.adding(minutes: 3 * 24 * 60)
        change.notifyDepartments = ["门诊部", "财务科", "药剂科"]
        let c1 = try d.requestApproval(change, by: Acting(engineers[2], at: now.adding(minutes: -1_000)))
        try d.decideApproval(c1, .assess, note: "影响可控，夜间 22:00 实施", by: Acting(engineers[3], at: now.adding(minutes: -900)))
        return 5
    }
}
