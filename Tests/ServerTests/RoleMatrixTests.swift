import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

/// Each role × each write endpoint: allowed, or 403. "Allowed" means the role checks
/// (the server's gate and the domain's) let the caller through: the answer is then a
/// 2xx, or the domain's own 404/409/422 about the state of things (a seat the caller
/// does not hold, a duty they are not on) — never 403 and never 5xx.
@Suite struct RoleMatrixTests {
    struct Endpoint: Sendable {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        /// Usernames (see `ServerFixture.people`) that may call it.
        let allowed: Set<String>
    }

    static let staffOfEast: Set<String> = ["admin", "chief", "clerk", "eng1", "eng2", "duty"]
    static let seat = "EAST|2026-03-10|network-security|night-1|0"

    /// `{leave}` and `{overtime}` are replaced by pending requests of eng2, made fresh per role.
    static let endpoints: [Endpoint] = [
        Endpoint(name: "publish roster", method: .post, path: "/api/rosters/EAST/2026-04/publish", body: #"{"seed":1}"#, allowed: ["chief"]),
        Endpoint(name: "override seat", method: .post, path: "/api/rosters/override", body: #"{"seat":"\#(seat)","person":null}"#, allowed: ["chief"]),
        Endpoint(name: "request swap", method: .post, path: "/api/swaps",
                 body: #"{"seat":"\#(seat)","colleague":"E102","reason":"家里有事"}"#,
                 allowed: staffOfEast.subtracting(["eng2"])),  // eng2 is the colleague E102: no swap with oneself (403)
        Endpoint(name: "arrange swap", method: .post, path: "/api/swaps/arrange",
                 body: #"{"seat":"\#(seat)","colleague":"E105","reason":"发热离岗"}"#, allowed: ["chief"]),
        Endpoint(name: "approve swap", method: .post, path: "/api/swaps/00/approve", body: nil, allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "request leave", method: .post, path: "/api/leave", body: #"{"firstDay":"2026-03-25","lastDay":"2026-03-26","reason":"年假"}"#,
                 allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "approve leave", method: .post, path: "/api/leave/{leave}/approve", body: nil, allowed: ["chief"]),
        Endpoint(name: "request overtime", method: .post, path: "/api/overtime",
                 body: #"{"date":"2026-03-05","start":"17:00","end":"18:00","reason":"系统升级"}"#, allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "approve overtime", method: .post, path: "/api/overtime/{overtime}/approve", body: nil, allowed: ["chief"]),
        Endpoint(name: "sign in (attendance)", method: .post, path: "/api/attendance", body: #"{"kind":"sign_in"}"#,
                 allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "record attendance for another", method: .post, path: "/api/attendance", body: #"{"kind":"sign_in","person":"E102"}"#,
                 allowed: ["clerk", "eng2"]),  // E102 is eng2: recording for oneself

        Endpoint(name: "start handover", method: .post, path: "/api/handovers",
                 body: #"{"campus":"EAST","post":"network-security","incoming":"E102","openItems":[],"note":"交班"}"#,
                 allowed: ["chief", "clerk", "eng1", "duty"]),  // eng2 is the incoming E102: no handover to oneself (403)
        Endpoint(name: "write duty log", method: .post, path: "/api/duty/log", body: #"{"campus":"EAST","post":"network-security","text":"巡检正常"}"#,
                 allowed: staffOfEast),
        Endpoint(name: "change own password", method: .put, path: "/api/me/password",
                 body: #"{"currentPassword":"correct-horse-1","newPassword":"another-good-one"}"#,
                 allowed: Set(ServerFixture.people.map(\.0))),
    ]

    @Test(arguments: ServerFixture.people.map(\.0))
    func everyWriteEndpointAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let at = Acting("E102", at: ServerFixture.start)
        let leave = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-16")!, lastDay: LocalDate(iso: "2026-03-16")!,
                                                        reason: "病假", by: at)
        let overtime = try fixture.department.requestOvertime(date: LocalDate(iso: "2026-03-04")!, startMinute: 17 * 60,
                                                              endMinute: 18 * 60, reason: "割接", by: at)
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            var mismatches: [String] = []
            for endpoint in Self.endpoints {
                let path = endpoint.path.replacingOccurrences(of: "{leave}", with: leave).replacingOccurrences(of: "{overtime}", with: overtime)
                let (status, body) = try await client.call(endpoint.method, path, as: session, json: endpoint.body)
                #expect(status.code < 500, "\(username) \(endpoint.name): \(status) \(body)")
                let allowed = endpoint.allowed.contains(username)
                if allowed == (status == .forbidden) {
                    mismatches.append("\(endpoint.name): expected \(allowed ? "allowed" : "403"), got \(status.code) \(body)")
                }
            }
            #expect(mismatches.isEmpty, "\(username):\n\(mismatches.joined(separator: "\n"))")
        }
    }

    /// 考勤 and its exports read EAST's attendance: its 考勤员 and 科长, and the 中心查看.
    static let attendancePaths = ["/attendance?campus=EAST", "/attendance/month.csv?campus=EAST&month=2026-03",
                                  "/attendance/month.xlsx?campus=EAST&month=2026-03"]

    @Test(arguments: ServerFixture.people.map(\.0))
    func theAttendancePagesAllowOrRefuseThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let allowed: Set<String> = ["chief", "clerk", "viewer"]
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            for path in Self.attendancePaths {
                let (status, _, _) = try await client.page(path, as: session)
                #expect(status == (allowed.contains(username) ? .ok : .forbidden), "\(username) \(path): \(status)")
            }
        }
    }

    static let handlersOfEast: Set<String> = ["chief", "eng1", "eng2", "duty"]

    /// 申请 and 工单查询 pages: every signed-in role reads the lists (scoped to what it
    /// may see); a change filed by eng1 at EAST is read by every role there but the ward,
    /// and by the central viewer and the administrator (all campuses).
    @Test(arguments: ServerFixture.people.map(\.0))
    func theRequestAndSearchPagesAllowOrRefuseThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        var change = ApprovalRequest(kind: .change, campus: "EAST", title: "HIS 升级", reason: "补丁")
        change.system = "HIS"; change.impact = "停机"; change.rollbackPlan = "快照"; change.notifyDepartments = ["门诊部"]
        let changeID = try fixture.department.requestApproval(change, by: Acting("E101", at: ServerFixture.start))
        let readers = Self.staffOfEast.union(["viewer"])
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            for path in ["/requests", "/requests/new", "/tickets/search", "/tickets/search.csv"] {
                let (status, _, _) = try await client.page(path, as: session)
                #expect(status == .ok, "\(username) \(path): \(status)")
            }
            let (status, _, _) = try await client.page("/requests/\(changeID)", as: session)
            #expect(status == (readers.contains(username) ? .ok : .forbidden), "\(username) reads the change: \(status)")
        }
    }

    /// Tickets, assets and approvals. `{ticket}` was reported by ward (R001), `{change}`
    /// and `{purchase}` filed by eng1 (E101); all at EAST, made fresh per role. The order
    /// walks the ticket through its states; a step the state forbids is a 409 (allowed).
    static let ticketAssetApprovalEndpoints: [Endpoint] = [
        Endpoint(name: "report a problem", method: .post, path: "/api/tickets", body: #"{"campus":"EAST","title":"网络中断","department":"门诊"}"#,
                 allowed: handlersOfEast.union(["ward"])),
        Endpoint(name: "assign ticket", method: .post, path: "/api/tickets/{ticket}/assign", body: #"{"to":"E101"}"#, allowed: handlersOfEast),
        Endpoint(name: "start ticket", method: .post, path: "/api/tickets/{ticket}/start", body: nil, allowed: handlersOfEast),
        Endpoint(name: "comment on ticket", method: .post, path: "/api/tickets/{ticket}/comment", body: #"{"text":"处理中"}"#, allowed: handlersOfEast),
        Endpoint(name: "pend ticket", method: .post, path: "/api/tickets/{ticket}/pend", body: #"{"reason":"vendor","text":"等厂商"}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "resume ticket", method: .post, path: "/api/tickets/{ticket}/resume", body: nil, allowed: handlersOfEast),
        Endpoint(name: "escalate ticket", method: .post, path: "/api/tickets/{ticket}/escalate", body: #"{"workaround":"改用备用机"}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "record workaround", method: .post, path: "/api/tickets/{ticket}/workaround", body: #"{"workaround":"改用备用机"}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "resolve ticket", method: .post, path: "/api/tickets/{ticket}/resolve", body: #"{"rootCause":"网线","improvement":"巡检"}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "close ticket", method: .post, path: "/api/tickets/{ticket}/close", body: nil, allowed: handlersOfEast.union(["ward"])),
        Endpoint(name: "reopen ticket", method: .post, path: "/api/tickets/{ticket}/reopen", body: #"{"text":"又坏了"}"#,
                 allowed: handlersOfEast.union(["ward"])),
        Endpoint(name: "link asset to ticket", method: .post, path: "/api/tickets/{ticket}/link", body: #"{"asset":"E-PC-01"}"#, allowed: handlersOfEast),
        Endpoint(name: "cancel ticket", method: .post, path: "/api/tickets/{ticket}/cancel", body: #"{"text":"重复"}"#, allowed: ["chief", "duty", "ward"]),

        Endpoint(name: "register asset", method: .post, path: "/api/assets", body: #"{"tag":"E-PC-99","campus":"EAST","type":"pc","name":"新电脑"}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "move asset", method: .post, path: "/api/assets/E-PC-01/move", body: #"{"department":"门诊","location":"1F","holder":""}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "inspect asset", method: .post, path: "/api/assets/E-PC-01/inspect", body: #"{"items":{"外观":"ok"}}"#, allowed: handlersOfEast),
        Endpoint(name: "maintain asset", method: .post, path: "/api/assets/E-PC-01/maintain", body: #"{"kind":"maintenance","text":"除尘"}"#,
                 allowed: handlersOfEast),
        Endpoint(name: "draw stock", method: .post, path: "/api/assets/E-TN-01/stock", body: #"{"delta":-1}"#, allowed: handlersOfEast),

        Endpoint(name: "file purchase request", method: .post, path: "/api/approvals",
                 body: #"{"kind":"purchase","campus":"EAST","title":"打印机","reason":"旧的坏了","department":"门诊","quantity":1}"#,
                 allowed: ["chief", "eng1", "eng2", "ward"]),
        Endpoint(name: "assess change", method: .post, path: "/api/approvals/{change}/assess", body: #"{"note":"风险低"}"#, allowed: handlersOfEast),
        Endpoint(name: "approve purchase", method: .post, path: "/api/approvals/{purchase}/approve", body: nil, allowed: ["chief"]),
        Endpoint(name: "cancel purchase", method: .post, path: "/api/approvals/{purchase}/cancel", body: nil, allowed: ["eng1"]),
    ]

    @Test(arguments: ServerFixture.people.map(\.0))
    func everyTicketAssetAndApprovalWriteAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        let at = ServerFixture.start
        let ticket = try d.openTicket(TicketIntake(campus: "EAST", reporter: "病房", department: "病房", category: .network, description: "断网"),
                                      by: Acting("R001", at: at))
        try d.registerAsset(AssetRecord(tag: "E-PC-01", campus: "EAST", type: .pc, name: "电脑", inspectionDays: 30), by: Acting("E101", at: at))
        try d.registerAsset(AssetRecord(tag: "E-TN-01", campus: "EAST", type: .consumable, name: "硒鼓", stock: 5, stockMin: 1), by: Acting("E101", at: at))
        var change = ApprovalRequest(kind: .change, campus: "EAST", title: "HIS 升级", reason: "补丁")
        change.system = "HIS"; change.impact = "停机"; change.rollbackPlan = "快照"; change.notifyDepartments = ["门诊部"]
        let changeID = try d.requestApproval(change, by: Acting("E101", at: at))
        var purchase = ApprovalRequest(kind: .purchase, campus: "EAST", title: "电脑", reason: "新增")
        purchase.department = "门诊"; purchase.quantity = 1
        let purchaseID = try d.requestApproval(purchase, by: Acting("E101", at: at))
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            var mismatches: [String] = []
            for endpoint in Self.ticketAssetApprovalEndpoints {
                let path = endpoint.path.replacingOccurrences(of: "{ticket}", with: ticket.number)
                    .replacingOccurrences(of: "{change}", with: changeID).replacingOccurrences(of: "{purchase}", with: purchaseID)
                let (status, body) = try await client.call(endpoint.method, path, as: session, json: endpoint.body)
                #expect(status.code < 500, "\(username) \(endpoint.name): \(status) \(body)")
                let allowed = endpoint.allowed.contains(username)
                if allowed == (status == .forbidden) {
                    mismatches.append("\(endpoint.name): expected \(allowed ? "allowed" : "403"), got \(status.code) \(body)")
                }
            }
            #expect(mismatches.isEmpty, "\(username):\n\(mismatches.joined(separator: "\n"))")
        }
    }

    /// The dashboard's form posts that write: the same gates as the API behind them.
    /// Allowed is a 303 (or the domain's 409); refused is 403.
    @Test(arguments: ServerFixture.people.map(\.0))
    func everyDashboardFormThatWritesAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        let at = ServerFixture.start
        let ticket = try d.openTicket(TicketIntake(campus: "EAST", reporter: "病房", department: "病房", category: .network, description: "断网"),
                                      by: Acting("R001", at: at))
        var change = ApprovalRequest(kind: .change, campus: "EAST", title: "HIS 升级", reason: "补丁")
        change.system = "HIS"; change.impact = "停机"; change.rollbackPlan = "快照"; change.notifyDepartments = ["门诊部"]
        let changeID = try d.requestApproval(change, by: Acting("E101", at: at))
        let forms: [(String, String, [(String, String)], Set<String>)] = [
            ("report form", "/tickets", [("title", "断网"), ("priority", "2"), ("campus", "EAST")], Self.handlersOfEast.union(["ward"])),
            ("start form", "/tickets/\(ticket.number)/start", [], Self.handlersOfEast),
            ("cancel form", "/tickets/\(ticket.number)/cancel", [("text", "重复")], ["chief", "duty", "ward"]),
            ("assess form", "/approvals/approval/\(changeID)/assess", [("note", "风险低")], Self.handlersOfEast),
            ("assess from the request page", "/requests/\(changeID)/assess", [("note", "风险低")], Self.handlersOfEast),
            ("file purchase form", "/requests/new", [("kind", "purchase"), ("campus", "EAST"), ("title", "打印机"), ("reason", "旧的坏了"),
                                                     ("department", "门诊"), ("quantity", "1")], ["chief", "eng1", "eng2", "ward"]),
            ("file change form", "/requests/new", [("kind", "change"), ("campus", "EAST"), ("title", "HIS 升级"), ("reason", "补丁"),
                                                   ("system", "HIS"), ("impact", "停机"), ("rollbackPlan", "快照"), ("notifyDepartments", "门诊部")],
             Self.handlersOfEast),
        ]
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            var mismatches: [String] = []
            for (name, path, fields, allowed) in forms {
                let (status, _, body) = try await client.form(path, as: session, [("csrf", session.csrf)] + fields)
                #expect(status.code < 500, "\(username) \(name): \(status)")
                if allowed.contains(username) == (status == .forbidden) {
                    mismatches.append("\(name): expected \(allowed.contains(username) ? "allowed" : "403"), got \(status.code) \(body.prefix(300))")
                }
            }
            #expect(mismatches.isEmpty, "\(username):\n\(mismatches.joined(separator: "\n"))")
            let home = try await client.page("/", as: session).2
            #expect(home.contains("href=\"/tickets/new\"") == ["chief", "eng1", "eng2", "duty", "ward", "mainchief", "maineng"].contains(username),
                    "the report link shows only to those who may report")
        }
    }
    /// 资产's forms: the API's gates (信息科 staff at the asset's campus, then an engineer,
    /// duty engineer or chief there). Allowed is a 303 (or the domain's 409/422 when the
    /// state forbids the step); refused is 403, with the message on the page.
    @Test(arguments: ServerFixture.people.map(\.0))
    func everyAssetFormAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        let at = Acting("E101", at: ServerFixture.start)
        try d.registerAsset(AssetRecord(tag: "E-PC-01", campus: "EAST", type: .pc, name: "电脑", inspectionDays: 30), by: at)
        try d.registerAsset(AssetRecord(tag: "E-TN-01", campus: "EAST", type: .consumable, name: "硒鼓", stock: 50, stockMin: 1), by: at)
        let forms: [(String, String, [(String, String)])] = [
            ("register", "/assets/new", [("tag", "E-PC-99-\(username)"), ("name", "新电脑"), ("campus", "EAST"), ("type", "pc")]),
            ("move", "/assets/E-PC-01/move", [("department", "门诊"), ("location", "1F")]),
            ("checkout", "/assets/E-PC-01/checkout", [("holder", "E101"), ("department", "门诊"), ("location", "1F")]),
            ("checkin", "/assets/E-PC-01/checkin", [("location", "库房")]),
            ("inspect", "/assets/E-PC-01/inspect", [("item1", "外观"), ("result1", "ok")]),
            ("repair", "/assets/E-PC-01/repair", [("text", "不开机"), ("ticket", "")]),
            ("repaired", "/assets/E-PC-01/repaired", [("text", "换电源"), ("state", "in_use")]),
            ("maintain", "/assets/E-PC-01/maintain", [("kind", "maintenance"), ("text", "除尘")]),
            ("stock", "/assets/E-TN-01/stock", [("direction", "out"), ("quantity", "1")]),
            ("scrap", "/assets/E-PC-01/scrap", [("reason", "老化")]),
        ]
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            var mismatches: [String] = []
            for (name, path, fields) in forms {
                let (status, _, body) = try await client.form(path, as: session, [("csrf", session.csrf)] + fields)
                #expect(status.code < 500, "\(username) \(name): \(status)")
                let allowed = Self.handlersOfEast.contains(username)
                if allowed == (status == .forbidden) {
                    mismatches.append("\(name): expected \(allowed ? "allowed" : "403"), got \(status.code) \(body.prefix(300))")
                }
                // On the asset's page next to the form, or — for a reader with no role at
                // the asset's campus, who may not see the page — on the error page.
                if status == .forbidden, !body.contains("class=\"bad\"") { mismatches.append("\(name): 403 without the message on the page") }
            }
            #expect(mismatches.isEmpty, "\(username):\n\(mismatches.joined(separator: "\n"))")
        }
    }
}

