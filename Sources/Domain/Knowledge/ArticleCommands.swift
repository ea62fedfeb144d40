import Foundation
import GRDB
import Replica
import Storage

/// 知识库 commands and reads: write an article, edit it (a new revision), resolve a
/// conflict between two campuses' concurrent edits, set its review and archive dates.
/// Every write is one batch with its audit entry; a refusal writes nothing.
extension Department {
    /// Who writes articles: the department's engineers and chiefs, at any campus — the
    /// knowledge base is the hospital's, not one campus's.
    public static let articleAuthors: [Role] = [.sectionChief, .engineer, .dutyEngineer]

    static func requireAuthor(_ actor: StaffMember, to action: String) throws(DomainError) {
        guard actor.roles.contains(where: { articleAuthors.contains($0.role) }) else {
            throw .notPermitted(actor: actor.id, action: action, needs: "section_chief, engineer or duty_engineer of a campus")
        }
    }

    /// Writes a new article (version 1); `fromTicket` names the resolved ticket a
    /// fault-handling record was written from. Returns the article's id.
    @discardableResult
    public func writeArticle(_ draft: ArticleDraft, reviewOn: LocalDate? = nil, fromTicket: String? = nil,
                             by acting: Acting) throws(DomainError) -> String {
        let draft = try Self.checked(draft)
        return try perform(acting, "kb.write") { tx, actor in
            try Self.requireAuthor(actor, to: "write knowledge base articles")
            if let number = fromTicket, try TicketRows.id(tx.db, number: number) == nil { throw DomainError.unknownTicket(number) }
            let count = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM \(ArticleRows.table)") ?? 0
            guard count < Self.articlesMax else {
                throw DomainError.invalid(field: "articles", reason: "the knowledge base holds \(count) articles (at most \(Self.articlesMax))")
            }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.article.name, row, [
                "campus": .text(actor.campus.rawValue), "created_by": .text(actor.id.rawValue),
                "created_at": .integer(Int64(acting.now.minutesSinceEpoch)), "source_ticket": .text(fromTicket ?? ""),
                "review_on": .text(reviewOn?.description ?? ""), "archived_on": "",
            ])
            try Self.recordRevision(draft, base: 0, row: row, actor: actor, acting: acting, tx: tx)
            return (row.description, "\(row.description) \(draft.title)")
        }
    }

    /// A new revision of article `id`. `seen` is the number of revisions the editor's
    /// form was built from: when another edit landed here since, the edit is refused
    /// (reload and edit again) — a conflict surfaces only between campuses cut off from
    /// each other. An edit of an article in conflict resolves it: the new revision
    /// overwrites every visible one. `reviewOn` nil leaves the review date as it is.
    public func editArticle(_ id: String, _ draft: ArticleDraft, seen: Int, reviewOn: LocalDate? = nil,
                            by acting: Acting) throws(DomainError) {
        let draft = try Self.checked(draft)
        try perform(acting, "kb.edit") { tx, actor in
            try Self.requireAuthor(actor, to: "edit knowledge base articles")
            let (row, article) = try Self.stored(tx.db, id)
            guard article.revisions == seen else {
                throw DomainError.wrongState(what: "article \(id)", state: "edited since: \(article.revisions) revisions, the edit was made from \(seen)",
                                             action: "save an edit of")
            }
            try Self.requireRoom(article)
            try Self.recordRevision(draft, base: article.revisions, row: row, actor: actor, acting: acting, tx: tx)
            if let reviewOn { try tx.assign(DomainSchema.article.name, row, ["review_on": .text(reviewOn.description)]) }
            return ((), "\(id) \(draft.title)")
        }
    }

    /// Resolves a conflict by keeping one of the concurrent revisions: the `index`-th of
    /// the `of` siblings the page showed (oldest first), written again as a new revision
    /// that overwrites them all. Refused when the article is not in conflict or its
    /// siblings changed since the page was built.
    public func keepArticleRevision(_ id: String, index: Int, of count: Int, by acting: Acting) throws(DomainError) {
        try perform(acting, "kb.keep") { tx, actor in
            try Self.requireAuthor(actor, to: "resolve knowledge base conflicts")
            let (row, article) = try Self.stored(tx.db, id)
            guard article.conflict.count >= 2 else {
                throw DomainError.wrongState(what: "article \(id)", state: "not in conflict", action: "keep one revision")
            }
            guard article.conflict.count == count, article.conflict.indices.contains(index) else {
                throw DomainError.wrongState(what: "article \(id)", state: "changed since (\(article.conflict.count) concurrent revisions)",
                                             action: "keep revision \(index + 1) of \(count)")
            }
            try Self.requireRoom(article)
            let kept = article.conflict[index]
            try Self.recordRevision(kept.draft, base: article.revisions, row: row, actor: actor, acting: acting, tx: tx)
            return ((), "\(id) \(kept.title) kept v\(kept.version) of \(kept.campus)")
        }
    }

    /// 复审/归档: sets the review date (nil clears it) and archives (a date) or restores
    /// (nil) the article.
    public func setArticleDates(_ id: String, reviewOn: LocalDate?, archivedOn: LocalDate?, by acting: Acting) throws(DomainError) {
        try perform(acting, "kb.dates") { tx, actor in
            try Self.requireAuthor(actor, to: "archive knowledge base articles")
            let (row, article) = try Self.stored(tx.db, id)
            try tx.assign(DomainSchema.article.name, row, [
                "review_on": .text(reviewOn?.description ?? ""), "archived_on": .text(archivedOn?.description ?? ""),
            ])
            return ((), "\(id) \(article.current.title) review \(reviewOn?.description ?? "-") archived \(archivedOn?.description ?? "-")")
        }
    }

    private static func requireRoom(_ article: Article) throws(DomainError) {
        guard article.revisions < articleRevisionsMax else {
            throw DomainError.invalid(field: "revisions", reason: "article \(article.id) holds \(article.revisions) revisions (at most \(articleRevisionsMax)); start a new article")
        }
    }

    private static func recordRevision(_ draft: ArticleDraft, base: Int, row: RowID, actor: StaffMember, acting: Acting,
                                       tx: WriteTransaction) throws {
        let revision = ArticleRevision(title: draft.title, kind: draft.kind, category: draft.category, body: draft.body,
                                       by: actor.id.rawValue, at: acting.now.minutesSinceEpoch, campus: actor.campus.rawValue, base: base)
        let text = LogCoding.encode(revision)
        try tx.assignSurfaced(DomainSchema.article.name, row, "revision", .text(text))
        try tx.append(DomainSchema.article.name, row, "history", .text(text))
        try tx.increment(DomainSchema.article.name, row, "revisions", by: 1)
    }

    private static func stored(_ db: Database, _ id: String) throws -> (RowID, Article) {
        guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(db, DomainSchema.article, id: row),
              let article = try ArticleRows.article(db, stored) else { throw DomainError.unknownRequest(kind: "article", id: id) }
        return (row, article)
    }

    // MARK: reads

    /// One article; nil when there is none by that id (or what a peer stored is not one).
    public func article(_ id: String) throws(DomainError) -> Article? {
        try query { db in
            guard let row = RowID(hex: id), let stored = try StoredRows.fetchOne(db, DomainSchema.article, id: row) else { return nil }
            return try ArticleRows.article(db, stored)
        }
    }

    /// Every article, newest written first; archived ones only when asked.
    public func articles(includingArchived: Bool = false) throws(DomainError) -> [Article] {
        try query { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(ArticleRows.table) ORDER BY id DESC")
                .compactMap { try ArticleRows.article(db, $0) }
                .filter { includingArchived || !$0.archived }
        }
    }

    /// 版本历史 — every revision of article `id`, in stamp order (the same on every replica).
    public func articleHistory(_ id: String) throws(DomainError) -> [ArticleRevision] {
        try query { db in
            guard let row = RowID(hex: id) else { return [] }
            return try StoredRows.log(db, DomainSchema.article, row, "history").compactMap { LogCoding.decode(ArticleRevision.self, $0) }
        }
    }
}

