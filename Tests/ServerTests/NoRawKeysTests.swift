import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// What a user reads on a page never shows a raw key: every page, for each role, in both
/// languages, over a replica with a published roster, a ticket, leave, a swap and a
/// purchase request. On a Chinese page no enum's raw value and no English word (beyond
/// the names the hospital itself uses: HIS, SLA, CSV…) may appear; on an English page no
/// key spelt with `_`, `-` or in camelCase. Text is what the browser shows: text nodes,
/// option labels, `title` and `placeholder`; not scripts, styles, other attributes or `<code>`.
@Suite struct NoRawKeysTests {
    static let pages = ["/", "/duty", "/tickets", "/tickets/new", "/roster", "/handover", "/assets", "/approvals", "/problems",
                        "/status", "/chief/roster", "/password", "/attendance", "/audit", "/requests", "/requests/new?kind=purchase",
                        "/requests/new?kind=change", "/requests/new?kind=scrap", "/tickets/search", "/tickets/search?q=打印&state=new",
                        "/tickets/search?priority=9", "/statistics", "/statistics?from=2026-03-10&to=2026-03-01", "/admin", "/admin/accounts",
                        "/admin/people", "/admin/people?campus=EAST", "/admin/people/E101", "/admin/campuses", "/admin/calendar?year=2026", "/admin/policy",
                        "/notifications", "/notifications/settings", "/admin/escalation",
                        "/kb", "/kb/new", "/kb?q=打印", "/kb?q=打印机&archived=1", "/tickets/new?q=打印机卡纸",
                        "/plans", "/plans/new", "/plans/new?campus=EAST&system=machine_room", "/machine-room"]
    static let users = ["chief", "eng1", "clerk", "viewer", "admin", "ward"]

    /// Words a Chinese page may carry: names, abbreviations and formats hospital IT uses
    /// (codes in capitals — campus codes, ticket numbers, P1 — and hex ids with a digit are allowed as well).
    static let allowedOnChinesePage: Set<String> = [
        "MeshDesk", "HIS", "PACS", "LIS", "EMR", "SLA", "CSV", "xlsx", "iCal", "iCalendar", "QR", "API", "URL", "IP", "PDF", "SVG",
        "USB", "Wi", "Fi", "UPS", "PC", "ID", "OK", "HTTP", "HTTPS", "JSON", "SQLite", "WAL", "CPU", "LAN", "WAN", "VPN", "AP",
        "YYYY", "MM", "DD", "HH", "ics", "min", "lang", "English", "Excel", "WPS", "P90",
    ]

    static func rawKeys() -> Set<String> {
        var keys: Set<String> = []
        keys.formUnion(Role.allCases.map(\.rawValue))
        keys.formUnion(SLAStatus.State.allCases.map(\.rawValue))
        keys.formUnion(TicketState.allCases.map(\.rawValue))
        keys.formUnion(PendingReason.allCases.map(\.rawValue))
        keys.formUnion(ApprovalState.allCases.map(\.rawValue))
        keys.formUnion(ApprovalAction.allCases.map(\.rawValue))
        keys.formUnion(ApprovalKind.allCases.map(\.rawValue))
        keys.formUnion(EscalationLevel.allCases.map(\.rawValue))
        keys.formUnion(IntakeChannel.allCases.map(\.rawValue))
        keys.formUnion(TicketEvent.Kind.allCases.map(\.rawValue))
        keys.formUnion(RequestState.allCases.map(\.rawValue))
        keys.formUnion(RequestAction.allCases.map(\.rawValue))
        keys.formUnion(AssetState.allCases.map(\.rawValue))
        keys.formUnion(AssetType.allCases.map(\.rawValue))
        keys.formUnion(DayType.allCases.map(\.rawValue))
        keys.formUnion(["weekday-day", "night-1", "night-2", "holiday-day", "holiday-night", "network-security", "system-maintenance",
                        "emergency-support", "data-operations", "application-development", "sign_in", "sign_out"])
        return keys
    }

    /// The text a user sees on a page.
    static func visibleText(_ html: String) -> String {
        var text = html
        // <code> marks an identifier shown as written (a seat key, an audit subject, a stored value).
        for pattern in ["<script[^>]*>[\\s\\S]*?</script>", "<style[^>]*>[\\s\\S]*?</style>", "<!--[\\s\\S]*?-->", "<code>[\\s\\S]*?</code>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        var shown: [String] = []
        // title and placeholder attributes are read by the user too.
        let attribute = try! NSRegularExpression(pattern: "(?:title|placeholder)=\"([^\"]*)\"")
        for match in attribute.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            if let range = Range(match.range(at: 1), in: text) { shown.append(String(text[range])) }
        }
        text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        shown.append(text)
        return shown.joined(separator: " ")
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    }

