import ArgumentParser
import Domain
import Logging
import Node
import Server

/// Flags of the notification delivery service (`serve` and `web`); see docs/notifications.md.
struct NotificationOptions: ParsableArguments {
    @Option(name: .customLong("smtp-relay"), help: "The hospital's SMTP relay host:port (plain SMTP). Without it, no e-mail is sent.")
    var smtpRelay: String?
    @Option(name: .customLong("smtp-from"), help: "Sender address of notification mail.") var smtpFrom = "meshdesk@localhost.localdomain"
    @Option(name: .customLong("notify-link-base"), help: "Base URL of this node's dashboard for 认领 links in messages, e.g. http://it-east:8080.")
    var linkBase: String?
    @Flag(name: .customLong("no-notifications"), help: "Run no notification delivery on this node.") var off = false

    func delivery(department: Department, directory: DataDirectory, localCampus: CampusCode?, logger: Logger) throws -> NotificationDelivery? {
        guard !off else { return nil }
        var configuration = NotificationDelivery.Configuration(localCampus: localCampus)
        if let smtpRelay {
            let parts = smtpRelay.split(separator: ":")
            guard parts.count <= 2, let host = parts.first, let port = parts.count == 2 ? Int(parts[1]) : 25, (1...65_535).contains(port) else {
                throw ValidationError("--smtp-relay \"\(smtpRelay)\" must be host or host:port")
            }
            if let problem = NotificationSettings.emailProblem(smtpFrom) { throw ValidationError("--smtp-from: \(problem)") }
            configuration.smtp = SMTPRelay(host: String(host), port: port, from: smtpFrom)
        }
        configuration.linkBase = linkBase
        let outbox = OutboxFile(url: directory.url.appendingPathComponent("notification-outbox.json"))
        return NotificationDelivery(department: department, outbox: outbox, configuration: configuration,
                                    logger: Logger(label: "meshdesk.notifications"))
    }
}