enum ArticleRows {
    static var table: String { ReplicaQueries.tableName(DomainSchema.article) }

    /// A stored row as an article; nil when its current revision does not decode (a
    /// newer node's format, or a peer's garbage): such a row is skipped, never fatal.
    static func article(_ db: Database, _ row: Row) throws -> Article? {
        let id = StoredRows.rowID(row)
        let versions = try StoredRows.surfaced(db, DomainSchema.article, id, "revision").compactMap { $0.flatMap { LogCoding.decode(ArticleRevision.self, $0) } }
        guard let shown = (row["revision"] as String?).flatMap({ LogCoding.decode(ArticleRevision.self, $0) }) ?? versions.last else { return nil }
        let ticket = (row["source_ticket"] as String?) ?? ""
        return Article(id: id.description, campus: CampusCode(rawValue: (row["campus"] as String?) ?? ""),
                       createdBy: (row["created_by"] as String?) ?? "",
                       createdAt: LocalDateTime(minutesSinceEpoch: Int(clamping: (row["created_at"] as Int64?) ?? 0)),
                       sourceTicket: ticket.isEmpty ? nil : ticket, current: shown,
                       conflict: versions.count > 1 ? versions : [],
                       revisions: max(0, StoredRows.counter(row, "revisions") ?? 0),
                       reviewOn: (row["review_on"] as String?).flatMap { LocalDate(iso: $0) },
                       archivedOn: (row["archived_on"] as String?).flatMap { LocalDate(iso: $0) })
    }
}
