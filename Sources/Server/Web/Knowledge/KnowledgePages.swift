import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// 知识库 pages: the list with its search (any signed-in user; a ward's staff read the
/// operation manuals), one article with its revisions, the conflict between two
/// campuses' concurrent edits and the forms that resolve it, edit it and set its dates,
/// and the new-article form (prefilled from a resolved ticket as a 故障处理记录).
extension Dashboard {
    func registerKnowledgeBase(on router: Router<MeshDeskRequestContext>) {
        router.get("/kb") { request, context in
            try await cachedPage(request, context, path: "/kb", view: "kb", reads: ViewReads.knowledge) { user, lang in
                try knowledgePage(request, user, lang)
            }
        }
        router.get("/kb/new") { request, context in
            try page(request, context, path: "/kb") { user, layout in
                try newArticlePage(user, layout, fromTicket: request.uri.queryParameters.get("ticket"))
            }
        }
        router.post("/kb/new") { request, context in try await writeArticleFromForm(request, context) }
        router.get("/kb/{id}") { request, context in
            let id = try context.parameters.require("id")
            let done = request.uri.queryParameters.get("done").flatMap(ArticleDone.init(rawValue:))
            return try page(request, context, path: "/kb") { user, layout in try articlePage(id, user, layout, notice: done.map { .done($0) }) }
        }
        router.post("/kb/{id}/{form}") { request, context in try await articleForm(request, context) }
    }

    /// What a form did, confirmed on the article's page after the redirect.
    enum ArticleDone: String, Sendable {
        case write, edit, keep, dates
    }

    enum ArticleNotice: Sendable {
        case done(ArticleDone)
        /// The refusal, the form it concerns and what the user typed.
        case refused(String, form: String, typed: [String: String])
    }

    // MARK: - the list

