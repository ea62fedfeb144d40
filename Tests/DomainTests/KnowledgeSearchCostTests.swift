import Foundation
import Testing
@testable import Domain

/// 知识库检索 at a few thousand articles (run with `MESHDESK_MEASURE_KB=1`): the first
/// search builds the local index, later ones read it; a two-character word scans.
@Suite struct KnowledgeSearchCostTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MESHDESK_MEASURE_KB"] == "1"))
    func searchTimesAtTwoThousandArticles() throws {
        let f = try CampusReplicas()
        let words = ["打印机", "交换机", "HIS", "PACS", "挂号", "网络", "服务器", "数据库", "备份", "腕带"]
        let count = 2_000
        for n in 0..<count {
            let draft = ArticleDraft(title: "\(words[n % words.count])故障处理 \(n)", kind: .fault, category: words[n % words.count],
                                     body: String(repeating: "处理步骤：检查\(words[(n * 7) % words.count])、重启\(words[(n * 3) % words.count])。", count: 20))
            try f.main.writeArticle(draft, by: f.acting(CampusReplicas.engineers[0], n))
        }
        func time(_ label: String, _ body: () throws -> Int) rethrows {
            let start = ContinuousClock.now
            let hits = try body()
            print("kb search \(label): \(ContinuousClock.now - start), \(hits) hits")
        }
        try time("first (builds the index)") { try f.main.searchArticles("打印机").count }
        try time("indexed, 3 characters") { try f.main.searchArticles("交换机").count }
        try time("indexed, two words") { try f.main.searchArticles("故障处理 交换机").count }
        try time("indexed, no match") { try f.main.searchArticles("不存在的词").count }
        try time("2 characters (scan, stops at 20)") { try f.main.searchArticles("挂号").count }
        try time("2 characters, no match (whole scan)") { try f.main.searchArticles("无此").count }
        try f.main.editArticle(try f.main.searchArticles("打印机")[0].id, ArticleDraft(title: "打印机卡纸", kind: .fault, category: "打印机", body: "新的处理方法"),
                               seen: 1, by: f.acting(CampusReplicas.engineers[0], count + 1))
        try time("after one edit (reindexes one row)") { try f.main.searchArticles("新的处理方法").count }
        try time("suggestion") { try f.main.suggestArticles(for: "三楼护士站打印机卡纸").count }
    }
}
