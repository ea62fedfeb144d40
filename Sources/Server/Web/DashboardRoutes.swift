import Domain
import HTTPTypes
import Hummingbird
import Replica
import Security

/// The dashboard: server-rendered pages over the same `Department` and rules as the
/// API. Pages need a session (else a redirect to /sign-in); form posts carry the CSRF
/// token (`FormPost`). Every page polls `/api/changes` and reloads when the replica moves.
struct Dashboard: Sendable {
    let api: APIRoutes

    var department: Department { api.department }
    var configuration: ServerConfiguration { api.configuration }

    func register(on router: Router<MeshDeskRequestContext>) {
        router.get("/sign-in") { request, _ in signInPage(request, error: nil) }
        router.post("/sign-in") { request, context in try await signIn(request, context) }
        router.post("/sign-out") { request, context in
            let user = try context.user()
            _ = try await FormPost.read(request, fields: [], csrfOf: user)
            api.accounts.signOut(user.session.token)
            var response = HTMLResponse.redirect("/sign-in")
            response.setCookie(APIRoutes.sessionCookie(nil, minutes: 0))
            return response
        }
        router.get("/password") { request, context in try page(request, context, path: "/password", allowPasswordDue: true) { user, layout in
            passwordPage(layout, error: nil)
        } }
        router.post("/password") { request, context in try await changePassword(request, context) }
        router.get("/") { request, context in try await homePage(request, context) }
        router.get("/tickets") { request, context in try await cachedPage(request, context, path: "/tickets", view: "tickets", reads: ViewReads.tickets) { user, lang in
            try ticketsPage(request, user, lang)
        } }
        router.post("/tickets") { request, context in try await openTicketFromForm(request, context) }
        registerTicketSearch(on: router)
        router.get("/tickets/new") { request, context in try page(request, context, path: "/tickets/new") { user, layout in
            try newTicketPage(user, layout, suggest: request.uri.queryParameters.get("q"))
        } }
        router.get("/tickets/{number}") { request, context in
            let number = try context.parameters.require("number")
            let notice: AttachmentNotice? = request.uri.queryParameters.get("done") == "attach" ? .done : nil
            return try page(request, context, path: "/tickets") { user, layout in try ticketPage(number, user, layout, failure: nil, attachmentNotice: notice) }
        }
        // 附件, before the action forms' `{action}`.
        router.post("/tickets/{number}/attachments") { request, context in try await attachFromForm(request, context) }
        router.get("/tickets/{number}/attachments/{id}") { _, context in try api.attachmentBytes(context) }
        router.post("/tickets/{number}/{action}") { request, context in try await ticketActionFromForm(request, context) }
        router.get("/assets") { request, context in try await cachedPage(request, context, path: "/assets", view: "assets", reads: ViewReads.assets) { user, lang in
            try assetsPage(request, user, lang)
        } }
        // 登记, 标签 and one asset; the fixed paths are matched before `{tag}`.
        router.get("/assets/new") { request, context in try await newAssetPageResponse(request, context) }
        router.post("/assets/new") { request, context in try await registerAssetFromForm(request, context) }
        router.get("/assets/labels") { request, context in
            try await cachedPage(request, context, path: "/assets", view: "asset-labels", reads: ViewReads.assets) { user, lang in
                try assetLabelsPage(request, user, lang)
            }
        }
        router.get("/assets/export.csv") { request, context in try await assetExportResponse(request, context) }
        router.get("/assets/{tag}") { request, context in
            try await assetPageResponse(request, context, tag: try Self.assetReference(context))
        }
        router.post("/assets/{tag}/{form}") { request, context in try await assetForm(request, context) }
        router.get("/roster") { request, context in try await cachedPage(request, context, path: "/roster", view: "roster", reads: ViewReads.duty) { user, lang in
            try rosterPage(request, user, lang)
        } }
        registerAttendance(on: router)
        router.get("/handover") { request, context in try page(request, context, path: "/handover") { user, layout in
            try handoverPage(request, user, layout)
        } }
        router.get("/duty") { request, context in try page(request, context, path: "/duty") { user, layout in
            try myDutyPage(request, user, layout)
        } }
        router.post("/duty/{form}") { request, context in try await myDutyForm(request, context, try context.parameters.require("form")) }
        // 我的日历: my shifts as iCalendar, with the session (the subscription is /calendar/{token}.ics).
        router.get("/duty/calendar.ics") { request, context in
            guard case .user(let user) = access(request, context) else { throw APIError.unauthenticated }
            return try api.calendarResponse(for: user.staff, attachment: true)
        }
        router.get("/approvals") { request, context in try page(request, context, path: "/approvals") { user, layout in
            try approvalsPage(user, layout)
        } }
        router.post("/approvals/{kind}/{id}/{action}") { request, context in try await decide(request, context) }
        registerRequests(on: router)
        registerChief(on: router)
        registerAudit(on: router)
        registerStatistics(on: router)
        registerAdmin(on: router)
        registerNotifications(on: router)
        registerKnowledgeBase(on: router)
        registerEmergency(on: router)
        registerMachineRoom(on: router)
        router.get("/problems") { request, context in try page(request, context, path: "/problems") { user, layout in
            try problemsPage(user, layout)
        } }
        router.get("/status") { request, context in try page(request, context, path: "/status") { _, layout in try statusPage(layout) } }
    }

