import ArgumentParser
import Domain
import Foundation

/// `meshdesk kb …` — 知识库: write, edit, search, show, resolve a conflict, set dates.
struct KnowledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb", abstract: "Knowledge base (知识库): write, edit, search, show, keep one of concurrent revisions, review and archive dates.",
        subcommands: [KnowledgeWrite.self, KnowledgeEdit.self, KnowledgeSearch.self, KnowledgeShow.self, KnowledgeKeep.self, KnowledgeDates.self])
}

/// An article as the CLI prints it in JSON.
struct ArticleLine: Encodable {
    let id, title, kind, category, by, campus, at: String
    let version, revisions: Int
    let conflict: Int
    let reviewOn, archivedOn, sourceTicket: String?
    let body: String?

    init(_ a: Article, body: Bool = false) {
        id = a.id; title = a.current.title; kind = a.current.kind.rawValue; category = a.current.category
        by = a.current.by; campus = a.current.campus; at = a.current.when.description
        version = a.current.version; revisions = a.revisions; conflict = a.conflict.count
        reviewOn = a.reviewOn?.description; archivedOn = a.archivedOn?.description; sourceTicket = a.sourceTicket
        self.body = body ? a.current.body : nil
    }

    var text: String {
        "\(id) v\(version) [\(ArticleKind(rawValue: kind)?.chineseName ?? kind)] \(title)\(conflict > 0 ? " — 并发修改待解决 (\(conflict))" : "")\(archivedOn.map { " — 已归档 \($0)" } ?? "")"
    }
}

/// The body of an article: `--body`, or `--body-file` (`-` for standard input).
func articleBody(_ body: String?, _ file: String?) throws -> String {
    if let body { return body }
    guard let file else { throw ValidationError("--body or --body-file is required") }
    let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
    guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(file) is not UTF-8 text") }
    return text
}

func optionalDate(_ text: String?, _ what: String) throws -> LocalDate? {
    guard let text, !text.isEmpty else { return nil }
    guard let date = LocalDate(iso: text) else { throw ValidationError("\(what) \"\(text)\": expected YYYY-MM-DD") }
    return date
}

struct KnowledgeWrite: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "write", abstract: "Write a new article (version 1).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Title (标题).") var title: String
    @Option(help: "manual, fault or technical.") var kind = "manual"
    @Option(help: "Category (分类), e.g. 打印机.") var category = ""
    @Option(help: "The text.") var body: String?
    @Option(help: "A UTF-8 file holding the text (- for standard input).") var bodyFile: String?
    @Option(help: "Review date (复审日期), YYYY-MM-DD.") var reviewOn: String?
    @Option(help: "The resolved ticket this fault-handling record is written from.") var ticket: String?

    func run() throws {
        let draft = ArticleDraft(title: title, kind: try parseChoice(kind, "kind"), category: category, body: try articleBody(body, bodyFile))
        let d = try options.department()
        let id = try refusing { try d.writeArticle(draft, reviewOn: try optionalDate(reviewOn, "--review-on"), fromTicket: ticket, by: try options.acting()) }
        try options.emit(["id": id]) { "文章 \(id) 已保存（版本 1）" }
    }
}

struct KnowledgeEdit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Save a new revision; --seen is the revision count it was made from.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Article id.") var id: String
    @Option(help: "Revisions the edit was made from (kb show prints it).") var seen: Int
    @Option(help: "Title (default: as now).") var title: String?
    @Option(help: "manual, fault or technical (default: as now).") var kind: String?
    @Option(help: "Category (default: as now).") var category: String?
    @Option(help: "The text (default: as now).") var body: String?
    @Option(help: "A UTF-8 file holding the text (- for standard input).") var bodyFile: String?
    @Option(help: "Review date, YYYY-MM-DD.") var reviewOn: String?

    func run() throws {
        let d = try options.department()
        guard let article = try refusing({ try d.article(id) }) else { throw Refused(description: "refused: no article \(id)") }
        let current = article.current
        let draft = ArticleDraft(title: title ?? current.title, kind: try kind.map { try parseChoice($0, "kind") } ?? current.kind,
                                 category: category ?? current.category,
                                 body: body != nil || bodyFile != nil ? try articleBody(body, bodyFile) : current.body)
        try refusing { try d.editArticle(id, draft, seen: seen, reviewOn: try optionalDate(reviewOn, "--review-on"), by: try options.acting()) }
        try options.emit(["id": id, "action": "edit"]) { "文章 \(id) 已保存新版本" }
    }
}

