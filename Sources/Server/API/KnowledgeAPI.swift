import Domain
import HTTPTypes
import Hummingbird

/// 知识库 through the API: list and search, read one article with its conflict and
/// history, write, edit, keep one of two concurrent revisions, set review and archive
/// dates — what `meshdesk kb …` does, with the domain's rules.
extension APIRoutes {
    /// An article's post: the body's limit in UTF-8 plus the title, category and JSON or
    /// form encoding around it (a Chinese character is 9 bytes percent-encoded).
    static let articlePostBytesMax = 256 << 10

    struct ArticleRevisionView: Codable, Sendable {
        let version: Int
        let title, kind, category, body, by, campus, at: String

        init(_ r: ArticleRevision) {
            version = r.version; title = r.title; kind = r.kind.rawValue; category = r.category; body = r.body
            by = r.by; campus = r.campus; at = r.when.description
        }
    }

    struct ArticleView: Codable, Sendable {
        let id, campus, createdBy, createdAt: String
        let sourceTicket, reviewOn, archivedOn: String?
        let revisions: Int
        let current: ArticleRevisionView
        /// The concurrent revisions to choose from (empty unless in conflict), oldest first.
        let conflict: [ArticleRevisionView]
        let history: [ArticleRevisionView]?

        init(_ a: Article, history: [ArticleRevision]? = nil) {
            id = a.id; campus = a.campus.rawValue; createdBy = a.createdBy; createdAt = a.createdAt.description
            sourceTicket = a.sourceTicket; reviewOn = a.reviewOn?.description; archivedOn = a.archivedOn?.description
            revisions = a.revisions; current = ArticleRevisionView(a.current); conflict = a.conflict.map(ArticleRevisionView.init)
            self.history = history?.map(ArticleRevisionView.init)
        }
    }

    struct ArticleBody: StrictBody {
        static let fields: Set<String> = ["title", "kind", "category", "body", "reviewOn", "ticket", "seen"]
        let title: String
        let kind: String
        let category: String?
        let body: String
        let reviewOn: String?
        let ticket: String?
        let seen: Int?

        func draft() throws -> ArticleDraft {
            ArticleDraft(title: title, kind: try Parse.choice(kind, field: "kind"), category: category ?? "", body: body)
        }
    }

    struct KeepBody: StrictBody {
        static let fields: Set<String> = ["index", "of"]
        let index: Int
        let of: Int
    }

    struct ArticleDatesBody: StrictBody {
        static let fields: Set<String> = ["reviewOn", "archivedOn"]
        let reviewOn: String?
        let archivedOn: String?
    }

    func registerKnowledge(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/kb") { request, context in
            let user = try context.activeUser()
            let kinds = try Access.articleKinds(user)
            let archived = try Parse.flag(request, "archived") ?? false
            let articles: [Article]
            if let q = Parse.query(request, "q") {
                articles = try department.searchArticles(q, limit: Department.articleHitsMax, includingArchived: archived, kinds: kinds)
            } else {
                articles = try department.articles(includingArchived: archived).filter { kinds.contains($0.current.kind) }
            }
            return try JSONResponse.make(articles.map { ArticleView($0) })
        }
        router.post("/api/kb") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireDepartmentStaff(user, to: "write knowledge base articles")
            let body = try await StrictJSON.decode(ArticleBody.self, from: request, bytesMax: Self.articlePostBytesMax)
            let id = try department.writeArticle(try body.draft(), reviewOn: try body.reviewOn.map { try Parse.date($0, field: "reviewOn") },
                                                 fromTicket: body.ticket, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.get("/api/kb/{id}") { _, context in
            let user = try context.activeUser()
            let article = try readableArticle(user, try context.parameters.require("id"))
            return try JSONResponse.make(ArticleView(article, history: try department.articleHistory(article.id)))
        }
        router.post("/api/kb/{id}/edit") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireDepartmentStaff(user, to: "edit knowledge base articles")
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(ArticleBody.self, from: request, bytesMax: Self.articlePostBytesMax)
            guard let seen = body.seen else { throw APIError.badRequest("missing_field", "seen: the number of revisions the edit was made from") }
            guard body.ticket == nil else { throw APIError.badRequest("unknown_field", "ticket is set when an article is written, not edited") }
            try department.editArticle(id, try body.draft(), seen: seen, reviewOn: try body.reviewOn.map { try Parse.date($0, field: "reviewOn") },
                                       by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "edit"))
        }
        router.post("/api/kb/{id}/keep") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireDepartmentStaff(user, to: "resolve knowledge base conflicts")
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(KeepBody.self, from: request)
            try department.keepArticleRevision(id, index: body.index, of: body.of, by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "keep"))
        }
        router.post("/api/kb/{id}/dates") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireDepartmentStaff(user, to: "archive knowledge base articles")
            let id = try context.parameters.require("id")
            let body = try await StrictJSON.decode(ArticleDatesBody.self, from: request)
            func date(_ text: String?, _ field: String) throws -> LocalDate? {
                guard let text, !text.isEmpty else { return nil }
                return try Parse.date(text, field: field)
            }
            try department.setArticleDates(id, reviewOn: try date(body.reviewOn, "reviewOn"), archivedOn: try date(body.archivedOn, "archivedOn"),
                                           by: acting)
            return try JSONResponse.make(DoneView(id: id, action: "dates"))
        }
    }

    /// Article `id` if `user` may read it; 404 when there is none, 403 when its kind is
    /// not for them.
    func readableArticle(_ user: SignedIn, _ id: String) throws -> Article {
        guard let article = try department.article(id) else { throw APIError(.notFound, "not_found", "no article \(id)") }
        guard try Access.articleKinds(user).contains(article.current.kind) else {
            throw APIError(.forbidden, "not_department_staff", "\(user.person) may read operation manuals only")
        }
        return article
    }
}

extension Access {
    /// What kinds of article a user reads: everything for the department and the central
    /// viewer; operation manuals (操作手册) for a ward's staff, who use them to help
    /// themselves — fault records and technical documents are the department's.
    static func articleKinds(_ user: SignedIn) throws -> Set<ArticleKind> {
        if isDepartmentStaff(user) || user.staff.roles.contains(where: { $0.role == .centralViewer }) { return Set(ArticleKind.allCases) }
        return [.manual]
    }

    /// Whether `user` writes articles (the domain checks the same roles).
    static func writesArticles(_ user: SignedIn) -> Bool {
        user.staff.roles.contains { Department.articleAuthors.contains($0.role) }
    }
}
