import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Domain
@testable import Server

/// 考勤 (`/attendance`) and its exports: who sees them, what they say, and bad input.
@Suite struct AttendancePageTests {
    static func at(_ clock: String, on iso: String = "2026-03-02") -> LocalDateTime {
        let parts = clock.split(separator: ":").compactMap { Int($0) }
        return LocalDateTime(date: LocalDate(iso: iso)!, minuteOfDay: parts[0] * 60 + parts[1])
    }

    /// Monday 2026-03-02 at 09:00: eng1 signed in 08:20 (late), eng2 not yet, duty on 年假
    /// (approved by the chief), and an engineer whose name a spreadsheet would run as a formula.
    static func monday() throws -> ServerFixture {
        let fixture = try ServerFixture()
        let d = fixture.department
        try d.recordAttendance(.signIn, by: Acting("E101", at: at("08:20")))
        let leave = try d.requestLeave(firstDay: LocalDate(iso: "2026-03-02")!, lastDay: LocalDate(iso: "2026-03-02")!, kind: .annual,
                                       reason: "探亲", by: Acting("E105", at: at("07:00")))
        try d.decideLeave(leave, approve: true, by: Acting("E001", at: at("07:30")))
        let admin = Acting("A001", at: at("07:00"))
        try d.registerPerson(StaffMember(id: "E199", name: "=HYPERLINK(\"http://x\")", campus: "EAST", phone: "1"), by: admin)
        try d.grantRole(RoleGrant(.engineer, .campus("EAST")), to: "E199", by: admin)
        return fixture
    }

    @Test func theClerkAndTheChiefSeeTheSheetsWithNamesAndOutcomesInChinese() async throws {
        let fixture = try Self.monday()
        try await fixture.application().test(.router) { client in
            for username in ["clerk", "chief", "viewer"] {
                let session = try await client.signIn(username)
                let (status, _, body) = try await client.page("/attendance", as: session)
                #expect(status == .ok, "\(username)")
                for text in ["签到表", "月考勤表", "待归档", "员工eng1", "迟到 20 分钟", "未签到", "请假（年假）", "办公时间", "导出 Excel"] {
                    #expect(body.contains(text), "\(username) sees \(text)")
                }
                // The approval is filed with who decided: the chief by name, not a staff number.
                #expect(body.contains("员工chief 03-02 07:30"))
                for raw in ["E101", "E105", "annual", "network-security", "weekday-day", "late(", "onTime"] {
                    #expect(!body.contains(raw), "\(username): no raw \(raw) on the page")
                }
            }
            // The clerk's home page leads to the sheet; an engineer's does not.
            #expect(try await client.page("/", as: try await client.signIn("clerk")).2.contains("id=\"home-attendance\""))
            #expect(try await !client.page("/", as: try await client.signIn("eng1")).2.contains("home-attendance"))
            let (_, _, english) = try await client.page("/attendance?lang=en", as: try await client.signIn("clerk"))
            #expect(english.contains("Sign-in sheet") && english.contains("late 20 min") && english.contains("on leave (annual leave)"))
        }
    }

    @Test func otherRolesAndAnotherCampusGetTheRefusalPage() async throws {
        let fixture = try Self.monday()
        try await fixture.application().test(.router) { client in
            for username in ["eng1", "duty", "ward", "admin", "maineng"] {
                let (status, _, body) = try await client.page("/attendance?campus=EAST", as: try await client.signIn(username))
                #expect(status == .forbidden && body.contains("您的角色无权进行此操作"), "\(username): \(status)")
                let csv = try await client.page("/attendance/month.csv?campus=EAST&month=2026-03", as: try await client.signIn(username))
                #expect(csv.0 == .forbidden, "\(username) csv")
            }
            let clerk = try await client.signIn("clerk")
            let (status, _, body) = try await client.page("/attendance?campus=MAIN", as: clerk)
            #expect(status == .forbidden && body.contains("该院区不在您的职责范围内"))
            let mainChief = try await client.signIn("mainchief")
            #expect(try await client.page("/attendance?campus=EAST", as: mainChief).0 == .forbidden)
            #expect(try await client.page("/attendance", as: mainChief).0 == .ok, "a chief reads their own campus")
            #expect(try await client.page("/attendance", as: nil).0 == .seeOther, "signed out: to the sign-in page")
        }
    }

    @Test func badDatesAndMonthsAreRefusedInTheUsersLanguage() async throws {
        let fixture = try Self.monday()
        try await fixture.application().test(.router) { client in
            let clerk = try await client.signIn("clerk")
            for (uri, says) in [("/attendance?date=2026-02-30", "日期格式不正确"), ("/attendance?date=yesterday", "日期格式不正确"),
                                ("/attendance?month=2026-3", "月份格式不正确"), ("/attendance/month.csv?month=2026-13", "月份格式不正确"),
                                ("/attendance/month.xlsx?month=%E4%B8%89%E6%9C%88", "月份格式不正确"), ("/attendance?campus=%3Cx%3E", "院区")] {
                let (status, _, body) = try await client.page(uri, as: clerk)
                #expect(status == .badRequest || status == .forbidden, "\(uri): \(status)")
                #expect(body.contains(says), "\(uri) says \(says)")
            }
            let (status, _, body) = try await client.page("/attendance?date=2026-02-30&lang=en", as: clerk)
            #expect(status == .badRequest && body.contains("expected YYYY-MM-DD"))
        }
    }

