import Domain
import Foundation
import Logging
import ServiceLifecycle

/// 通知发送 — the node's delivery loop, a service of its own: every tick it asks the
/// replica what is due (`Department.notificationsDue`), takes on what `SenderRule` gives
/// this node (recording the delivery, which replicates), and puts each channel address in
/// the outbox. One worker per channel drains the outbox with its own concurrency and
/// timeout, so a dead SMTP relay never holds back a webhook, nor the node.
public struct NotificationDelivery: Service {
    public struct Configuration: Sendable {
        /// This node's campus; nil (a node alone, `meshdesk web`): every campus is this node's.
        public var localCampus: CampusCode?
        public var smtp: SMTPRelay?
        /// Planning at least this often: escalation steps fall due with time alone.
        public var tick: Duration = .seconds(5)
        /// How often the planner looks whether a batch landed (a commit here or a peer's):
        /// a new ticket is planned within this, not a whole tick later.
        public var commitPoll: Duration = .milliseconds(200)
        public var workerPoll: Duration = .milliseconds(250)
        public var sendTimeout: Duration = .seconds(10)
        /// Messages a channel sends at once.
        public var concurrentSendsPerChannelMax = 4
        /// Notifications taken on in one tick: a flood is spread over ticks, never a storm.
        public var takenPerTickMax = 500
        /// Base of the 认领 links in messages (`http://node:8080`), when the node has a public name.
        public var linkBase: String?

        public init(localCampus: CampusCode?, smtp: SMTPRelay? = nil) {
            self.localCampus = localCampus
            self.smtp = smtp
        }
    }

    public static let channels = ["email"] + WebhookTarget.Kind.allCases.map(\.rawValue)

    let department: Department
    let outbox: OutboxFile
    let configuration: Configuration
    let clock: any ServerClock
    let wallMillis: @Sendable () -> Int64
    let webhooks: WebhookClient
    let logger: Logger