    /// ASCII words of the text (letters, digits, `_` and `-` inside).
    static func words(_ text: String) -> [String] {
        let word = try! NSRegularExpression(pattern: "[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*")
        return word.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    static func fixture() throws -> ServerFixture {
        let fixture = try DutyFormsTests.published()
        let d = fixture.department
        let now = ServerFixture.start
        _ = try d.openTicket(TicketIntake(campus: "EAST", reporter: "门诊护士站", department: "门诊", category: .printer, description: "打印机卡纸"),
                             by: Acting("R001", at: now))
        _ = try d.requestLeave(firstDay: LocalDate(iso: "2026-03-20")!, lastDay: LocalDate(iso: "2026-03-20")!, reason: "家中有事",
                               by: Acting("E105", at: now))
        var change = ApprovalRequest(kind: .change, campus: "EAST", title: "HIS 升级", reason: "补丁")
        change.system = "HIS"; change.impact = "门诊停机半小时"; change.rollbackPlan = "恢复快照"; change.notifyDepartments = ["门诊部", "药剂科"]
        let changeID = try d.requestApproval(change, by: Acting("E101", at: now))
        try d.decideApproval(changeID, .assess, note: "风险低", by: Acting("E102", at: now))
        var purchase = ApprovalRequest(kind: .purchase, campus: "EAST", title: "打印机", reason: "旧的坏了")
        purchase.department = "门诊"; purchase.quantity = 2; purchase.estimatedCost = 3000
        _ = try d.requestApproval(purchase, by: Acting("R001", at: now))
        let jam = try d.writeArticle(ArticleDraft(title: "打印机卡纸处理", kind: .fault, category: "打印机", body: "打开后盖取纸。"),
                                     reviewOn: LocalDate(iso: "2026-03-01"), by: Acting("E101", at: now))
        try d.editArticle(jam, ArticleDraft(title: "打印机卡纸处理", kind: .fault, category: "打印机", body: "先断电，再打开后盖取纸。"), seen: 1,
                          by: Acting("E102", at: now))
        _ = try d.writeArticle(ArticleDraft(title: "HIS 挂号操作手册", kind: .manual, category: "HIS", body: "先选科室，再刷医保卡。"), by: Acting("E101", at: now))
        let plan = try d.writePlan(PlanDraft(campus: "EAST", system: .machineRoom, title: "机房断电应急预案", steps: "1. 确认 UPS 供电\n2. 通知总值班",
                                             startLevel: .generalDutyOfficer), by: Acting("E001", at: now))
        try d.setPlanContact(plan, "E101", by: Acting("E001", at: now))
        let drill = try d.scheduleDrill(plan, on: now.date, scenario: "机房断电", by: Acting("E001", at: now))
        _ = try d.scheduleDrill(plan, on: now.date.adding(days: 3), scenario: "空调故障", by: Acting("E001", at: now))
        try d.recordDrill(drill, doneOn: now.date, findings: "切换正常", actions: "补充备用电池", by: Acting("E101", at: now))
        let entry = try d.enterMachineRoom(campus: "EAST", person: nil, visitor: "华为 王工", reason: "更换电源", escort: "E101", by: Acting("E101", at: now))
        _ = try d.enterMachineRoom(campus: "EAST", person: "E102", reason: "巡检", escort: nil, by: Acting("E101", at: now))
        try d.leaveMachineRoom(entry, by: Acting("E101", at: now))
        let check = try d.scheduleSecurityCheck(campus: "EAST", kind: .patch, target: "HIS 服务器", dueOn: now.date, by: Acting("E101", at: now))
        _ = try d.scheduleSecurityCheck(campus: "EAST", kind: .vulnerability, target: "门户网站", dueOn: now.date.adding(days: 5), by: Acting("E101", at: now))
        try d.recordSecurityCheck(check, doneOn: now.date, result: "已安装补丁", by: Acting("E101", at: now))
        return fixture
    }

    @Test(arguments: users)
    func noPageShowsARawKey(_ username: String) async throws {
        let fixture = try Self.fixture()
        let keys = Self.rawKeys()
        // The fixture's people are named 员工 + their username; names are the hospital's data.
        let names = Set(ServerFixture.people.map(\.0))
        let tickets = try fixture.department.tickets(campus: "EAST", openOnly: false).map { "/tickets/\($0.number)" }
            + (try fixture.department.approvals()).map { "/requests/\($0.id)" }
            + (try fixture.department.articles()).map { "/kb/\($0.id)" }
            + (try fixture.department.emergencyPlans()).map { "/plans/\($0.id)" }
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            for path in Self.pages + tickets {
                for lang in ["zh", "en"] {
                    let page = try await client.page("\(path)\(path.contains("?") ? "&" : "?")lang=\(lang)", as: session)
                    guard page.0 == .ok else { continue }
                    let words = Self.words(Self.visibleText(page.2)).filter { !names.contains($0) }
                    if lang == "zh" {
                        let english = words.filter { $0.count >= 2 && !Self.allowedOnChinesePage.contains($0) && $0.range(of: "^[A-Z0-9_-]+$", options: .regularExpression) == nil
                            && $0.range(of: "^[0-9a-f]*[0-9][0-9a-f]*$", options: .regularExpression) == nil }
                        #expect(english.isEmpty, "English on the Chinese page \(path) for \(username): \(Set(english).sorted())")
                    } else {
                        let raw = words.filter { keys.contains($0) && ($0.contains("_") || $0.contains("-")) }
                        let camel = words.filter { $0.first?.isLowercase == true && $0.contains(where: \.isUppercase) && $0 != "iCal" && $0 != "iCalendar" }
                        #expect(raw.isEmpty && camel.isEmpty, "raw keys on the English page \(path) for \(username): \(Set(raw + camel).sorted())")
                    }
                }
            }
        }
    }
}
