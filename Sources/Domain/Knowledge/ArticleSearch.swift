import Foundation
import GRDB
import Replica
import Storage

/// 知识库检索 — full-text search that works for Chinese: SQLite FTS5 with the `trigram`
/// tokenizer (every three characters a token, so 打印机 is found inside 打印机卡纸处理
/// without a word segmenter). The index is a local derived table (`local_kb_search`),
/// never replicated: before a search the node brings it up to date from the replicated
/// rows, row by row, by each row's change mark (`ReplicaQueries.rowChangeSQL`), so a
/// revision that arrived by sync is found like one written here. A term shorter than
/// three characters (打印) cannot use a trigram index: such a search scans the articles
/// with `instr` instead (bounded by `articlesMax`), and so does a node whose index cannot
/// be written (a read-only file).
extension Department {
    /// Longest search text.
    public static let articleQueryMax = 100
    /// Most terms (separated by spaces) one search combines.
    public static let articleQueryTermsMax = 8
    /// Most articles one search returns.
    public static let articleHitsMax = 50
    /// Most three-character pieces a ticket's text is cut into for suggestions.
    static let suggestionPiecesMax = 40

    static let searchRows = "local_kb_search_rows"
    static let searchIndex = "local_kb_search"

    /// Articles holding every term of `text` (title, category or body; any visible
    /// revision), best match first. Archived articles only when asked; `kinds` limits the
    /// kinds (a requester reads manuals only).
    public func searchArticles(_ text: String, limit: Int = 20, includingArchived: Bool = false,
                               kinds: Set<ArticleKind> = Set(ArticleKind.allCases)) throws(DomainError) -> [Article] {
        let terms = try Self.searchTerms(text)
        guard (1...Self.articleHitsMax).contains(limit) else {
            throw .invalid(field: "limit", reason: "\(limit) is outside 1…\(Self.articleHitsMax)")
        }
        let indexed = terms.allSatisfy { $0.count >= 3 } && refreshArticleIndex()
        let match = terms.map(Self.phrase).joined(separator: " AND ")
        return try hits(indexed ? .match(match) : .scan(terms, any: false), limit: limit, includingArchived: includingArchived, kinds: kinds)
    }

    /// 相关知识 for a problem being reported: articles sharing the most three-character
    /// pieces with `text` (a sentence such as 三楼护士站打印机卡纸 holds no spaces to split
    /// on), not archived. Empty for text too short to say anything.
    public func suggestArticles(for text: String, limit: Int = 5, kinds: Set<ArticleKind> = Set(ArticleKind.allCases)) throws(DomainError) -> [Article] {
        let chars = Array(text.prefix(Self.articleQueryMax).filter { !$0.isWhitespace && !$0.isPunctuation })
        guard chars.count >= 2, (1...Self.articleHitsMax).contains(limit) else { return [] }
        if chars.count < 3 || !refreshArticleIndex() {
            return try hits(.scan([String(chars.prefix(Self.articleQueryMax))], any: false), limit: limit, includingArchived: false, kinds: kinds)
        }
        func pieces(_ size: Int) -> [String] {
            var pieces: [String] = []
            for start in 0...(chars.count - size) where pieces.count < Self.suggestionPiecesMax {
                let piece = String(chars[start..<start + size])
                if !pieces.contains(piece) { pieces.append(piece) }
            }
            return pieces
        }
        var found = try hits(.match(pieces(3).map(Self.phrase).joined(separator: " OR ")), limit: limit, includingArchived: false, kinds: kinds)
        // 挂号报错 shares no three characters with 挂号窗口操作手册: two-character pieces,
        // which no trigram index holds, are looked for by scan when the index found too few.
        if found.count < limit {
            let more = try hits(.scan(pieces(2), any: true), limit: limit, includingArchived: false, kinds: kinds)
            found += more.filter { a in !found.contains { $0.id == a.id } }.prefix(limit - found.count)
        }
        return found
    }

    /// The terms of a search text, or why it is refused.
    static func searchTerms(_ text: String) throws(DomainError) -> [String] {
        guard text.count <= articleQueryMax else { throw .invalid(field: "search text", reason: "at most \(articleQueryMax) characters") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid(field: "search text", reason: "holds control characters")
        }
        let terms = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !terms.isEmpty else { throw .missing(field: "search text") }
        guard terms.count <= articleQueryTermsMax else { throw .invalid(field: "search text", reason: "at most \(articleQueryTermsMax) words") }
        return terms
    }

    /// An FTS5 string literal: the term as one phrase, its quotes doubled, so nothing
    /// typed is read as query syntax (AND, NEAR, *, column filters).
    static func phrase(_ term: String) -> String { "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    private enum Lookup {
        case match(String)
        /// Every term (`any` false) or any of them.
        case scan([String], any: Bool)
    }

