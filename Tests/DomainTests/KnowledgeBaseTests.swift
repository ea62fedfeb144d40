import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 知识库: articles replicated to every campus, revisions kept, concurrent edits at two
/// campuses surfaced and resolved, Chinese full-text search, refusals that write nothing.
@Suite struct KnowledgeBaseTests {
    let e = CampusReplicas.engineers

    static let jam = ArticleDraft(title: "打印机卡纸处理", kind: .fault, category: "打印机",
                                  body: "门诊药房 HP M404 卡纸：打开后盖，取出纸张，检查搓纸轮。")
    static let his = ArticleDraft(title: "HIS 挂号失败", kind: .manual, category: "HIS", body: "挂号窗口报错时先检查网络，再重启客户端。")

    @Test func concurrentEditsAtTwoCampusesAreListedOnBothAndResolvedOnce() throws {
        let f = try CampusReplicas()
        let id = try f.main.writeArticle(Self.jam, by: f.acting(e[0]))
        try f.exchange()
        // Cut off: each campus edits the version it holds.
        var mainEdit = Self.jam
        mainEdit.body += "\n主院区补充：更换搓纸轮后恢复。"
        var eastEdit = Self.jam
        eastEdit.title = "打印机卡纸处理（东院区）"
        try f.main.editArticle(id, mainEdit, seen: 1, by: f.acting(e[0], 5))
        try f.east.editArticle(id, eastEdit, seen: 1, by: f.acting(e[1], 6))
        try f.exchange()
        for node in [f.main, f.east] {
            let article = try #require(try node.article(id))
            #expect(article.conflict.count == 2, "both concurrent revisions are visible")
            #expect(Set(article.conflict.map(\.draft)) == [mainEdit, eastEdit], "neither is lost")
            #expect(article.conflict.allSatisfy { $0.version == 2 }, "both were written over version 1")
            #expect(try node.articleHistory(id).count == 3 && article.revisions == 3)
            // Both versions are found by search until it is resolved.
            #expect(try node.searchArticles("更换搓纸轮").map(\.id) == [id])
            #expect(try node.searchArticles("东院区").map(\.id) == [id])
        }
        #expect(try f.main.article(id)?.conflict == f.east.article(id)?.conflict, "every replica lists the same siblings, in the same order")
        // The chief's page showed two; keeping the east's resolves it for everyone.
        let conflict = try #require(try f.east.article(id)).conflict
        let eastIndex = try #require(conflict.firstIndex { $0.draft == eastEdit })
        #expect(try refusedWithoutWriting(f.east) { try f.east.keepArticleRevision(id, index: eastIndex, of: 3, by: f.acting(CampusReplicas.chief, 9)) } != nil,
                "a page built from another set of siblings is refused")
        try f.east.keepArticleRevision(id, index: eastIndex, of: 2, by: f.acting(CampusReplicas.chief, 10))
        try f.exchange()
        for node in [f.main, f.east] {
            let article = try #require(try node.article(id))
            #expect(article.conflict.isEmpty && article.current.draft == eastEdit && article.current.version == 4)
            #expect(try node.articleHistory(id).map(\.version) == [1, 2, 2, 4], "history keeps every revision")
        }
        #expect(try refusedWithoutWriting(f.main) { try f.main.keepArticleRevision(id, index: 0, of: 2, by: f.acting(CampusReplicas.chief, 11)) } != nil,
                "nothing left to resolve")
    }

    @Test func anEditFromAStaleFormAtOneCampusIsRefusedNotSurfaced() throws {
        let f = try CampusReplicas()
        let id = try f.main.writeArticle(Self.jam, by: f.acting(e[0]))
        try f.main.editArticle(id, Self.his, seen: 1, by: f.acting(e[1], 1))
        let refused = try refusedWithoutWriting(f.main) { try f.main.editArticle(id, Self.jam, seen: 1, by: f.acting(e[2], 2)) }
        if case .wrongState? = refused {} else { Issue.record("\(String(describing: refused))") }
        #expect(try f.main.article(id)?.conflict.isEmpty == true)
    }

    @Test func chineseSearchFindsThePrinterArticleByThreeAndByTwoCharacters() throws {
        let f = try CampusReplicas()
        let jam = try f.main.writeArticle(Self.jam, by: f.acting(e[0]))
        let his = try f.main.writeArticle(Self.his, by: f.acting(e[0], 1))
        #expect(try f.main.searchArticles("打印机").map(\.id) == [jam])
        #expect(try f.main.searchArticles("打印").map(\.id) == [jam], "two characters fall back to a scan")
        #expect(try f.main.searchArticles("卡纸").map(\.id) == [jam])
        #expect(try f.main.searchArticles("搓纸轮 药房").map(\.id) == [jam], "every term must match")
        #expect(try f.main.searchArticles("his").map(\.id) == [his], "Latin letters in any case")
        #expect(try f.main.searchArticles("重启客户端").map(\.id) == [his])
        #expect(try f.main.searchArticles("不存在的故障").isEmpty)
        // Query syntax typed by a user is text, never FTS5 syntax.
        for typed in ["\"", "打印机\" OR \"HIS", "title:打印机", "打印机*", "NEAR(打印 机)"] {
            _ = try f.main.searchArticles(typed)
        }
        // A revision that arrives by sync is found at the other campus.
        try f.exchange()
        #expect(try f.east.searchArticles("打印机").map(\.id) == [jam])
        var edited = Self.his
        edited.body += " 若仍失败，联系 HIS 厂商热线 400-800。"
        try f.main.editArticle(his, edited, seen: 1, by: f.acting(e[0], 2))
        try f.exchange()
        #expect(try f.east.searchArticles("厂商热线").map(\.id) == [his], "the local index is rebuilt from the replicated row")
        #expect(try f.east.searchArticles("挂号失败").map(\.id) == [his])
    }

    @Test func aReportedProblemSuggestsTheMatchingArticleAndArchivedOnesAreLeftOut() throws {
        let f = try CampusReplicas()
        let jam = try f.main.writeArticle(Self.jam, by: f.acting(e[0]))
        let his = try f.main.writeArticle(Self.his, by: f.acting(e[0], 1))
        #expect(try f.main.suggestArticles(for: "三楼护士站打印机又卡纸了").first?.id == jam)
        #expect(try f.main.suggestArticles(for: "挂号").map(\.id) == [his])
        #expect(try f.main.suggestArticles(for: "挂号报错").map(\.id) == [his], "two characters in common are enough")
        #expect(try f.main.suggestArticles(for: "挂号", kinds: [.fault]).isEmpty, "a requester's kinds only")
        #expect(try f.main.suggestArticles(for: "啊").isEmpty)
        try f.main.setArticleDates(jam, reviewOn: nil, archivedOn: Fixture.date("2026-03-10"), by: f.acting(CampusReplicas.chief, 2))
        #expect(try f.main.searchArticles("打印机").isEmpty && f.main.suggestArticles(for: "打印机卡纸").isEmpty)
        #expect(try f.main.searchArticles("打印机", includingArchived: true).map(\.id) == [jam])
        #expect(try f.main.articles().map(\.id) == [his] && f.main.articles(includingArchived: true).count == 2)
    }

    @Test func aResolvedTicketBecomesAFaultRecordAndReviewDatesComeDue() throws {
        let f = try CampusReplicas()
        let number = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let id = try f.main.writeArticle(Self.jam, reviewOn: Fixture.date("2026-06-01"), fromTicket: number, by: f.acting(e[0], 1))
        let article = try #require(try f.main.article(id))
        #expect(article.sourceTicket == number && article.createdBy == e[0].rawValue)
        #expect(!article.reviewDue(on: Fixture.date("2026-05-31")) && article.reviewDue(on: Fixture.date("2026-06-01")))
        #expect(try refusedWithoutWriting(f.main) { try f.main.writeArticle(Self.jam, fromTicket: "E-2026-NOPE", by: f.acting(e[0], 2)) }
                == .unknownTicket("E-2026-NOPE"))
    }

    @Test func oversizedMalformedOrUnauthorisedArticlesAreRefusedAndNothingIsWritten() throws {
        let f = try CampusReplicas()
        var big = Self.jam
        big.body = String(repeating: "卡", count: Department.articleBodyMax + 1)
        var longTitle = Self.jam
        longTitle.title = String(repeating: "打", count: Department.articleTitleMax + 1)
        var empty = Self.jam
        empty.title = "  "
        var control = Self.jam
        control.body = "卡纸\u{0}\u{7}"
        let cases: [(ArticleDraft, String)] = [(big, "body"), (longTitle, "title"), (control, "body")]
        for (draft, field) in cases {
            let error = try refusedWithoutWriting(f.main) { try f.main.writeArticle(draft, by: f.acting(e[0])) }
            if case .invalid(let refused, _)? = error { #expect(refused == field) } else { Issue.record("\(field): \(String(describing: error))") }
        }
        #expect(try refusedWithoutWriting(f.main) { try f.main.writeArticle(empty, by: f.acting(e[0])) } == .missing(field: "title"))
        for outsider in [CampusReplicas.requester, CampusReplicas.head] {
            let error = try refusedWithoutWriting(f.main) { try f.main.writeArticle(Self.jam, by: f.acting(outsider)) }
            if case .notPermitted? = error {} else { Issue.record("\(outsider) may write: \(String(describing: error))") }
        }
        let id = try f.main.writeArticle(Self.jam, by: f.acting(e[0]))
        #expect(try refusedWithoutWriting(f.main) { try f.main.editArticle(id, big, seen: 1, by: f.acting(e[0], 1)) } != nil)
        #expect(try refusedWithoutWriting(f.main) { try f.main.editArticle("00ff", Self.jam, seen: 1, by: f.acting(e[0], 1)) }
                == .unknownRequest(kind: "article", id: "00ff"))
        #expect(throws: DomainError.self) { try f.main.searchArticles(String(repeating: "打", count: Department.articleQueryMax + 1)) }
        #expect(throws: DomainError.self) { try f.main.searchArticles("   ") }
        #expect(throws: DomainError.self) { try f.main.searchArticles("打印\u{0}机") }
        #expect(try f.main.articles().count == 1)
    }

    @Test func aRowAPeerStoredThatIsNotAnArticleIsSkippedNotFatal() throws {
        let f = try CampusReplicas()
        let id = try f.main.writeArticle(Self.jam, by: f.acting(e[0]))
        try f.east.store.write { tx in
            let row = tx.newRowID()
            try tx.assign(DomainSchema.article.name, row, ["campus": "E", "created_by": "E101", "created_at": .integer(0),
                                                         "source_ticket": "", "review_on": "2026-02-30", "archived_on": ""])
            try tx.assignSurfaced(DomainSchema.article.name, row, "revision", "{not json")
            try tx.append(DomainSchema.article.name, row, "history", "{not json")
        }
        try f.exchange()
        #expect(try f.main.articles().map(\.id) == [id])
        #expect(try f.main.searchArticles("打印机").map(\.id) == [id])
        #expect(try f.main.searchArticles("打印").map(\.id) == [id])
        #expect(try f.main.suggestArticles(for: "not json").isEmpty)
    }
}
