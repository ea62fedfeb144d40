import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Replica
import Storage
import Testing
@testable import Domain
@testable import Server

/// 知识库 pages, forms and API: who may read and write, confirmations and refusals,
/// a conflict shown and resolved from the page, suggestions on the report form.
@Suite struct KnowledgePageTests {
    static let authors: Set<String> = ["chief", "eng1", "eng2", "duty", "mainchief", "maineng"]
    static let jam = ArticleDraft(title: "打印机卡纸处理", kind: .fault, category: "打印机", body: "打开后盖，取出卡住的纸张，检查搓纸轮。")
    static let manual = ArticleDraft(title: "HIS 挂号操作手册", kind: .manual, category: "HIS", body: "挂号窗口：先选科室，再刷医保卡。")

    /// Each role × each write: allowed (2xx, or the domain's 404/409/422 about the state
    /// of things) or 403; and which articles each role reads.
    @Test(arguments: ServerFixture.people.map(\.0))
    func everyKnowledgeWriteAllowsOrRefusesThisRoleAndReadsFollowTheKind(_ username: String) async throws {
        let fixture = try ServerFixture()
        let fault = try fixture.department.writeArticle(Self.jam, by: Acting("E101", at: ServerFixture.start))
        let manual = try fixture.department.writeArticle(Self.manual, by: Acting("E101", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            let writes: [(String, String, String)] = [
                ("write", "/api/kb", #"{"title":"网络中断排查","kind":"technical","category":"网络","body":"先看交换机指示灯。"}"#),
                ("edit", "/api/kb/\(fault)/edit", #"{"seen":1,"title":"打印机卡纸处理","kind":"fault","category":"打印机","body":"更新：先断电。"}"#),
                ("keep", "/api/kb/\(fault)/keep", #"{"index":0,"of":2}"#),
                ("dates", "/api/kb/\(manual)/dates", #"{"reviewOn":"2026-09-01","archivedOn":""}"#),
            ]
            for (name, path, body) in writes {
                let (status, text) = try await client.call(.post, path, as: session, json: body)
                #expect(status.code < 500, "\(username) \(name): \(status) \(text)")
                let allowed = Self.authors.contains(username)
                #expect(allowed != (status == .forbidden), "\(username) \(name): expected \(allowed ? "allowed" : "403"), got \(status.code) \(text)")
            }
            let (listed, list) = try await client.call(.get, "/api/kb", as: session)
            #expect(listed == .ok)
            let readsAll = username != "ward"
            #expect(list.contains(manual) && list.contains(fault) == readsAll, "\(username) lists \(list)")
            let (faultStatus, _) = try await client.call(.get, "/api/kb/\(fault)", as: session)
            #expect(faultStatus == (readsAll ? .ok : .forbidden), "\(username) reads the fault record: \(faultStatus)")
            for path in ["/kb", "/kb?q=打印", "/kb/\(manual)", "/kb/new"] {
                let (status, _, _) = try await client.page(path, as: session)
                #expect(status == .ok, "\(username) \(path): \(status)")
            }
            let (page, _, _) = try await client.page("/kb/\(fault)", as: session)
            #expect(page == (readsAll ? .ok : .forbidden), "\(username) /kb/{fault}: \(page)")
        }
    }

    @Test func theFormSavesWithAConfirmationAndRefusesBadInputBesideItWritingNothing() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            let fields = [("csrf", session.csrf), ("title", "打印机卡纸处理"), ("kind", "fault"), ("category", "打印机"),
                          ("body", "打开后盖取纸。"), ("review_on", "2026-09-01"), ("ticket", "")]
            let (saved, headers, _) = try await client.form("/kb/new", as: session, fields)
            #expect(saved == .seeOther)
            let location = try #require(headers[.location])
            #expect(location.hasSuffix("?done=write"))
            let (_, _, page) = try await client.page(location, as: session)
            #expect(page.contains("文章已保存") && page.contains("打开后盖取纸。") && page.contains("2026-09-01"))
            // Bad input: the refusal beside the form, in Chinese, what was typed kept, nothing written.
            let before = try fixture.versionVector()
            let big = String(repeating: "卡", count: Department.articleBodyMax + 1)
            let refusals: [([(String, String)], HTTPResponse.Status, String)] = [
                ([("title", "  "), ("kind", "fault"), ("body", "有正文")], .unprocessableContent, "请填写标题"),
                ([("title", "超长"), ("kind", "fault"), ("body", big)], .unprocessableContent, "正文不超过"),
                ([("title", "类别不对"), ("kind", "recipe"), ("body", "x")], .badRequest, "类别或数字无效"),
                ([("title", "日期不对"), ("kind", "manual"), ("body", "x"), ("review_on", "2026-02-30")], .badRequest, "日期"),
            ]
            for (typed, status, message) in refusals {
                let (got, _, body) = try await client.form("/kb/new", as: session, [("csrf", session.csrf)] + typed)
                #expect(got == status, "\(typed.map(\.0)): \(got)")
                #expect(body.contains(message), "\(message) not in the page")
                #expect(body.contains("role=\"alert\""))
                if typed[0].1 == "类别不对" { #expect(body.contains("value=\"类别不对\""), "what was typed is kept") }
            }
            #expect(try fixture.versionVector() == before, "a refused form wrote nothing")
            let (forged, _, _) = try await client.form("/kb/new", as: session, Array(fields.dropFirst()))
            #expect(forged == .forbidden, "no CSRF token, no article")
        }
    }

    @Test func aConflictBetweenTwoCampusesIsShownOnThePageAndResolvedFromIt() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        let id = try d.writeArticle(Self.jam, by: Acting("E101", at: ServerFixture.start))
        // A revision another campus wrote over version 1 while cut off: a sibling, not a replacement.
        var east = Self.jam
        east.body = "东院区：换用手动进纸。"
        try d.editArticle(id, east, seen: 1, by: Acting("E102", at: ServerFixture.start.adding(minutes: 1)))
        let sibling = ArticleRevision(title: "打印机卡纸处理（主院区）", kind: .fault, category: "打印机", body: "主院区：更换搓纸轮。",
                                      by: "M101", at: ServerFixture.start.minutesSinceEpoch + 2, campus: "MAIN", base: 1)
        try d.store.write { tx in
            let row = try #require(RowID(hex: id))
            let entity = DomainSchema.article
            tx.record(Change(entity: entity.id, row: row, operation: .assignSurfaced(field: entity.field(named: "revision")!.id,
                                                                                   value: .text(LogCoding.encode(sibling)), overwrites: [])))
            try tx.append(entity.name, row, "history", .text(LogCoding.encode(sibling)))
            try tx.increment(entity.name, row, "revisions", by: 1)
        }
        #expect(try d.article(id)?.conflict.count == 2)
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("chief")
            let (_, _, list) = try await client.page("/kb", as: session)
            #expect(list.contains("并发修改待解决"))
            let (_, _, page) = try await client.page("/kb/\(id)", as: session)
            #expect(page.contains("东院区：换用手动进纸。") && page.contains("主院区：更换搓纸轮。") && page.contains("采用此版本"))
            let conflict = try #require(try d.article(id)).conflict
            let index = try #require(conflict.firstIndex { $0.campus == "MAIN" })
            let (stale, _, refused) = try await client.form("/kb/\(id)/keep", as: session, [("csrf", session.csrf), ("index", "\(index)"), ("of", "3")])
            #expect(stale == .conflict && refused.contains("已被他人更新"))
            let (kept, headers, _) = try await client.form("/kb/\(id)/keep", as: session, [("csrf", session.csrf), ("index", "\(index)"), ("of", "2")])
            #expect(kept == .seeOther && headers[.location] == "/kb/\(id)?done=keep")
            let (_, _, after) = try await client.page("/kb/\(id)?done=keep", as: session)
            #expect(after.contains("冲突已解决") && !after.contains("采用此版本"))
            #expect(try d.article(id)?.current.body == "主院区：更换搓纸轮。" && d.article(id)?.conflict.isEmpty == true)
        }
    }

    @Test func theReportFormSuggestsArticlesAndAResolvedTicketPrefillsAFaultRecord() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        let jam = try d.writeArticle(Self.jam, by: Acting("E101", at: ServerFixture.start))
        let manual = try d.writeArticle(Self.manual, by: Acting("E101", at: ServerFixture.start))
        let at = Acting("E101", at: ServerFixture.start.adding(minutes: 5))
        let number = try d.openTicket(TicketIntake(campus: "EAST", reporter: "门诊护士站", department: "门诊", location: "二楼",
                                                   category: .printer, description: "三楼打印机卡纸"), by: Acting("R001", at: ServerFixture.start)).number
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let (_, _, form) = try await client.page("/tickets/new?q=" + "护士站打印机又卡纸".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, as: eng)
            #expect(form.contains("/kb/\(jam)") && form.contains("相关知识"))
            let ward = try await client.signIn("ward")
            let (_, _, wardForm) = try await client.page("/tickets/new?q=" + "打印机卡纸".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, as: ward)
            #expect(!wardForm.contains("/kb/\(jam)"), "a ward reads manuals only")
            let (_, _, wardHIS) = try await client.page("/tickets/new?q=" + "挂号".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, as: ward)
            #expect(wardHIS.contains("/kb/\(manual)"))
            let (_, _, open) = try await client.page("/tickets/\(number)", as: eng)
            #expect(!open.contains("/kb/new?ticket="), "only a resolved ticket is written up")
            _ = try d.assignTicket(number, to: "E101", by: at)
            _ = try d.resolveTicket(number, rootCause: "搓纸轮老化", improvement: "每季度更换搓纸轮", by: at)
            let (_, _, resolved) = try await client.page("/tickets/\(number)", as: eng)
            #expect(resolved.contains("/kb/new?ticket=\(number)"))
            let (_, _, prefilled) = try await client.page("/kb/new?ticket=\(number)", as: eng)
            #expect(prefilled.contains("三楼打印机卡纸") && prefilled.contains("搓纸轮老化") && prefilled.contains("每季度更换搓纸轮"))
            #expect(prefilled.contains("value=\"\(number)\""))
        }
    }
}