struct KnowledgeSearch: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Find articles by words (Chinese works: 打印机, 打印); without words, list them.")
    @OptionGroup var options: QueryOptions
    @Argument(help: "Words to find (every one must match).") var words: [String] = []
    @Flag(help: "Include archived articles.") var archived = false

    func run() throws {
        let d = try options.department()
        let found = try refusing {
            words.isEmpty ? try d.articles(includingArchived: archived)
                : try d.searchArticles(words.joined(separator: " "), limit: Department.articleHitsMax, includingArchived: archived)
        }
        let lines = found.map { ArticleLine($0) }
        try options.emit(lines) { lines.isEmpty ? "没有找到文章" : lines.map(\.text).joined(separator: "\n") }
    }
}

struct KnowledgeShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One article: its text, its concurrent revisions and its history.")
    @OptionGroup var options: QueryOptions
    @Argument(help: "Article id.") var id: String

    func run() throws {
        let d = try options.department()
        guard let article = try refusing({ try d.article(id) }) else { throw Refused(description: "refused: no article \(id)") }
        let history = try refusing { try d.articleHistory(id) }
        try options.emit(ArticleLine(article, body: true)) {
            var lines = [ArticleLine(article).text, "版本数 \(article.revisions)（修改时 --seen \(article.revisions)）",
                         "复审日期 \(article.reviewOn?.description ?? "—")", "", article.current.body]
            if !article.conflict.isEmpty {
                lines += ["", "并发修改待解决（kb keep \(id) --index N --of \(article.conflict.count)）:"]
                lines += article.conflict.enumerated().map { "  [\($0.offset)] v\($0.element.version) \($0.element.campus) \($0.element.by) \($0.element.when) \($0.element.title)" }
            }
            lines += ["", "版本历史:"] + history.map { "  v\($0.version) \($0.when) \($0.campus) \($0.by) \($0.title)" }
            return lines.joined(separator: "\n")
        }
    }
}

struct KnowledgeKeep: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keep", abstract: "Resolve a conflict: keep the --index-th of the --of concurrent revisions kb show lists.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Article id.") var id: String
    @Option(help: "Which revision, from 0, as kb show lists them.") var index: Int
    @Option(help: "How many concurrent revisions kb show listed.") var of: Int

    func run() throws {
        let d = try options.department()
        try refusing { try d.keepArticleRevision(id, index: index, of: of, by: try options.acting()) }
        try options.emit(["id": id, "action": "keep"]) { "文章 \(id) 的冲突已解决" }
    }
}

struct KnowledgeDates: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dates", abstract: "Set the review date and archive (or restore) an article.")
    @OptionGroup var options: DomainOptions
    @Argument(help: "Article id.") var id: String
    @Option(help: "Review date, YYYY-MM-DD (omit to clear).") var reviewOn: String?
    @Option(help: "Archived on, YYYY-MM-DD (omit to restore).") var archivedOn: String?

    func run() throws {
        let d = try options.department()
        try refusing {
            try d.setArticleDates(id, reviewOn: try optionalDate(reviewOn, "--review-on"), archivedOn: try optionalDate(archivedOn, "--archived-on"),
                                  by: try options.acting())
        }
        try options.emit(["id": id, "action": "dates"]) { "文章 \(id) 的日期已保存" }
    }
}
