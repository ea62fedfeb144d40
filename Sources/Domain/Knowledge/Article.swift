import Foundation

/// 知识库 — what an article is, its limits and how one is checked before it is written.

/// 文档类别 — the regulation's three kinds of document.
public enum ArticleKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// 系统操作手册
    case manual
    /// 故障处理记录
    case fault
    /// 技术文档
    case technical

    public var chineseName: String {
        switch self {
        case .manual: "操作手册"
        case .fault: "故障处理记录"
        case .technical: "技术文档"
        }
    }
}

/// What an author writes: the text of one revision.
public struct ArticleDraft: Hashable, Codable, Sendable {
    public var title: String
    public var kind: ArticleKind
    /// 分类 — free words the department files by (打印机, HIS, 网络).
    public var category: String
    public var body: String

    public init(title: String, kind: ArticleKind, category: String, body: String) {
        self.title = title
        self.kind = kind
        self.category = category
        self.body = body
    }
}

/// One revision as stored (the surfaced register's value and a history entry): the draft,
/// who wrote it, when, where, and how many revisions the writer had seen (`base`; its
/// version number is `base + 1`, so two concurrent edits share a number).
public struct ArticleRevision: Hashable, Codable, Sendable {
    public var title: String
    public var kind: ArticleKind
    public var category: String
    public var body: String
    public var by: String
    public var at: Int
    public var campus: String
    public var base: Int

    public var version: Int { base + 1 }
    public var draft: ArticleDraft { ArticleDraft(title: title, kind: kind, category: category, body: body) }
    public var when: LocalDateTime { LocalDateTime(minutesSinceEpoch: at) }
}

/// An article as read: the shown revision, every concurrent sibling when two campuses
/// edited it apart (`conflict`, oldest first, the shown one among them), dates.
public struct Article: Hashable, Sendable {
    public let id: String
    public let campus: CampusCode
    public let createdBy: String
    public let createdAt: LocalDateTime
    public let sourceTicket: String?
    public let current: ArticleRevision
    /// Empty unless two or more revisions are visible at once: a conflict to resolve.
    public let conflict: [ArticleRevision]
    public let revisions: Int
    public let reviewOn: LocalDate?
    public let archivedOn: LocalDate?

    public var archived: Bool { archivedOn != nil }
    /// 待复审 — the review date has come.
    public func reviewDue(on date: LocalDate) -> Bool { !archived && reviewOn.map { $0 <= date } ?? false }
}

extension Department {
    /// 标题 at most this many characters.
    public static let articleTitleMax = 120
    /// 分类 at most this many characters.
    public static let articleCategoryMax = 40
    /// 正文 at most this many characters (a long manual is split into several articles):
    /// at most 60 KB of UTF-8 per revision, far below a change's value limit.
    public static let articleBodyMax = 20_000
    /// Revisions one article keeps; past it an edit is refused (start a new article),
    /// so one article's history stays below `articleBodyMax × 3 × articleRevisionsMax` bytes.
    public static let articleRevisionsMax = 200
    /// Articles the hospital keeps; past it a new one is refused.
    public static let articlesMax = 20_000

    /// The draft trimmed, or why it is refused. Control characters other than line
    /// breaks and tabs are refused: they are not text an author types.
    static func checked(_ draft: ArticleDraft) throws(DomainError) -> ArticleDraft {
        var d = draft
        d.title = d.title.trimmingCharacters(in: .whitespacesAndNewlines)
        d.category = d.category.trimmingCharacters(in: .whitespacesAndNewlines)
        d.body = d.body.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !d.title.isEmpty else { throw .missing(field: "title") }
        guard !d.body.isEmpty else { throw .missing(field: "body") }
        guard d.title.count <= articleTitleMax else { throw .invalid(field: "title", reason: "\(d.title.count) characters, more than \(articleTitleMax)") }
        guard d.category.count <= articleCategoryMax else {
            throw .invalid(field: "category", reason: "\(d.category.count) characters, more than \(articleCategoryMax)")
        }
        guard d.body.count <= articleBodyMax else { throw .invalid(field: "body", reason: "\(d.body.count) characters, more than \(articleBodyMax)") }
        func control(_ text: String, lines: Bool) -> Bool {
            text.unicodeScalars.contains { ($0.value < 0x20 && !(lines && ($0 == "\n" || $0 == "\t"))) || $0.value == 0x7F }
        }
        guard !control(d.title, lines: false), !control(d.category, lines: false) else {
            throw .invalid(field: "title", reason: "holds control characters")
        }
        guard !control(d.body, lines: true) else { throw .invalid(field: "body", reason: "holds control characters") }
        return d
    }
}