    private func hits(_ lookup: Lookup, limit: Int, includingArchived: Bool, kinds: Set<ArticleKind>) throws(DomainError) -> [Article] {
        let table = ArticleRows.table
        let live = includingArchived ? "1" : "coalesce(a.archived_on, '') = ''"
        let kindList = kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        // A peer's row may hold anything: JSON is read only where it is JSON.
        func field(_ name: String) -> String { "CASE WHEN json_valid(a.revision) THEN json_extract(a.revision, '$.\(name)') END" }
        let kindFilter = "\(field("kind")) IN (\(kindList.isEmpty ? "NULL" : kindList))"
        return try query { db in
            let rows: [Row]
            switch lookup {
            case .match(let expression):
                rows = try Row.fetchAll(db, sql: """
                    SELECT a.* FROM \(Self.searchIndex) s JOIN \(Self.searchRows) r ON r.doc = s.rowid JOIN \(table) a ON a.id = r.id
                    WHERE \(Self.searchIndex) MATCH ? AND \(live) AND \(kindFilter)
                    ORDER BY bm25(\(Self.searchIndex), 10.0, 4.0, 1.0) LIMIT ?
                    """, arguments: [expression, limit])
            case let .scan(terms, any):
                let text = "lower(coalesce(\(field("title")), '') || ' ' || coalesce(\(field("category")), '') || ' ' || coalesce(\(field("body")), ''))"
                let each = "(" + terms.map { _ in "instr(\(text), lower(?)) > 0" }.joined(separator: any ? " OR " : " AND ") + ")"
                rows = try Row.fetchAll(db, sql: """
                    SELECT a.* FROM \(table) a WHERE \(each) AND \(live) AND \(kindFilter) ORDER BY a.id DESC LIMIT ?
                    """, arguments: StatementArguments(terms) + [limit])
            }
            return try rows.compactMap { try ArticleRows.article(db, $0) }
        }
    }

    /// Brings the local index up to date with the replicated articles; false when it
    /// cannot be (then searches scan). A read answers the usual case (nothing moved)
    /// without taking the write lock.
    @discardableResult
    func refreshArticleIndex() -> Bool {
        let table = ArticleRows.table
        let mark = ReplicaQueries.rowChangeSQL(DomainSchema.article)
        let staleSQL = """
            SELECT a.id AS id FROM \(table) a LEFT JOIN \(Self.searchRows) r ON r.id = a.id WHERE r.mark IS NOT (\(mark))
            UNION ALL SELECT r.id FROM \(Self.searchRows) r WHERE NOT EXISTS (SELECT 1 FROM \(table) a WHERE a.id = r.id)
            """
        if let stale = try? store.read({ db in try Bool.fetchOne(db, sql: "SELECT EXISTS (\(staleSQL))") }), stale == false { return true }
        do {
            try store.writeLocal { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS \(Self.searchRows) (id BLOB PRIMARY KEY NOT NULL, mark TEXT NOT NULL, doc INTEGER NOT NULL UNIQUE);
                    CREATE VIRTUAL TABLE IF NOT EXISTS \(Self.searchIndex) USING fts5(title, category, body, tokenize = 'trigram');
                    """)
                for id in try Data.fetchAll(db, sql: staleSQL) {
                    if let doc = try Int64.fetchOne(db, sql: "SELECT doc FROM \(Self.searchRows) WHERE id = ?", arguments: [id]) {
                        try db.execute(sql: "DELETE FROM \(Self.searchIndex) WHERE rowid = ?", arguments: [doc])
                        try db.execute(sql: "DELETE FROM \(Self.searchRows) WHERE id = ?", arguments: [id])
                    }
                    guard let row = RowID(bytes: id), let stored = try Row.fetchOne(db, sql: "SELECT *, \(mark) AS _mark FROM \(table) WHERE id = ?", arguments: [id]) else { continue }
                    let versions = try StoredRows.surfaced(db, DomainSchema.article, row, "revision")
                        .compactMap { $0.flatMap { LogCoding.decode(ArticleRevision.self, $0) } }
                    try db.execute(sql: "INSERT INTO \(Self.searchIndex) (title, category, body) VALUES (?, ?, ?)", arguments: [
                        versions.map(\.title).joined(separator: "\n"), versions.map(\.category).joined(separator: "\n"),
                        versions.map(\.body).joined(separator: "\n"),
                    ])
                    try db.execute(sql: "INSERT INTO \(Self.searchRows) (id, mark, doc) VALUES (?, ?, ?)",
                                   arguments: [id, stored["_mark"] as String? ?? "", db.lastInsertedRowID])
                }
            }
            return true
        } catch {
            return false
        }
    }
}