    /// Who may see a page: the signed-in user, or where to send the browser instead.
    enum PageAccess {
        case user(SignedIn)
        case redirect(Response)
    }

    /// The signed-in user, or a redirect to sign in (or to change a due password).
    func access(_ request: Request, _ context: MeshDeskRequestContext, allowPasswordDue: Bool = false) -> PageAccess {
        guard let user = context.signedIn else { return .redirect(withLanguage(HTMLResponse.redirect("/sign-in"), request)) }
        if user.passwordChangeDue && !allowPasswordDue { return .redirect(withLanguage(HTMLResponse.redirect("/password"), request)) }
        return .user(user)
    }

    /// `user`'s frame (navigation, name, sign-out, live script with its nonce) around what
    /// `body` renders in it, as the response.
    func framed(_ request: Request, _ user: SignedIn, path: String, version: String, current: Bool = true,
                _ body: (Layout) throws -> HTML) rethrows -> Response {
        let nonce = RandomToken.hex(bytes: 16)
        var layout = Layout(lang: Language.of(request), user: user, path: path, nonce: nonce, version: version,
                            pollSeconds: configuration.pollSeconds, current: current)
        let recipient = user.person.rawValue
        layout.unread = (try? api.reads.unread(for: recipient, version: version) { try department.unreadNotificationCount(for: recipient) }) ?? 0
        return withLanguage(HTMLResponse.make(try body(layout), nonce: nonce), request)
    }

    /// Renders a page for a signed-in user, or sends them to sign in (or to change a due password).
    func page(_ request: Request, _ context: MeshDeskRequestContext, path: String, allowPasswordDue: Bool = false,
              _ body: (SignedIn, Layout) throws -> HTML) throws -> Response {
        switch access(request, context, allowPasswordDue: allowPasswordDue) {
        case .redirect(let response): return response
        case .user(let user): return try framed(request, user, path: path, version: try api.changes(session: user.session.token).version) { try body(user, $0) }
        }
    }