    func knowledgePage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let kinds = try Access.articleKinds(user)
        let q = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let archived = request.uri.queryParameters.get("archived") == "1"
        let today = configuration.clock.now().date
        var refusal: HTML = ""
        var articles: [Article] = []
        if q.isEmpty {
            articles = try department.articles(includingArchived: archived).filter { kinds.contains($0.current.kind) }
        } else {
            do {
                articles = try department.searchArticles(q, limit: Department.articleHitsMax, includingArchived: archived, kinds: kinds)
            } catch {
                refusal = "<p class=\"bad\" role=\"alert\">\(articleRefusal(error, lang))</p>"
            }
        }
        let names = try staffNames()
        let conflicts = articles.filter { !$0.conflict.isEmpty }
        let due = articles.filter { $0.reviewDue(on: today) }
        let rows: [HTML] = articles.prefix(Self.articlesPageMax).map { articleRow($0, lang, names: names, today: today) }
        let searchForm: HTML = """
            <form method="get" action="/kb" class="card wide-card">
            <input class="wide" name="q" value="\(q)" maxlength="\(Department.articleQueryMax)" placeholder="\(lang.pick("输入关键词，如：打印机 卡纸", "words to find, e.g. printer jam"))">
            <label><input type="checkbox" name="archived" value="1"\(archived ? HTML(" checked") : "")> \(lang.pick("含已归档", "include archived"))</label>
            <button>\(lang.pick("检索", "Search"))</button></form>
            """
        let newLink: HTML = Access.writesArticles(user) ? "<p><a href=\"/kb/new\">\(lang.pick("＋ 新建文章", "+ New article"))</a></p>" : ""
        let conflictList: HTML = conflicts.isEmpty ? "" : """
            <h2 class="bad">\(lang.pick("并发修改待解决", "Concurrent edits to resolve")) (\(conflicts.count))</h2>
            <ul>\(conflicts.map { "<li><a href=\"/kb/\($0.id)\">\($0.current.title)</a> — \(lang.pick("\($0.conflict.count) 个院区同时修改", "\($0.conflict.count) revisions written apart"))</li>" as HTML })</ul>
            """
        let dueList: HTML = due.isEmpty ? "" : """
            <h2 class="warn">\(lang.pick("待复审", "Due for review")) (\(due.count))</h2>
            <ul>\(due.map { "<li><a href=\"/kb/\($0.id)\">\($0.current.title)</a> — \(lang.pick("复审日期", "review date")) \($0.reviewOn?.description ?? "")</li>" as HTML })</ul>
            """
        let heading: HTML = q.isEmpty
            ? "<h2>\(lang.pick("全部文章", "All articles")) (\(articles.count))</h2>"
            : "<h2>\(lang.pick("检索结果", "Results for")) “\(q)” (\(articles.count))</h2>"
        let readsManualsOnly: HTML = kinds.count == ArticleKind.allCases.count ? ""
            : "<p class=\"muted\">\(lang.pick("您可阅读操作手册。", "You may read the operation manuals."))</p>"
        let table: HTML = articles.isEmpty
            ? "<p class=\"muted\">\(lang.pick(q.isEmpty ? "暂无文章。" : "没有找到匹配的文章。", q.isEmpty ? "No articles yet." : "No article matches."))</p>"
            : """
                <table><tr><th>\(lang.pick("标题", "Title"))</th><th>\(lang.pick("类别", "Kind"))</th><th>\(lang.pick("分类", "Category"))</th>\
                <th>\(lang.pick("版本", "Version"))</th><th>\(lang.pick("最近修改", "Last edited"))</th><th>\(lang.pick("复审日期", "Review date"))</th><th>\(lang.pick("状态", "State"))</th></tr>\(rows)</table>
                """
        return PageContent(title: lang.pick("知识库", "Knowledge base"),
                           body: "\(readsManualsOnly)\(searchForm)\(refusal)\(newLink)\(conflictList)\(dueList)\(heading)\(table)")
    }

    /// Rows one list page shows.
    static let articlesPageMax = 500

    func articleRow(_ a: Article, _ lang: Language, names: [String: String], today: LocalDate) -> HTML {
        let state: HTML = !a.conflict.isEmpty ? "<span class=\"bad\">\(lang.pick("并发修改待解决", "conflict"))</span>"
            : a.archived ? "<span class=\"muted\">\(lang.pick("已归档", "archived"))</span>"
            : a.reviewDue(on: today) ? "<span class=\"warn\">\(lang.pick("待复审", "review due"))</span>" : "<span class=\"ok\">\(lang.pick("有效", "current"))</span>"
        let by = names[a.current.by] ?? a.current.by
        return """
            <tr><td><a href="/kb/\(a.id)">\(a.current.title)</a></td><td>\(lang.name(of: a.current.kind))</td><td>\(a.current.category)</td>\
            <td>\(lang.versionName(a.current.version))</td><td>\(by) · \(a.current.when.description)</td><td>\(a.reviewOn?.description ?? "—")</td><td>\(state)</td></tr>
            """
    }

    // MARK: - one article

    func articlePage(_ id: String, _ user: SignedIn, _ layout: Layout, notice: ArticleNotice?) throws -> HTML {
        let lang = layout.lang
        let article = try api.readableArticle(user, id)
        let names = try staffNames()
        func who(_ id: String) -> String { names[id].map { "\($0) (\(id))" } ?? id }
        let campusNames = Dictionary(try department.campuses().map { ($0.code.rawValue, $0.name) }, uniquingKeysWith: { a, _ in a })
        func campus(_ code: String) -> String { campusNames[code] ?? code }
        let writes = Access.writesArticles(user)
        let csrf: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(user.session.csrfToken)\">"
        var said: [String: HTML] = [:]
        var typed: [String: String] = [:]
        var top: HTML = ""
        switch notice {
        case .done(let done)?:
            let text = switch done {
            case .write: lang.pick("文章已保存（版本 1）。", "Article saved (version 1).")
            case .edit: lang.pick("已保存新版本。", "New version saved.")
            case .keep: lang.pick("冲突已解决：所选版本已保存为新版本。", "Conflict resolved: the chosen revision is saved as a new version.")
            case .dates: lang.pick("复审与归档日期已保存。", "Review and archive dates saved.")
            }
            top = "<p class=\"card ok\">\(text)</p>"
        case .refused(let message, let form, let values)?:
            said[form] = "<p class=\"bad\" role=\"alert\">\(message)</p>"
            typed = values
        case nil: break
        }
        let r = article.current
        let meta: HTML = """
            <table>
            <tr><th>\(lang.pick("类别 / 分类", "Kind / category"))</th><td>\(lang.name(of: r.kind)) / \(r.category.isEmpty ? "—" : r.category)</td></tr>
            <tr><th>\(lang.pick("版本", "Version"))</th><td>\(lang.versionName(r.version)) · \(who(r.by)) · \(campus(r.campus)) · \(r.when.description)</td></tr>
            <tr><th>\(lang.pick("创建", "Created"))</th><td>\(who(article.createdBy)) · \(campus(article.campus.rawValue)) · \(article.createdAt.description)</td></tr>
            <tr><th>\(lang.pick("来源工单", "From ticket"))</th><td>\(article.sourceTicket.map { "<a href=\"/tickets/\(AssetQuery.encode($0))\">\($0)</a>" as HTML } ?? "—")</td></tr>
            <tr><th>\(lang.pick("复审日期", "Review date"))</th><td>\(article.reviewOn?.description ?? "—")\(article.reviewDue(on: configuration.clock.now().date) ? HTML(" <span class=\"warn\">\(lang.pick("待复审", "review due"))</span>") : "")</td></tr>
            <tr><th>\(lang.pick("归档", "Archived"))</th><td>\(article.archivedOn.map { "\(lang.pick("已于", "on")) \($0.description) \(lang.pick("归档", ""))" } ?? lang.pick("未归档", "no"))</td></tr>
            </table>
            """
        var conflict: HTML = ""
        if !article.conflict.isEmpty {
            let sides: [HTML] = article.conflict.enumerated().map { index, c in
                let keep: HTML = writes ? """
                    <form method="post" action="/kb/\(article.id)/keep">\(csrf)<input type="hidden" name="index" value="\(index)">\
                    <input type="hidden" name="of" value="\(article.conflict.count)"><button>\(lang.pick("采用此版本", "Keep this one"))</button></form>
                    """ : ""
                return """
                    <div class="act wide-card"><strong>\(c.title)</strong><br><span class="muted">\(lang.versionName(c.version)) · \(who(c.by)) · \(campus(c.campus)) · \(c.when.description)</span>\
                    <div class="desc">\(c.body)</div>\(keep)</div>
                    """
            }
            conflict = """
                <h2 class="bad">\(lang.pick("并发修改待解决", "Concurrent edits to resolve"))</h2>
                <p>\(lang.pick("两个院区在断开期间各自修改了这篇文章，两个版本都保留着。请采用其中一个，或在下面合并后保存为新版本。",
                               "Two campuses edited this article while cut off; both revisions are kept. Keep one, or merge them below and save a new version."))</p>
                \(said["keep"] ?? "")<div>\(sides)</div>
                """
        }
        let history = try department.articleHistory(article.id)
        let historyRows: [HTML] = history.reversed().map { h in
            """
            <tr><td>\(lang.versionName(h.version))</td><td>\(h.title)</td><td>\(who(h.by))</td><td>\(campus(h.campus))</td><td>\(h.when.description)</td>\
            <td><details><summary>\(lang.pick("正文", "Text"))</summary><div class="desc">\(h.body)</div></details></td></tr>
            """
        }
        let historyTable: HTML = """
            <h2>\(lang.pick("版本历史", "History")) (\(history.count))</h2>
            <table><tr><th>\(lang.pick("版本", "Version"))</th><th>\(lang.pick("标题", "Title"))</th><th>\(lang.pick("修改人", "By"))</th>\
            <th>\(lang.pick("院区", "Campus"))</th><th>\(lang.pick("时间", "Time"))</th><th></th></tr>\(historyRows)</table>
            """
        var forms: HTML = ""
        if writes {
            let draft = ArticleDraft(title: typed["title"] ?? r.title, kind: typed["kind"].flatMap(ArticleKind.init(rawValue:)) ?? r.kind,
                                     category: typed["category"] ?? r.category, body: typed["body"] ?? r.body)
            forms = """
                <h2>\(lang.pick(article.conflict.isEmpty ? "修改" : "合并后保存", article.conflict.isEmpty ? "Edit" : "Merge and save"))</h2>
                <form class="card wide-card" id="form-edit" method="post" action="/kb/\(article.id)/edit">\(csrf)\
                <input type="hidden" name="seen" value="\(article.revisions)">\(said["edit"] ?? "")\(articleFields(draft, lang))\
                <button>\(lang.pick("保存新版本", "Save a new version"))</button></form>
                <h2>\(lang.pick("复审与归档", "Review and archive"))</h2>
                <form class="card" id="form-dates" method="post" action="/kb/\(article.id)/dates">\(csrf)\(said["dates"] ?? "")\
                <label>\(lang.pick("复审日期", "Review date"))<br><input type="date" name="review_on" value="\(typed["review_on"] ?? article.reviewOn?.description ?? "")"></label><br>\
                <label>\(lang.pick("归档日期（留空为未归档）", "Archived on (empty: not archived)"))<br><input type="date" name="archived_on" value="\(typed["archived_on"] ?? article.archivedOn?.description ?? "")"></label><br>\
                <button>\(lang.pick("保存日期", "Save dates"))</button></form>
                """
        }
        return layout.page(title: r.title, """
            \(top)<p><a href="/kb">← \(lang.pick("知识库", "Knowledge base"))</a></p>\(meta)\(conflict)
            <h2>\(lang.pick("正文", "Text"))</h2><div class="card desc wide-card">\(r.body)</div>
            \(forms)\(historyTable)
            """)
    }

    /// The fields of an article's form, filled with `draft`.
    func articleFields(_ draft: ArticleDraft, _ lang: Language) -> HTML {
        let kinds: [HTML] = ArticleKind.allCases.map {
            "<option value=\"\($0.rawValue)\"\($0 == draft.kind ? HTML(" selected") : "")>\(lang.name(of: $0))</option>"
        }
        return """
            <label>\(lang.pick("标题", "Title"))<br><input class="wide" name="title" required maxlength="\(Department.articleTitleMax)" value="\(draft.title)"></label><br>\
            <label>\(lang.pick("类别", "Kind"))<br><select name="kind">\(kinds)</select></label> \
            <label>\(lang.pick("分类", "Category"))<br><input name="category" maxlength="\(Department.articleCategoryMax)" value="\(draft.category)" placeholder="\(lang.pick("如：打印机、HIS、网络", "e.g. printer, HIS, network"))"></label><br>\
            <label>\(lang.pick("正文", "Text"))<br><textarea class="wide" name="body" rows="14" required maxlength="\(Department.articleBodyMax)">\(draft.body)</textarea></label><br>
            """
    }

    // MARK: - a new article

    func newArticlePage(_ user: SignedIn, _ layout: Layout, fromTicket number: String?, refusal: String? = nil,
                        typed: [String: String] = [:]) throws -> HTML {
        let lang = layout.lang
        guard Access.writesArticles(user) else {
            return layout.page(title: lang.pick("新建文章", "New article"),
                               "<p class=\"muted\">\(lang.pick("只有科长、工程师和值班工程师可以编写知识库文章。", "Only section chiefs, engineers and duty engineers write articles."))</p>")
        }
        var draft = ArticleDraft(title: "", kind: .manual, category: "", body: "")
        var ticketNote: HTML = ""
        let source = typed["ticket"] ?? number
        if let source, !source.isEmpty {
            let ticket = try department.ticket(source)
            try Access.requireTicketRead(user, ticket)
            draft = faultRecord(from: ticket, lang)
            ticketNote = "<p>\(lang.pick("由工单", "From ticket")) <a href=\"/tickets/\(AssetQuery.encode(ticket.number))\">\(ticket.number)</a> \(lang.pick("整理为故障处理记录。", "as a fault-handling record."))</p>"
        }
        if !typed.isEmpty {
            draft = ArticleDraft(title: typed["title"] ?? "", kind: typed["kind"].flatMap(ArticleKind.init(rawValue:)) ?? draft.kind,
                                 category: typed["category"] ?? "", body: typed["body"] ?? "")
        }
        let said: HTML = refusal.map { "<p class=\"bad\" role=\"alert\">\($0)</p>" } ?? ""
        return layout.page(title: lang.pick("新建文章", "New article"), """
            \(ticketNote)<form class="card wide-card" id="form-article" method="post" action="/kb/new">
            <input type="hidden" name="csrf" value="\(user.session.csrfToken)"><input type="hidden" name="ticket" value="\(source ?? "")">
            \(said)\(articleFields(draft, lang))
            <label>\(lang.pick("复审日期（可不填）", "Review date (optional)"))<br><input type="date" name="review_on" value="\(typed["review_on"] ?? "")"></label><br>
            <button>\(lang.pick("保存", "Save"))</button></form>
            """)
    }

    /// A resolved ticket as the draft of a 故障处理记录: the symptom, the workaround
    /// given, what was done, the root cause and the improvement, from its timeline.
    func faultRecord(from ticket: Ticket, _ lang: Language) -> ArticleDraft {
        let i = ticket.intake
        var lines = ["\(lang.pick("工单", "Ticket")): \(ticket.number)（\(i.department) · \(i.location)）", "",
                     "\(lang.pick("现象", "Symptom")):", i.description]
        for event in ticket.timeline {
            if let w = event.workaround { lines += ["", "\(lang.pick("过渡方案", "Workaround")):", w] }
            if event.kind == .resolve, let text = event.text, !text.isEmpty { lines += ["", "\(lang.pick("处理方法", "Solution")):", text] }
            if let c = event.rootCause { lines += ["", "\(lang.pick("根本原因", "Root cause")):", c] }
            if let m = event.improvement { lines += ["", "\(lang.pick("改进措施", "Improvement")):", m] }
        }
        let title = "\(categoryName(i.category, lang))：\(TicketText.title(of: i.description))"
        return ArticleDraft(title: String(title.prefix(Department.articleTitleMax)), kind: .fault,
                            category: categoryName(i.category, lang), body: String(lines.joined(separator: "\n").prefix(Department.articleBodyMax)))
    }

    static let articleFormFields: Set<String> = ["title", "kind", "category", "body", "review_on", "ticket"]

    /// `POST /kb/new`: 303 to the article with `?done=write`, or the form again with the
    /// refusal beside it, what was typed, its status and a log line; nothing written.
    func writeArticleFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let lang = Language.of(request)
        let form = try await FormPost.read(request, fields: Self.articleFormFields, csrfOf: user, bytesMax: APIRoutes.articlePostBytesMax)
        do {
            try Access.requireDepartmentStaff(user, to: "write knowledge base articles")
            let ticket = form["ticket"].flatMap { $0.isEmpty ? nil : $0 }
            let id = try department.writeArticle(try Self.draft(form), reviewOn: try Self.date(form["review_on"]), fromTicket: ticket, by: acting)
            context.logger.info("article written", metadata: ["form": "kb.write", "user": "\(user.username)", "article": "\(id)"])
            return HTMLResponse.redirect("/kb/\(id)?done=write")
        } catch {
            let api = APIError.from(error)
            guard api.status.code < 500 else { throw error }
            context.logger.notice("article refused: \(api.message)", metadata: ["form": "kb.write", "user": "\(user.username)", "status": "\(api.status.code)"])
            var response = try page(request, context, path: "/kb") { user, layout in
                try newArticlePage(user, layout, fromTicket: nil, refusal: articleRefusal(error, lang), typed: form)
            }
            response.status = api.status
            return response
        }
    }

    /// `POST /kb/{id}/edit|keep|dates`: 303 to the article with `?done=…`, or the article
    /// page with the refusal beside the form, what was typed and its status.
    func articleForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let id = try context.parameters.require("id")
        let formName = try context.parameters.require("form")
        let fields: Set<String> = switch formName {
        case "edit": ["title", "kind", "category", "body", "seen"]
        case "keep": ["index", "of"]
        case "dates": ["review_on", "archived_on"]
        default: throw APIError(.notFound, "not_found", "no article form \(formName)")
        }
        _ = try api.readableArticle(user, id)
        let lang = Language.of(request)
        let form = try await FormPost.read(request, fields: fields, csrfOf: user, bytesMax: APIRoutes.articlePostBytesMax)
        do {
            try Access.requireDepartmentStaff(user, to: "change knowledge base articles")
            func number(_ name: String) throws -> Int {
                guard let n = form[name].flatMap({ Int($0) }) else { throw APIError.badRequest("bad_value", "\(name): expected a whole number") }
                return n
            }
            switch formName {
            case "edit": try department.editArticle(id, try Self.draft(form), seen: try number("seen"), by: acting)
            case "keep": try department.keepArticleRevision(id, index: try number("index"), of: try number("of"), by: acting)
            default: try department.setArticleDates(id, reviewOn: try Self.date(form["review_on"]), archivedOn: try Self.date(form["archived_on"]), by: acting)
            }
            return HTMLResponse.redirect("/kb/\(id)?done=\(formName)")
        } catch {
            let api = APIError.from(error)
            guard api.status.code < 500 else { throw error }
            context.logger.notice("article form refused: \(api.message)",
                                  metadata: ["form": "kb.\(formName)", "user": "\(user.username)", "status": "\(api.status.code)"])
            var response = try page(request, context, path: "/kb") { user, layout in
                try articlePage(id, user, layout, notice: .refused(articleRefusal(error, lang), form: formName, typed: form))
            }
            response.status = api.status
            return response
        }
    }

    static func draft(_ form: [String: String]) throws -> ArticleDraft {
        ArticleDraft(title: form["title"] ?? "", kind: try Parse.choice(form["kind"] ?? "", field: "kind"),
                     category: form["category"] ?? "", body: form["body"] ?? "")
    }

    static func date(_ text: String?) throws -> LocalDate? {
        guard let text, !text.isEmpty else { return nil }
        return try Parse.date(text, field: "date")
    }

    /// A refusal of a knowledge base form in the user's words.
    func articleRefusal(_ error: any Error, _ lang: Language) -> String {
        switch error as? DomainError {
        case .missing(let field)?:
            return field == "title" ? lang.pick("请填写标题。", "Please fill in the title.")
                : field == "body" ? lang.pick("请填写正文。", "Please fill in the text.")
                : lang.pick("请输入要检索的关键词。", "Type the words to find.")
        case .invalid(let field, _)? where field == "title":
            return lang.pick("标题不超过 \(Department.articleTitleMax) 个字，且不能含控制字符，未保存。",
                             "The title is at most \(Department.articleTitleMax) characters, without control characters. Nothing saved.")
        case .invalid(let field, _)? where field == "category":
            return lang.pick("分类不超过 \(Department.articleCategoryMax) 个字，未保存。", "The category is at most \(Department.articleCategoryMax) characters. Nothing saved.")
        case .invalid(let field, _)? where field == "body":
            return lang.pick("正文不超过 \(Department.articleBodyMax) 个字，且不能含控制字符，未保存；过长的手册请分为几篇。",
                             "The text is at most \(Department.articleBodyMax) characters, without control characters. Nothing saved; split a long manual into several articles.")
        case .invalid(let field, _)? where field == "revisions":
            return lang.pick("这篇文章的版本已达上限 \(Department.articleRevisionsMax) 个，请新建一篇。",
                             "This article holds the most revisions it may (\(Department.articleRevisionsMax)); start a new article.")
        case .invalid(let field, _)? where field == "search text":
            return lang.pick("检索词不超过 \(Department.articleQueryMax) 个字、\(Department.articleQueryTermsMax) 个词，且不能含控制字符。",
                             "Search at most \(Department.articleQueryMax) characters and \(Department.articleQueryTermsMax) words, without control characters.")
        case .wrongState(_, let state, _)? where state == "not in conflict":
            return lang.pick("这篇文章已没有待解决的冲突。", "This article has no conflict left to resolve.")
        case .wrongState?:
            return lang.pick("文章在您编辑期间已被他人更新，未保存。请刷新后再修改。", "The article changed while you were editing it. Nothing saved: reload and edit again.")
        case .unknownTicket?:
            return lang.pick("找不到该工单。", "No such ticket.")
        case .notPermitted?:
            return lang.pick("只有科长、工程师和值班工程师可以编写知识库文章。", "Only section chiefs, engineers and duty engineers write articles.")
        default:
            if APIError.from(error).code == "bad_value" { return lang.pick("类别或数字无效，请重新选择。", "The kind or a number is not valid.") }
            return lang.refusal(error)
        }
    }

    // MARK: - 相关知识 on the report form

    /// Articles matching what is being reported, under the form: a GET with the typed
    /// title (`/tickets/new?q=`), so no script is needed.
    func articleSuggestions(_ user: SignedIn, _ lang: Language, typed: String?) throws -> HTML {
        let q = (typed ?? "").trimmingCharacters(in: .whitespaces)
        let form: HTML = """
            <form method="get" action="/tickets/new" class="card wide-card"><strong>\(lang.pick("先查一查知识库", "Check the knowledge base first"))</strong><br>\
            <input class="wide" name="q" value="\(q)" maxlength="\(Department.articleQueryMax)" placeholder="\(lang.pick("简述问题，如：打印机卡纸", "the problem in a few words, e.g. printer jam"))">\
            <button>\(lang.pick("查找相关文章", "Find articles"))</button></form>
            """
        guard !q.isEmpty else { return form }
        let found = try department.suggestArticles(for: q, limit: 5, kinds: try Access.articleKinds(user))
        let list: HTML = found.isEmpty ? "<p class=\"muted\">\(lang.pick("没有相关文章，请在上方填写报修。", "No article matches; report the problem above."))</p>"
            : "<ul id=\"suggested\">\(found.map { "<li><a href=\"/kb/\($0.id)\">\($0.current.title)</a> <span class=\"muted\">\(lang.name(of: $0.current.kind))</span></li>" as HTML })</ul>"
        return "\(form)<h2>\(lang.pick("相关知识", "Related articles"))</h2>\(list)"
    }
}

extension Language {
    /// 第 3 版 / v3
    func versionName(_ n: Int) -> String { pick("第 \(n) 版", "v\(n)") }

    func name(of kind: ArticleKind) -> String {
        switch kind {
        case .manual: pick(kind.chineseName, "operation manual")
        case .fault: pick(kind.chineseName, "fault-handling record")
        case .technical: pick(kind.chineseName, "technical document")
        }
    }
}

extension Dashboard {
    /// 写成故障处理记录 — on a resolved or closed ticket, for those who write articles: a
    /// link to the new-article form prefilled from the ticket.
    func faultRecordLink(_ ticket: Ticket, _ user: SignedIn, _ lang: Language) -> HTML {
        guard ticket.state == .resolved || ticket.state == .closed, Access.writesArticles(user) else { return "" }
        return """
            <p><a id="to-article" href="/kb/new?ticket=\(AssetQuery.encode(ticket.number))">\(lang.pick("整理为故障处理记录（知识库）", "Write it up as a fault-handling record (knowledge base)"))</a></p>
            """
    }
}
