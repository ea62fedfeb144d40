import Domain
import Foundation
import Logging

/// 发件箱 — notifications this node has taken on to send, per channel address, with
/// their attempts, backoff and the dead-letter list. A value type with `now` passed in
/// (milliseconds), so retries and aggregation are tested without clocks or sockets;
/// `OutboxFile` keeps it on disk.
public struct Outbox: Codable, Sendable {
    /// Entries waiting at most; beyond it a new one is refused and counted (the browser
    /// copy and the delivery record exist regardless).
    public static let pendingMax = 10_000
    /// Dead letters kept for the health page; the oldest go first, counted.
    public static let deadLettersMax = 500
    /// Attempts before an entry is dead.
    public static let attemptsMax = 6
    public static let backoffBaseMillis: Int64 = 2_000
    public static let backoffMaxMillis: Int64 = 5 * 60_000
    /// Items folded into one message: a flood of 300 tickets is a few digests, not 300 mails.
    public static let digestItemsMax = 20
    /// Least time between two messages to one address, unless one holds an urgent item.
    public static let addressIntervalMillis: Int64 = 60_000

    public struct Entry: Codable, Hashable, Sendable {
        public let key: String
        public let address: ChannelAddress
        public let recipientName: String
        public let item: OutgoingItem
        public internal(set) var attempts = 0
        public internal(set) var notBefore: Int64
        public internal(set) var lastError: String?
        var inFlight = false

        var id: String { "\(key)|\(address.id)" }
    }

    /// Entries to one address sent as one message.
    public struct Message: Hashable, Sendable {
        public let address: ChannelAddress
        public let recipientName: String
        public let entries: [Entry]
        public var items: [OutgoingItem] { entries.map(\.item) }
    }

    public private(set) var pending: [Entry] = []
    public private(set) var dead: [Entry] = []
    var lastSent: [String: Int64] = [:]
    public private(set) var sent = 0
    public private(set) var retried = 0
    public private(set) var refused = 0
    public private(set) var deadDropped = 0

    public init() {}

    public func holds(_ key: String, _ address: ChannelAddress) -> Bool {
        let id = "\(key)|\(address.id)"
        return pending.contains { $0.id == id } || dead.contains { $0.id == id }
    }

    /// Takes one notification to one address; false when already held or the outbox is full.
    @discardableResult
    public mutating func enqueue(key: String, address: ChannelAddress, recipientName: String, item: OutgoingItem, notBefore: Int64) -> Bool {
        guard !holds(key, address) else { return false }
        guard pending.count < Self.pendingMax else { refused += 1; return false }
        pending.append(Entry(key: key, address: address, recipientName: recipientName, item: item, notBefore: notBefore))
        return true
    }

    /// Messages ready on `channel` at `now`, at most `messagesMax`, each to one address with
    /// up to `digestItemsMax` items; their entries are in flight until `succeeded`/`failed`.
    public mutating func take(channel: String, now: Int64, messagesMax: Int) -> [Message] {
        var byAddress: [String: [Int]] = [:]
        var order: [String] = []
        for (i, e) in pending.enumerated() where !e.inFlight && e.address.channel == channel && e.notBefore <= now {
            if byAddress[e.address.id] == nil { order.append(e.address.id) }
            byAddress[e.address.id, default: []].append(i)
        }
        var messages: [Message] = []
        for id in order where messages.count < messagesMax {
            // Urgent items first: a P1 behind a flood of P4s goes in the next message, not after it.
            let ready = byAddress[id]!
            let indices = Array((ready.filter { pending[$0].item.urgent } + ready.filter { !pending[$0].item.urgent }).prefix(Self.digestItemsMax))
            let urgent = indices.contains { pending[$0].item.urgent }
            if !urgent, let last = lastSent[id], now - last < Self.addressIntervalMillis { continue }
            for i in indices { pending[i].inFlight = true }
            let entries = indices.map { pending[$0] }
            messages.append(Message(address: entries[0].address, recipientName: entries[0].recipientName, entries: entries))
        }
        return messages
    }

    public mutating func succeeded(_ message: Message, now: Int64) {
        let ids = Set(message.entries.map(\.id))
        pending.removeAll { ids.contains($0.id) }
        lastSent[message.address.id] = now
        sent += message.entries.count
    }

