import HTTPTypes
import Hummingbird
import Logging

/// Turns every thrown error into a response, in one place: JSON
/// `{ "error": { "code", "message" } }` for the API and non-browser callers, an
/// escaped HTML page for the dashboard. Each refusal is logged with its code.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = MeshDeskRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            let metadata: Logger.Metadata = ["code": "\(apiError.code)", "status": "\(apiError.status.code)",
                                             "method": "\(request.method)", "path": "\(request.uri.path)",
                                             "user": "\(context.signedIn?.username ?? "-")"]
            if apiError.status.code >= 500 {
                context.logger.error("request failed: \(error)", metadata: metadata)
            } else {
                context.logger.notice("request refused: \(apiError.message)", metadata: metadata)
            }
            var response: Response
            if Self.wantsHTML(request) {
                let lang = Language.of(request)
                response = HTMLResponse.make(ErrorPage.render(apiError, lang: lang), status: apiError.status)
            } else {
                do {
                    response = try JSONResponse.make(apiError.body, status: apiError.status)
                } catch {
                    context.logger.error("error body could not be encoded", metadata: ["code": "\(apiError.code)", "error": "\(error)"])
                    response = Response(status: .internalServerError)
                }
            }
            response.headers[SessionMiddleware.contentTypeOptions] = "nosniff"
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// Dashboard pages (not `/api/…`) asked for by a browser.
    static func wantsHTML(_ request: Request) -> Bool {
        !request.uri.path.hasPrefix("/api/") && (request.headers[.accept]?.contains("text/html") ?? false)
    }
}
