import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 管理 in the browser: accounts (one-time passwords, reset, disable, enable, unlock),
/// people and roles, campuses and posts, the holiday calendar and the ticket policy —
/// each form done by the administrator and audited, refused to every other role with the
/// 403 page in Chinese, and refused on bad input with the message beside the field,
/// what was typed kept and nothing written. Also the ticket page's 重大故障 and asset links.
@Suite struct AdminPagesTests {
    static let pages = ["/admin", "/admin/accounts", "/admin/people", "/admin/people/E101", "/admin/campuses", "/admin/calendar",
                        "/admin/calendar?year=2026", "/admin/policy"]

    static func oneTimePassword(_ page: String) -> String? {
        guard let range = page.range(of: "<code>[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}</code>", options: .regularExpression) else { return nil }
        return String(page[range].dropFirst(6).dropLast(7))
    }

    func audited(_ fixture: ServerFixture, _ action: String) throws -> [AuditEntry] {
        try AuditTrail.entries(store: fixture.department.store).filter { $0.action == action && $0.via == "web user=admin" }
    }

    @Test func accountsAreCreatedResetDisabledEnabledAndUnlockedWithOneTimePasswords() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        try d.registerPerson(StaffMember(id: "E120", name: "新同事", campus: "EAST", phone: "138"), by: Acting("A001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            let list = try await client.page("/admin/accounts", as: admin)
            #expect(list.0 == .ok && list.2.contains("id=\"accounts\"") && list.2.contains("员工chief (E001)") && list.2.contains("value=\"E120\""))

            let created = try await client.form("/admin/accounts", as: admin, [("csrf", admin.csrf), ("username", "xintongshi"), ("person", "E120")])
            #expect(created.0 == .ok && created.2.contains("id=\"one-time-password\"") && created.2.contains("只显示这一次"))
            let password = try #require(Self.oneTimePassword(created.2))
            #expect(try d.account(username: "xintongshi")?.mustChangePassword == true)
            _ = try await client.signIn("xintongshi", password: password)

            let reset = try await client.form("/admin/accounts/eng1/reset", as: admin, [("csrf", admin.csrf)])
            let newPassword = try #require(Self.oneTimePassword(reset.2))
            #expect(reset.2.contains("已重置 eng1 的密码"))
            _ = try await client.signIn("eng1", password: newPassword)
            #expect(try d.account(username: "eng1")?.mustChangePassword == true)

            let disabled = try await client.form("/admin/accounts/eng2/disable", as: admin, [("csrf", admin.csrf)])
            #expect(disabled.0 == .seeOther && disabled.1[.location] == "/admin/accounts?done=disable")
            #expect(try d.account(username: "eng2")?.disabled == true)
            #expect(try await client.page("/admin/accounts?done=disable", as: admin).2.contains("账号已停用"))
            _ = try await client.form("/admin/accounts/eng2/enable", as: admin, [("csrf", admin.csrf)])
            #expect(try d.account(username: "eng2")?.disabled == false)

            for _ in 0..<3 { _ = try? await client.signIn("clerk", password: "wrong-password-1") }
            #expect(try d.account(username: "clerk")?.isLocked(at: fixture.clock.now()) == true)
            #expect(try await client.page("/admin/accounts", as: admin).2.contains("/admin/accounts/clerk/unlock"))
            let unlocked = try await client.form("/admin/accounts/clerk/unlock", as: admin, [("csrf", admin.csrf)])
            #expect(unlocked.1[.location] == "/admin/accounts?done=unlock")
            #expect(try d.account(username: "clerk")?.isLocked(at: fixture.clock.now()) == false)
            _ = try await client.signIn("clerk")

            for action in ["account.create", "account.password", "account.disable", "account.enable", "account.unlock"] {
                #expect(try audited(fixture, action).count == 1, "\(action) is audited once as the web's admin")
            }
            let audit = try await client.page("/audit?from=2026-03&to=2026-03&person=A001", as: admin).2
            #expect(audit.contains("账号解锁") && audit.contains("账号停用") && audit.contains("账号新建"))
        }
    }