    /// Backs off each entry (2 s, 4 s, 8 s … at most 5 min); the `attemptsMax`th failure
    /// moves it to the dead letters.
    public mutating func failed(_ message: Message, error: String, now: Int64) {
        let ids = Set(message.entries.map(\.id))
        var kept: [Entry] = []
        for var e in pending {
            guard ids.contains(e.id) else { kept.append(e); continue }
            e.inFlight = false
            e.attempts += 1
            e.lastError = String(error.prefix(300))
            if e.attempts >= Self.attemptsMax {
                dead.append(e)
            } else {
                retried += 1
                e.notBefore = now + Self.backoff(attempts: e.attempts)
                kept.append(e)
            }
        }
        pending = kept
        if dead.count > Self.deadLettersMax {
            deadDropped += dead.count - Self.deadLettersMax
            dead.removeFirst(dead.count - Self.deadLettersMax)
        }
    }

    public static func backoff(attempts: Int) -> Int64 {
        let exponent = min(max(attempts - 1, 0), 20)
        return min(backoffBaseMillis << Int64(exponent), backoffMaxMillis)
    }

    /// After a restart nothing is in flight any more: what was being sent is sent again
    /// (same idempotency key; a receiver may see it twice).
    mutating func resetInFlight() {
        for i in pending.indices { pending[i].inFlight = false }
    }

    private enum CodingKeys: String, CodingKey { case pending, dead, lastSent, sent, retried, refused, deadDropped }
}

/// One notification as a channel shows it.
public struct OutgoingItem: Codable, Hashable, Sendable {
    public let key: String
    public let number: String
    public let title: String
    public let urgent: Bool
    /// Where 认领 is one click (the ticket page of this node), when known.
    public let link: String?

    public init(key: String, number: String, title: String, urgent: Bool, link: String?) {
        self.key = key
        self.number = number
        self.title = title
        self.urgent = urgent
        self.link = link
    }
}

/// Where a message goes: an e-mail address or a webhook.
public enum ChannelAddress: Codable, Hashable, Sendable {
    case email(String)
    case webhook(WebhookTarget)

    /// The channel's name, as in the delivery record's `channels`.
    public var channel: String {
        switch self {
        case .email: "email"
        case .webhook(let target): target.kind.rawValue
        }
    }

    /// One address per mailbox or URL (the secret is not part of it).
    var id: String {
        switch self {
        case .email(let address): "email:\(address.lowercased())"
        case .webhook(let target): "\(target.kind.rawValue):\(target.url)"
        }
    }
}

/// The outbox on disk (`notification-outbox.json` in the data directory), rewritten
/// whole and atomically after each change: it stays small (`pendingMax`).
public actor OutboxFile {
    public private(set) var outbox: Outbox
    private let url: URL?
    private let logger: Logger

    /// A file that does not decode is set aside as `.corrupt` and an empty outbox starts:
    /// what it held is still due from the replica and is planned again.
    public init(url: URL?, logger: Logger = Logger(label: "meshdesk.notifications")) {
        self.url = url
        self.logger = logger
        var loaded = Outbox()
        if let url, let data = try? Data(contentsOf: url) {
            if let decoded = try? JSONDecoder().decode(Outbox.self, from: data) {
                loaded = decoded
            } else {
                logger.warning("notification outbox \(url.path) does not decode: set aside as .corrupt, planned again from the replica")
                do { try FileManager.default.moveItem(at: url, to: url.appendingPathExtension("corrupt")) } catch {
                    logger.error("cannot set aside the corrupt outbox \(url.path): \(error)")
                }
            }
        }
        loaded.resetInFlight()
        outbox = loaded
    }

    public func change<T: Sendable>(_ body: @Sendable (inout Outbox) -> T) -> T {
        let result = body(&outbox)
        save()
        return result
    }

    private func save() {
        guard let url else { return }
        // A lost write is not a lost notification (what is due is planned again from the
        // replica after a restart), but retries and dead letters since the last write are.
        do { try JSONEncoder().encode(outbox).write(to: url, options: .atomic) } catch {
            logger.error("cannot write the notification outbox \(url.path): \(error)")
        }
    }
}
