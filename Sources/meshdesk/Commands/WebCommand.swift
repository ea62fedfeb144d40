import ArgumentParser
import Domain
import Foundation
import Hummingbird
import Node
import Security
import Server
import ServiceLifecycle

/// `meshdesk web` — the dashboard and API of one data directory on 127.0.0.1, without
/// peer sync (`meshdesk serve` runs the whole node and calls the same `MeshDeskServer`).
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "web", abstract: "Serve the dashboard and JSON API of a data directory on 127.0.0.1.")
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "TCP port on 127.0.0.1.") var port = 8080
    @Option(help: "Days after which a password must be changed (0: never).") var passwordDays = 90
    @OptionGroup var notifications: NotificationOptions

    func run() async throws {
        let logger = makeLogger("meshdesk.web")
        let directory = data.directory
        let identity = try directory.prepareIdentity(logger: logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        var configuration = ServerConfiguration()
        configuration.passwordChangePeriodDays = passwordDays > 0 ? passwordDays : nil
        let department = Department(store: store)
        let app = try MeshDeskServer.makeApplication(department: department, directory: directory,
                                                     configuration: configuration, host: "127.0.0.1", port: port, logger: logger)
        logger.notice("dashboard on http://127.0.0.1:\(port)/ (data \(directory.url.path))")
        // A node alone: it sends every campus's notifications.
        let delivery = try notifications.delivery(department: department, directory: directory, localCampus: nil, logger: logger)
        let services: [any Service] = [app] + (delivery.map { [$0] } ?? [])
        try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
    }
}