    /// A page whose body is a view of the replica state: computed on the read lane once
    /// per state, minute, language, scope and query (`ViewCache`), framed per request
    /// with the user's own navigation, name, CSRF token and script nonce.
    func cachedPage(_ request: Request, _ context: MeshDeskRequestContext, path: String, view: String, reads: [EntityID],
                    _ body: @escaping @Sendable (SignedIn, Language) throws -> PageContent) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let lang = Language.of(request)
        let state = try api.seenState(session: user.session.token)
        let served = try await cachedView(view, reads: reads, user: user, state: state, lang: lang, query: request.uri.query ?? "") {
            try body(user, lang)
        }
        return framed(request, user, path: path, version: state.stamp.digest, current: served.isCurrent) { layout in
            layout.page(title: served.value.title, "<div data-live=\"\(view)\">\(served.value.body)</div>")
        }
    }

    /// Queries longer than this are computed for their request alone, not cached: a
    /// client cannot fill the cache with views nobody else asks for.
    static let cachedQueryBytesMax = 256

    /// One view of `state` for `user`'s scope, from the cache or computed on the read lane.
    /// `scoped: false` only for a view that shows every user the same (who is on duty).
    func cachedView(_ view: String, reads entities: [EntityID], user: SignedIn, state: SeenState, lang: Language, query: String,
                    scoped: Bool = true,
                    _ compute: @escaping @Sendable () throws -> PageContent) async throws -> ViewCache<PageContent>.Served {
        let reads = api.reads
        guard query.utf8.count <= Self.cachedQueryBytesMax else { return .init(value: try await reads.lane.run(compute), isCurrent: true) }
        let scope = scoped ? try await reads.scope(of: user, at: state) : "everyone"
        let key = ViewCache<PageContent>.Key(view: view, touches: state.touches(entities), minute: configuration.clock.now().minutesSinceEpoch,
                                             variant: "\(lang.rawValue)|\(scope)|\(query)")
        let csrf = user.session.csrfToken
        do {
            return try await reads.pages.serve(key, freshness: reads.freshness(for: user.session.token)) {
                try await reads.lane.run {
                    let content = try compute()
                    // A shared view must carry nothing of one session.
                    guard !content.body.markup.contains(csrf) else { throw PersonalViewRefused() }
                    return content
                }
            }
        } catch is PersonalViewRefused {
            assertionFailure("view \(view) embeds a session's CSRF token: it cannot be cached")
            return .init(value: try await reads.lane.run(compute), isCurrent: true)
        }
    }

    /// Remembers `?lang=` in a cookie, so later pages keep the language.
    func withLanguage(_ response: Response, _ request: Request) -> Response {
        guard let lang = Language.chosen(request) else { return response }
        var response = response
        response.setCookie(Cookie(name: Language.cookieName, value: lang.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    func signIn(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let form = try await FormPost.read(request, fields: ["username", "password"], csrfOf: nil)
        do {
            let session = try api.accounts.signIn(username: form["username"] ?? "", password: form["password"] ?? "",
                                                  source: context.source, logger: context.logger)
            var response = HTMLResponse.redirect("/")
            response.setCookie(APIRoutes.sessionCookie(session, minutes: configuration.sessionMinutes))
            return response
        } catch let error as APIError {
            var response = signInPage(request, error: error)
            response.status = error.status
            return response
        }
    }

    func changePassword(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let user = try context.user()
        let form = try await FormPost.read(request, fields: ["current", "new"], csrfOf: user)
        do {
            try api.accounts.changePassword(user, current: form["current"] ?? "", new: form["new"] ?? "")
            return HTMLResponse.redirect("/")
        } catch let error as APIError {
            let layout = Layout(lang: Language.of(request), user: user, path: "/password", nonce: "", version: "", pollSeconds: 0)
            return HTMLResponse.make(passwordPage(layout, error: error), status: error.status)
        }
    }

    /// 审批 form posts: approve or reject leave, overtime or a swap; or any decision on a
    /// purchase, scrap or change request (`kind` = `approval`, with an optional `note`).
    func decide(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let kind = try context.parameters.require("kind")
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("action")
        if kind == "approval" {
            let form = try await FormPost.read(request, fields: ["note"], csrfOf: user)
            _ = try api.decideApproval(id, action, note: form["note"] ?? "", user: user, acting: acting)
            // Back to the request's own page, where the step just taken is confirmed.
            return HTMLResponse.redirect("/requests/\(id)?done=\(action)")
        }
        _ = try await FormPost.read(request, fields: [], csrfOf: user)
        guard action == "approve" || action == "reject" else { throw APIError(.notFound, "not_found", "no action \(action)") }
        try Access.requireDepartmentStaff(user, to: "\(action) requests")
        switch kind {
        case "leave": try department.decideLeave(id, approve: action == "approve", by: acting)
        case "overtime": try department.decideOvertime(id, approve: action == "approve", by: acting)
        case "swap": action == "approve" ? try department.approveSwap(id, by: acting) : try department.rejectSwap(id, by: acting)
        default: throw APIError(.notFound, "not_found", "no request kind \(kind)")
        }
        return HTMLResponse.redirect("/approvals")
    }
}
