import Domain
import Hummingbird
import Logging
import Node
import Storage

/// The web server of one campus node: the JSON API (`/api/…`), the dashboard, sign-in.
/// `meshdesk serve` and `meshdesk web` call `makeApplication`; tests call `makeRouter`
/// and drive it without sockets (`app.test(.router)`).
public enum MeshDeskServer {
    /// The router with every route and middleware. Built once per node.
    public static func makeRouter(department: Department, directory: DataDirectory,
                                  configuration: ServerConfiguration) throws -> Router<MeshDeskRequestContext> {
        let accounts = try AccountService(department: department, configuration: configuration)
        let router = Router(context: MeshDeskRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: HostCheckMiddleware(allowed: configuration.allowedHostNames))
        router.add(middleware: CanonicalPathMiddleware())
        let reads = ReadPath(department: department, eventStreamLifetime: configuration.eventStreamLifetime)
        router.add(middleware: SessionMiddleware(accounts: accounts, reads: reads))
        let calendarTokens = CalendarTokens(file: configuration.calendarTokensOnDisk ? directory.url.appendingPathComponent("calendar-tokens.json") : nil)
        let api = APIRoutes(department: department, accounts: accounts, calendarTokens: calendarTokens, directory: directory, configuration: configuration,
                            reads: reads)
        api.register(on: router)
        Dashboard(api: api).register(on: router)
        MetricsRoute(department: department, directory: directory, configuration: configuration).register(on: router)
        return router
    }

    /// The application serving `department` on `host:port` (127.0.0.1 by default: the
    /// dashboard is for this machine unless an operator puts a TLS front end before it).
    public static func makeApplication(department: Department, directory: DataDirectory, configuration: ServerConfiguration,
                                       host: String = "127.0.0.1", port: Int = 8080,
                                       logger: Logger = Logger(label: "meshdesk.web")) throws -> some ApplicationProtocol {
        var configuration = configuration
        if configuration.allowedHostNames.isEmpty {
            configuration.allowedHostNames = ServerConfiguration.hostNames(listenHost: host, extra: [])
        }
        let router = try makeRouter(department: department, directory: directory, configuration: configuration)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "MeshDesk"),
                           logger: logger)
    }
}