    public init(department: Department, outbox: OutboxFile, configuration: Configuration, clock: any ServerClock = WallClock(),
                wallMillis: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) },
                webhooks: WebhookClient = WebhookClient(), logger: Logger) {
        self.department = department
        self.outbox = outbox
        self.configuration = configuration
        self.clock = clock
        self.wallMillis = wallMillis
        self.webhooks = webhooks
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.planLoop() }
                for channel in Self.channels { group.addTask { await self.workerLoop(channel) } }
            }
        }
    }

    /// Plans on every change of the replica (polled cheaply: the version vector) and at
    /// least every `tick` (steps that fall due with time alone).
    func planLoop() async {
        var seen = try? department.store.versionVector()
        var sinceTick: Duration = .zero
        await planOnce()
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.commitPoll)
            sinceTick += configuration.commitPoll
            let now = try? department.store.versionVector()
            guard now != seen || sinceTick >= configuration.tick else { continue }
            seen = now
            sinceTick = .zero
            await planOnce()
        }
    }

    /// One tick of planning; returns how many notifications this node took on.
    @discardableResult
    public func planOnce() async -> Int {
        let now = clock.now()
        let nowMillis = wallMillis()
        do {
            let policy = try department.escalationPolicy()
            var taken = 0
            var withoutChannel = Set<String>()
            for (due, delivered) in try department.notificationsDue(at: now) where taken < configuration.takenPerTickMax {
                guard SenderRule.decide(due, localCampus: configuration.localCampus ?? due.campus, delivered: delivered,
                                        takeoverMinutes: policy.takeoverMinutes, now: now.minutesSinceEpoch) == .send else { continue }
                let settings = try department.notificationSettings(for: due.recipient.id)
                var notBefore = nowMillis
                if !due.urgent, let quiet = settings.quietHours, quiet.contains(now) {
                    notBefore += Int64(quiet.end(after: now).minutesSinceEpoch - now.minutesSinceEpoch) * 60_000
                }
                let item = OutgoingItem(key: due.key, number: Self.number(due.subject), title: due.title, urgent: due.urgent,
                                        link: configuration.linkBase.map { "\($0)/tickets/\(Self.number(due.subject))" })
                let addresses = (settings.email.map { [ChannelAddress.email($0)] } ?? []) + settings.webhooks.map(ChannelAddress.webhook)
                let start = notBefore
                await outbox.change { box in
                    for address in addresses { box.enqueue(key: due.key, address: address, recipientName: due.recipient.name, item: item, notBefore: start) }
                }
                if addresses.isEmpty { withoutChannel.insert(due.recipient.id) }
                try department.recordDelivery(due, channels: ["browser"], at: now)
                taken += 1
            }
            // One line a tick, not one per notification: who is reached only in the browser.
            if !withoutChannel.isEmpty {
                logger.notice("notifications to \(withoutChannel.sorted().prefix(20).joined(separator: ", ")) reach only the browser: no channel set")
            }
            return taken
        } catch {
            logger.error("notification planning failed: \(error)")
            return 0
        }
    }

    func workerLoop(_ channel: String) async {
        while !Task.isCancelled {
            let sent = await drainOnce(channel)
            if sent == 0 { try? await Task.sleep(for: configuration.workerPoll) }
        }
    }

    /// Sends what is ready on `channel` now, at most `concurrentSendsPerChannelMax` messages
    /// at once; returns how many messages were tried.
    @discardableResult
    public func drainOnce(_ channel: String) async -> Int {
        let max = configuration.concurrentSendsPerChannelMax
        let messages = await outbox.change { $0.take(channel: channel, now: wallMillis(), messagesMax: max) }
        guard !messages.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            for message in messages {
                group.addTask {
                    do {
                        try await Self.deadline(configuration.sendTimeout) { try await self.send(message) }
                        let now = wallMillis()
                        await outbox.change { $0.succeeded(message, now: now) }
                        do { try department.recordChannelDelivered(message.entries.map(\.key), channel: channel) } catch {
                            // Sent, but unrecorded: another node may send it again after the takeover delay.
                            logger.error("\(channel) delivery not recorded: \(error)")
                        }
                    } catch {
                        let now = wallMillis()
                        let text = "\(error)"
                        await outbox.change { $0.failed(message, error: text, now: now) }
                        logger.warning("notification via \(channel) failed: \(text)")
                    }
                }
            }
        }
        return messages.count
    }

    func send(_ message: Outbox.Message) async throws {
        switch message.address {
        case .email(let address):
            guard let relay = configuration.smtp else { throw SMTPError.refused(command: "configuration", reply: "no SMTP relay configured on this node") }
            let items = message.items
            let subject = items.count == 1 ? items[0].title : "MeshDesk：\(items.count) 条通知（\(items.filter(\.urgent).count) 条紧急）"
            let mail = try SMTPMail(from: relay.from, fromName: relay.fromName, to: address, toName: message.recipientName,
                                    subject: String(subject.prefix(SMTPMail.subjectCharactersMax)), body: WebhookRequest.text(items),
                                    keys: items.map(\.key))
            let millis = wallMillis()
            try await SMTPClient.send(mail, via: relay, date: Date(timeIntervalSince1970: Double(millis) / 1_000),
                                      messageID: "\(millis).\(abs(items[0].key.hashValue))@\(relay.heloName)")
        case .webhook(let target):
            let request = WebhookRequest.make(target, items: message.items, recipient: message.recipientName, nowMillis: wallMillis())
            try await webhooks.post(request, kind: target.kind, timeout: .nanoseconds(Int64(configuration.sendTimeout.components.seconds) * 1_000_000_000))
        }
    }

    static func number(_ subject: NotificationSubject) -> String {
        switch subject { case let .ticket(_, number): number }
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var description: String { "no answer within the send timeout" }
    }

    /// Runs `body`, cancelled and failed with `TimedOut` after `limit`.
    static func deadline(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await body(); return true }
            group.addTask { try await Task.sleep(for: limit); return false }
            let finished = try await group.next() ?? false
            group.cancelAll()
            if !finished { throw TimedOut() }
        }
    }
}