    @Test func theMonthlyCSVIsUTF8WithABOMAndNeutralisedFormulas() async throws {
        let fixture = try Self.monday()
        try await fixture.application().test(.router) { client in
            let clerk = try await client.signIn("clerk")
            try await client.execute(uri: "/attendance/month.csv?campus=EAST&month=2026-03", method: .get,
                                     headers: [.cookie: "meshdesk_session=\(clerk.cookie)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[.contentDisposition]?.contains("attendance-EAST-2026-03.csv") == true)
                let bytes = Array(buffer: response.body)
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                let lines = text.split(separator: "\r\n").map(String.init)
                #expect(lines.first?.hasPrefix("工号,姓名,出勤天数,班次,夜班,周末班,节假日班,年假（天）") == true)
                // duty (E105): one day of 年假, in the 年假 column (the 8th).
                let duty = try #require(lines.first { $0.hasPrefix("E105,") })
                #expect(duty.split(separator: ",").map(String.init)[7] == "1")
                #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "a formula-looking name is quoted as text")
            }
        }
    }

    @Test func theMonthlyXLSXIsAWorkbookWithInlineStringsAndNumbers() async throws {
        let fixture = try Self.monday()
        try await fixture.application().test(.router) { client in
            let clerk = try await client.signIn("clerk")
            try await client.execute(uri: "/attendance/month.xlsx?campus=EAST&month=2026-03", method: .get,
                                     headers: [.cookie: "meshdesk_session=\(clerk.cookie)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                let archive = try Archive(data: Data(buffer: response.body), accessMode: .read)
                func part(_ path: String) throws -> String {
                    let entry = try #require(archive[path], "\(path) in the package")
                    var data = Data()
                    _ = try archive.extract(entry) { data.append($0) }
                    return String(decoding: data, as: UTF8.self)
                }
                for path in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"] {
                    #expect(Self.wellFormed(try part(path)), "\(path) is well-formed XML")
                }
                let sheet = try part("xl/worksheets/sheet1.xml")
                #expect(Self.wellFormed(sheet))
                #expect(sheet.contains(#"<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">工号</t></is></c>"#))
                #expect(sheet.contains("员工eng1"))
                // A number cell, not text: duty's one 年假 day in column H.
                #expect(sheet.contains(#"t="inlineStr"><is><t xml:space="preserve">E105</t></is></c>"#))
                #expect(sheet.range(of: #"<c r="H\d+"><v>1</v></c>"#, options: .regularExpression) != nil)
                // Inline strings are never formulas: the name stays text, no <f>.
                #expect(sheet.contains("=HYPERLINK(&quot;http://x&quot;)") && !sheet.contains("<f>"))
            }
        }
    }

    @Test func theLeaveFormTakesAKindAndRefusesAnUnknownOne() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            let (page, _, form) = try await client.page("/duty", as: eng1)
            #expect(page == .ok && form.contains(#"<option value="annual""#) && form.contains(">年假</option>") && form.contains(">调休</option>"))
            let done = try await client.form("/duty/leave", as: eng1, [("csrf", eng1.csrf), ("firstDay", "2026-03-20"), ("lastDay", "2026-03-20"),
                                                                       ("kind", "sick"), ("reason", "发烧")])
            #expect(done.0 == .seeOther)
            #expect(try fixture.department.leaveRequests(person: "E101").map(\.kind) == [.sick])
            let before = try fixture.versionVector()
            let refused = try await client.form("/duty/leave", as: eng1, [("csrf", eng1.csrf), ("firstDay", "2026-03-23"), ("lastDay", "2026-03-23"),
                                                                          ("kind", "holiday"), ("reason", "x")])
            #expect(refused.0 == .unprocessableContent && refused.2.contains("假别无效") && refused.2.contains("role=\"alert\""))
            #expect(try fixture.versionVector() == before)
            // 年假 beyond the year's days: refused with the figures, the balance shown on the form.
            try fixture.department.setAnnualLeave(person: "E101", days: 2, by: Acting("A001", at: ServerFixture.start))
            let beyond = try await client.form("/duty/leave", as: eng1, [("csrf", eng1.csrf), ("firstDay", "2026-03-25"), ("lastDay", "2026-03-27"),
                                                                         ("kind", "annual"), ("reason", "探亲")])
            #expect(beyond.0 == .unprocessableContent && beyond.2.contains("年假余额不足：2026 年共 2 天，剩余 2 天"))
            #expect(beyond.2.contains("年假：2026 年共 2 天，已批准 0 天，待批 0 天，剩余 2 天。"))
            // The API takes it too, and lists it.
            let (status, body) = try await client.call(.post, "/api/leave", as: eng1,
                                                       json: #"{"firstDay":"2026-03-24","lastDay":"2026-03-24","kind":"time_off_in_lieu","reason":"调休"}"#)
            #expect(status == .created, "\(body)")
            let (_, list) = try await client.call(.get, "/api/leave?person=E101", as: eng1)
            #expect(list.contains(#""kind":"time_off_in_lieu""#) && list.contains(#""kind":"sick""#))
        }
    }

    @Test func theWriterNamesColumnsAndDropsWhatXMLCannotCarry() throws {
        #expect(SpreadsheetWriter.columnName(0) == "A" && SpreadsheetWriter.columnName(25) == "Z" && SpreadsheetWriter.columnName(26) == "AA")
        let writer = SpreadsheetWriter(sheetName: "考勤/三月[1]", rows: [[.text("a\u{1}b<c>")]])
        #expect(writer.sheetName == "考勤三月1")
        let sheet = try #require(writer.parts.first { $0.0 == "xl/worksheets/sheet1.xml" }?.1)
        #expect(sheet.contains("ab&lt;c&gt;") && Self.wellFormed(sheet))
    }

    static func wellFormed(_ xml: String) -> Bool {
        XMLParser(data: Data(xml.utf8)).parse()
    }
}