    @Test func everyOtherRoleIsRefusedWithTheChinesePageAndNothingIsWritten() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            #expect(try await client.page("/duty", as: admin).2.contains("href=\"/admin\""))
            for path in Self.pages {
                #expect(try await client.page(path, as: admin).0 == .ok, "the administrator opens \(path)")
            }
            let before = try fixture.versionVector()
            for username in ["chief", "eng1", "duty", "clerk", "viewer", "ward", "mainchief"] {
                let session = try await client.signIn(username)
                #expect(!(try await client.page("/tickets", as: session)).2.contains("href=\"/admin\""), "no 管理 link for \(username)")
                for path in Self.pages {
                    let page = try await client.page(path, as: session)
                    #expect(page.0 == .forbidden && page.2.contains("管理页面仅限管理员使用"), "\(username) is refused \(path)")
                }
                let posts: [(String, [(String, String)])] = [
                    ("/admin/accounts", [("username", "x1"), ("person", "E101")]), ("/admin/accounts/eng1/reset", []),
                    ("/admin/accounts/eng1/disable", []), ("/admin/people/E101/grant", [("role", "administrator"), ("scope", "*")]),
                    ("/admin/calendar/official", [("year", "2026"), ("text", "")]), ("/admin/policy/hours", [("campus", "EAST"), ("hours", "")]),
                ]
                for (path, fields) in posts {
                    let answer = try await client.form(path, as: session, [("csrf", session.csrf)] + fields)
                    #expect(answer.0 == .forbidden, "\(username) may not post \(path)")
                }
                let english = try await client.page("/admin/policy?lang=en", as: session)
                #expect(english.0 == .forbidden && english.2.contains("administration pages"))
            }
            #expect(try fixture.versionVector() == before, "no refused form wrote anything")
        }
    }

    @Test func badInputComesBackBesideTheFieldWithWhatWasTypedAndWritesNothing() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            let before = try fixture.versionVector()
            func refused(_ path: String, _ fields: [(String, String)], status: HTTPResponse.Status = .unprocessableContent,
                         says: String, field: String? = nil, kept: String? = nil) async throws {
                let answer = try await client.form(path, as: admin, [("csrf", admin.csrf)] + fields)
                #expect(answer.0 == status, "\(path) \(fields): \(answer.0)")
                #expect(answer.2.contains(says), "\(path) says \(says)")
                #expect(answer.2.contains("role=\"alert\""))
                if let field { #expect(answer.2.contains("data-field=\"\(field)\""), "\(path): the message is beside \(field)") }
                if let kept { #expect(answer.2.contains(kept), "\(path) keeps \(kept)") }
            }
            try await refused("/admin/accounts", [("username", "Zhang Wei"), ("person", "E101")], says: "用户名只能用小写字母", field: "username", kept: "Zhang Wei")
            try await refused("/admin/accounts", [("username", "chief"), ("person", "E101")], status: .conflict, says: "该用户名已被使用", field: "username")
            try await refused("/admin/accounts/admin/disable", [], says: "不能停用最后一个全院管理员的账号")
            try await refused("/admin/accounts/eng1/unlock", [], status: .conflict, says: "该账号没有被锁定")
            try await refused("/admin/people", [("staffNo", "E130"), ("name", ""), ("campus", "EAST"), ("phone", "1"), ("active", "1")],
                              says: "请填写姓名", field: "name", kept: "E130")
            try await refused("/admin/people", [("staffNo", "E101"), ("name", "重复"), ("campus", "EAST")], says: "已有人员档案", field: "staffNo")
            try await refused("/admin/people/E101/grant", [("role", "boss"), ("scope", "EAST")], says: "请选择角色", field: "role")
            try await refused("/admin/campuses", [("code", "EAST"), ("name", "东院区"), ("shiftSet", "standard"), ("minimumRestMinutes", "660"),
                                                  ("restDaysAfterNight", "9"), ("shiftsPerDayMax", "1"), ("headcount", "1")],
                              says: "应为 0 到 7 之间的整数", field: "restDaysAfterNight", kept: "value=\"9\"")
            try await refused("/admin/posts", [("campus", "EAST"), ("postId", "Net Sec"), ("nameChinese", "网络"), ("nameEnglish", "Net")],
                              says: "岗位代码为小写字母", field: "postId")
            try await refused("/admin/calendar/day", [("date", "2026-10-12"), ("kind", "workday"), ("name", "调休")],
                              says: "调休上班日只能是周六或周日", field: "date", kept: "2026-10-12")
            try await refused("/admin/calendar/day", [("date", "2026-02-30"), ("kind", "holiday"), ("name", "")], says: "日期无效", field: "date")
            try await refused("/admin/calendar/official", [("year", "2026"), ("text", "2026-10-01 holiday 国庆节\n2026-10-02 holdiay 国庆节")],
                              says: "第 2 行", field: "text", kept: "holdiay")
            try await refused("/admin/calendar/official", [("year", "1999"), ("text", "")], says: "没有该年的国务院节假日安排", field: "year")
            var policy = Self.policyFields(TicketPolicy.standard)
            policy = policy.map { $0.0 == "resolve.2" ? ("resolve.2", "100") : $0 }
            try await refused("/admin/policy", policy, says: "P2 的时限短于 P1", field: "resolve.2", kept: "value=\"100\"")
            policy = Self.policyFields(TicketPolicy.standard).map { $0.0 == "own.1" ? ("own.1", "0") : $0 }
            try await refused("/admin/policy", policy, says: "应为 1 到", field: "own.1")
            try await refused("/admin/policy/hours", [("campus", "EAST"), ("hours", "13:00-12:00")], says: "工作时间应写成", field: "hours-EAST",
                              kept: "13:00-12:00")
            #expect(try fixture.versionVector() == before, "no refused form wrote anything")
        }
    }

    static func policyFields(_ policy: TicketPolicy) -> [(String, String)] {
        var fields: [(String, String)] = []
        for impact in Impact.allCases {
            for urgency in Urgency.allCases {
                fields.append(("m.\(impact.rawValue).\(urgency.rawValue)", String(policy.priority(urgency: urgency, impact: impact))))
            }
        }
        for p in TicketPolicy.prioritiesRange {
            let target = policy.target(p)
            fields += [("own.\(p)", String(target.ownMinutes)), ("resolve.\(p)", String(target.resolveMinutes)), ("clock.\(p)", target.clock.rawValue)]
        }
        return fields
    }

    @Test func peopleAreAddedEditedAndGivenRolesPerCampus() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        try d.registerPost(Post(id: "system-maintenance", nameChinese: "系统维护岗", nameEnglish: "System maintenance", requiredSkills: []),
                           campus: "EAST", by: Acting("A001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            let added = try await client.form("/admin/people", as: admin, [
                ("csrf", admin.csrf), ("staffNo", "E140"), ("name", "李娜"), ("campus", "EAST"), ("phone", "13900000000"), ("active", "1"),
                ("skills", "网络、服务器"), ("post.network-security", "1"), ("post.system-maintenance", "1"), ("day.5", "1"),
            ])
            #expect(added.0 == .seeOther && added.1[.location] == "/admin/people/E140?done=person#done")
            var person = try #require(try d.person("E140"))
            #expect(person.posts == ["network-security", "system-maintenance"] && person.skills == ["网络", "服务器"])
            #expect(person.preferences.preferredDaysOff == [.saturday])
            let page = try await client.page("/admin/people/E140?done=person", as: admin).2
            #expect(page.contains("人员档案已保存") && page.contains("value=\"李娜\"") && page.contains("id=\"grant-form\""))

            _ = try await client.form("/admin/people/E140", as: admin, [
                ("csrf", admin.csrf), ("name", "李娜娜"), ("campus", "EAST"), ("phone", "13900000001"), ("active", "1"),
                ("skills", "网络"), ("post.network-security", "1"),
            ])
            person = try #require(try d.person("E140"))
            #expect(person.name == "李娜娜" && person.posts == ["network-security"] && person.skills == ["网络"] && person.preferences.preferredDaysOff.isEmpty)

            let granted = try await client.form("/admin/people/E140/grant", as: admin, [("csrf", admin.csrf), ("role", "engineer"), ("scope", "EAST")])
            #expect(granted.1[.location] == "/admin/people/E140?done=grant#done")
            #expect(try d.person("E140")?.holds(.engineer, at: "EAST") == true)
            #expect(try await client.page("/admin/people", as: admin).2.contains("工程师@东院区"))
            let main = try await client.page("/admin/people?campus=MAIN", as: admin).2
            #expect(main.contains("M101") && !main.contains("E140") && main.contains("id=\"admin-nav\""))
            _ = try await client.form("/admin/people/E140/revoke", as: admin, [("csrf", admin.csrf), ("role", "engineer"), ("scope", "EAST")])
            #expect(try d.person("E140")?.holds(.engineer, at: "EAST") == false)
            for action in ["person.register", "person.edit", "role.grant", "role.revoke"] {
                #expect(try audited(fixture, action).count == 1, "\(action) audited")
            }
        }
    }

    @Test func campusesPostsCalendarAndPolicyAreSetAndUsed() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            let campus = try await client.form("/admin/campuses", as: admin, [
                ("csrf", admin.csrf), ("code", "EAST"), ("name", "东院区"), ("generalDutyOfficer", "总值班 吴主任"), ("generalDutyPhone", "8001"),
                ("shiftSet", "three-shift"), ("minimumRestMinutes", "720"), ("restDaysAfterNight", "2"), ("shiftsPerDayMax", "1"), ("headcount", "2"),
            ])
            #expect(campus.0 == .seeOther)
            let east = try #require(try d.campus("EAST"))
            #expect(east.shiftSet == .threeShift && east.rest.minimumRestMinutes == 720 && east.rest.restDaysAfterNight == 2 && east.headcount == 2)
            #expect(try await client.page("/admin/campuses", as: admin).2.contains("三班倒"))
            _ = try await client.form("/admin/posts", as: admin, [("csrf", admin.csrf), ("campus", "EAST"), ("postId", "data-operations"),
                                                                 ("nameChinese", "数据运维岗"), ("nameEnglish", "Data operations"), ("phone", "6602"), ("skills", "")])
            #expect(try d.posts(campus: "EAST").contains { $0.id == "data-operations" })

            _ = try await client.form("/admin/calendar/official", as: admin, [("csrf", admin.csrf), ("year", "2026"), ("text", "")])
            #expect(try d.holidayCalendar().dayType(of: LocalDate(iso: "2026-10-01")!) == .holiday)
            let saturday = LocalDate(iso: "2026-11-07")!
            let day = try await client.form("/admin/calendar/day", as: admin, [("csrf", admin.csrf), ("date", saturday.iso), ("kind", "workday"), ("name", "院庆调休")])
            #expect(day.1[.location] == "/admin/calendar?year=2026&done=day#done")
            #expect(try d.holidayCalendar().dayType(of: saturday) == .workday)
            #expect(try await client.page("/admin/calendar?year=2026", as: admin).2.contains("院庆调休"))
            _ = try await client.form("/admin/calendar/day", as: admin, [("csrf", admin.csrf), ("date", saturday.iso), ("kind", "normal"), ("name", "")])
            #expect(try d.holidayCalendar().dayType(of: saturday) == .weekend)

            var fields = Self.policyFields(TicketPolicy.standard).map { $0.0 == "m.person.low" ? ("m.person.low", "3") : $0 }
            fields = fields.map { $0.0 == "own.4" ? ("own.4", "300") : $0 }
            let set = try await client.form("/admin/policy", as: admin, [("csrf", admin.csrf)] + fields)
            #expect(set.1[.location] == "/admin/policy?done=policy#done")
            var policy = try d.ticketPolicy()
            #expect(policy.priority(urgency: .low, impact: .person) == 3 && policy.target(4).ownMinutes == 300)
            _ = try await client.form("/admin/policy/hours", as: admin, [("csrf", admin.csrf), ("campus", "EAST"), ("hours", "09:00-12:00, 14:00-18:00")])
            policy = try d.ticketPolicy()
            #expect(policy.businessHours(at: "EAST") == [540..<720, 840..<1080] && policy.businessHours(at: "MAIN") == SLAMinutes.officeHours)
            #expect(try await client.page("/admin/policy", as: admin).2.contains("value=\"09:00-12:00, 14:00-18:00\""))
            for action in ["campus.register", "post.register", "calendar.load", "calendar.day", "ticket.policy"] {
                #expect(try !audited(fixture, action).isEmpty, "\(action) audited")
            }
        }
    }

    @Test func aMajorIncidentIsMarkedAndAssetsAreLinkedFromTheTicketPage() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        try d.registerAsset(AssetRecord(tag: "E-PC-09", campus: "EAST", type: .pc, name: "挂号电脑"), by: Acting("E101", at: ServerFixture.start))
        try d.registerAsset(AssetRecord(tag: "E-PR-09", campus: "EAST", type: .printer, name: "挂号打印机"), by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let reported = try await client.form("/tickets", as: eng1, [("csrf", eng1.csrf), ("title", "挂号处无法打印"), ("priority", "3"),
                                                                       ("campus", "EAST"), ("assets", "E-PC-09, E-PR-09")])
            #expect(reported.0 == .seeOther)
            let number = try #require(reported.1[.location]).replacingOccurrences(of: "/tickets/", with: "")
            let before = try fixture.versionVector()
            let unknownTag = try await client.form("/tickets", as: eng1, [("csrf", eng1.csrf), ("title", "挂号处无法打印"), ("priority", "3"),
                                                                         ("campus", "EAST"), ("assets", "E-PC-09 E-NOPE-1")])
            #expect(unknownTag.0 == .notFound && unknownTag.2.contains("data-field=\"assets\"") && unknownTag.2.contains("找不到资产编号“E-NOPE-1”"))
            #expect(unknownTag.2.contains("value=\"挂号处无法打印\"") && unknownTag.2.contains("value=\"E-PC-09 E-NOPE-1\""))
            #expect(try fixture.versionVector() == before, "a refused report writes nothing")
            #expect(try d.ticket(number).assets.sorted() == ["E-PC-09", "E-PR-09"])
            let page = try await client.page("/tickets/\(number)", as: eng1).2
            #expect(page.contains("href=\"/assets/E-PC-09\"") && page.contains("id=\"ticket-major\"") && page.contains("id=\"ticket-link\""))
            #expect(try await client.page("/assets/E-PR-09", as: eng1).2.contains(number))

            let unknown = try await client.form("/tickets/\(number)/link", as: eng1, [("csrf", eng1.csrf), ("asset", "E-NOPE")])
            #expect(unknown.0 == .notFound && unknown.2.contains("找不到资产编号“E-NOPE”") && unknown.2.contains("value=\"E-NOPE\""))
            try d.registerAsset(AssetRecord(tag: "E-SW-09", campus: "EAST", type: .network, name: "挂号交换机"), by: Acting("E101", at: ServerFixture.start))
            let linked = try await client.form("/tickets/\(number)/link", as: eng1, [("csrf", eng1.csrf), ("asset", "E-SW-09")])
            #expect(linked.0 == .seeOther)
            #expect(try d.ticket(number).assets.contains("E-SW-09"))
            #expect(try await client.page("/assets/E-SW-09", as: eng1).2.contains(number))

            let empty = try await client.form("/tickets/\(number)/major", as: eng1, [("csrf", eng1.csrf), ("text", " ")])
            #expect(empty.0 == .unprocessableContent && empty.2.contains("role=\"alert\""))
            #expect(try !d.ticket(number).intake.major)
            let ward = try await client.signIn("ward")
            #expect(try await client.form("/tickets/\(number)/major", as: ward, [("csrf", ward.csrf), ("text", "全院")]).0 == .forbidden)

            let marked = try await client.form("/tickets/\(number)/major", as: eng1, [("csrf", eng1.csrf), ("text", "全院挂号停摆")])
            #expect(marked.0 == .seeOther)
            let ticket = try d.ticket(number)
            #expect(ticket.intake.major && ticket.priority == 1 && ticket.timeline.last?.isMajorIncidentMark == true)
            let after = try await client.page("/tickets/\(number)", as: eng1).2
            #expect(after.contains("id=\"major\"") && after.contains("标记为重大故障") && after.contains("全院挂号停摆") && !after.contains("id=\"ticket-major\""))
            #expect(try await client.page("/tickets/\(number)?lang=en", as: eng1).2.contains("marked a major incident"))
            let again = try await client.call(.post, "/api/tickets/\(number)/major", as: eng1, json: #"{"text":"又一次"}"#)
            #expect(again.0 == .conflict)
            #expect(try AuditTrail.entries(store: d.store).contains { $0.action == "ticket.major" && $0.subject == number })
            #expect(try AuditTrail.entries(store: d.store).filter { $0.action == "ticket.link-asset" }.count == 1)
        }
    }
}
