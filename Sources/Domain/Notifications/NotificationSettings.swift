import Foundation
import GRDB

/// 通知方式 — where a person wants to be told, and when not to be disturbed. The browser
/// list always holds every notification; these are the channels beyond it.
public struct NotificationSettings: Hashable, Codable, Sendable {
    public var email: String?
    public var webhooks: [WebhookTarget]
    /// 免打扰 — minutes of the day `[start, end)`, wrapping midnight when start > end.
    /// Never holds back P1 or a major incident.
    public var quietHours: QuietHours?

    public static let none = NotificationSettings(email: nil, webhooks: [], quietHours: nil)
    public static let webhooksMax = 4
    public static let emailBytesMax = 254
    public static let urlBytesMax = 2_000
    public static let secretBytesMax = 200
    /// A generic webhook's shared secret is at least this long: a short one is guessable.
    public static let genericSecretBytesMin = 16

    public init(email: String?, webhooks: [WebhookTarget], quietHours: QuietHours?) {
        self.email = email
        self.webhooks = webhooks
        self.quietHours = quietHours
    }

    /// Whether anything beyond the browser reaches this person.
    public var hasChannel: Bool { email != nil || !webhooks.isEmpty }

    /// The first problem that makes these settings unusable, in words for the person saving
    /// them; nil when they are fine. Also checked on read: a peer's bad value is not used.
    public var problem: ChannelSettingsProblem? {
        if let email, let problem = Self.emailRefusal(email) { return problem }
        guard webhooks.count <= Self.webhooksMax else { return .tooManyWebhooks }
        for hook in webhooks { if let problem = hook.problem { return problem } }
        if let quietHours, let problem = quietHours.problem { return problem }
        return nil
    }

    /// An address SMTP can carry: one `local@domain`, no spaces, no line breaks (a CR or LF
    /// would let the address write its own mail headers).
    public static func emailProblem(_ address: String) -> String? { emailRefusal(address)?.description }

    static func emailRefusal(_ address: String) -> ChannelSettingsProblem? {
        guard address.utf8.count <= emailBytesMax else { return .emailTooLong }
        guard address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }) else {
            return .emailCharacters
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            return .emailShape
        }
        return nil
    }
}

/// A group robot or an HTTP endpoint (the hospital's SMS gateway, say).
public struct WebhookTarget: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        /// 企业微信群机器人
        case wecom
        /// 钉钉群机器人 (加签 optional: the secret starts with `SEC`)
        case dingtalk
        /// 飞书群机器人
        case feishu
        /// 通用 webhook, signed with HMAC-SHA256
        case generic
    }

    public var kind: Kind
    public var url: String
    public var secret: String?

    public init(kind: Kind, url: String, secret: String? = nil) {
        self.kind = kind
        self.url = url
        self.secret = secret
    }

    public var problem: ChannelSettingsProblem? {
        guard url.utf8.count <= NotificationSettings.urlBytesMax else { return .urlTooLong }
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty, !url.unicodeScalars.contains(where: { $0.value <= 0x20 }) else {
            return .urlShape
        }
        if let secret {
            guard secret.utf8.count <= NotificationSettings.secretBytesMax, !secret.unicodeScalars.contains(where: { $0.value <= 0x20 }) else {
                return .secretShape
            }
            if kind == .dingtalk, !secret.hasPrefix("SEC") { return .dingTalkSecret }
        }
        if kind == .generic, (secret?.utf8.count ?? 0) < NotificationSettings.genericSecretBytesMin {
            return .genericSecretShort
        }
        return nil
    }
}

/// 免打扰时段
public struct QuietHours: Hashable, Codable, Sendable {
    public var startMinute: Int
    public var endMinute: Int

    public init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    var problem: ChannelSettingsProblem? {
        guard (0..<1_440).contains(startMinute), (0..<1_440).contains(endMinute) else { return .quietHoursRange }
        return startMinute == endMinute ? .quietHoursEmpty : nil
    }

    public func contains(_ moment: LocalDateTime) -> Bool {
        let m = moment.minuteOfDay
        return startMinute < endMinute ? (startMinute <= m && m < endMinute) : (m >= startMinute || m < endMinute)
    }

    /// The first minute at or after `moment` outside the quiet hours.
    public func end(after moment: LocalDateTime) -> LocalDateTime {
        guard contains(moment) else { return moment }
        let day = moment.minuteOfDay >= endMinute && startMinute > endMinute ? moment.date.adding(days: 1) : moment.date
        return LocalDateTime(date: day, minuteOfDay: endMinute)
    }
}

extension Department {
    /// Longest-lived: a person sets their own; the administrator may set anyone's.
    public func setNotificationSettings(_ settings: NotificationSettings, for person: PersonID, by acting: Acting) throws(DomainError) {
        try perform(acting, "notification.settings") { tx, actor in
            if actor.id != person { try Permissions.require(actor, .administrator, at: actor.campus, to: "set \(person)'s notification channels") }
            guard try Directory.person(tx.db, person) != nil else { throw DomainError.unknownPerson(person) }
            if let problem = settings.problem { throw DomainError.invalid(field: "notification settings", reason: problem.description) }
            let row = NaturalKey.rowID(DomainSchema.notificationSettings, person.rawValue)
            try tx.assign(DomainSchema.notificationSettings.name, row, ["person": .text(person.rawValue), "settings": .text(LogCoding.encode(settings))])
            return ((), person.rawValue)
        }
    }

    /// A person's settings; `.none` when unset or when a stored value does not decode or validate.
    public func notificationSettings(for person: String) throws(DomainError) -> NotificationSettings {
        try query { db in try Self.settings(db, person) }
    }

    static func settings(_ db: Database, _ person: String) throws -> NotificationSettings {
        let row = try StoredRows.fetchOne(db, DomainSchema.notificationSettings, id: NaturalKey.rowID(DomainSchema.notificationSettings, person))
        return (row?["settings"] as String?).flatMap { LogCoding.decode(NotificationSettings.self, $0) }.flatMap { $0.problem == nil ? $0 : nil } ?? .none
    }

    /// 无通知方式 — active engineers and chiefs of `campus` (or all) whom no channel beyond
    /// the browser reaches: a page at night would find nobody. A problem for the chief.
    public func peopleWithoutChannel(campus: CampusCode? = nil) throws(DomainError) -> [StaffMember] {
        let handlers: [Role] = [.engineer, .dutyEngineer, .sectionChief]
        return try query { db in
            try Directory.people(db, campus: campus).filter { person in
                guard person.active, handlers.contains(where: { person.holds($0, at: person.campus) }) else { return false }
                return try !Self.settings(db, person.id.rawValue).hasChannel
            }
        }
    }
}

/// Why channel settings were refused; the web page names each in Chinese.
public enum ChannelSettingsProblem: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case emailTooLong = "email_too_long"
    case emailCharacters = "email_characters"
    case emailShape = "email_shape"
    case tooManyWebhooks = "too_many_webhooks"
    case urlTooLong = "url_too_long"
    case urlShape = "url_shape"
    case secretShape = "secret_shape"
    case dingTalkSecret = "dingtalk_secret"
    case genericSecretShort = "generic_secret_short"
    case quietHoursRange = "quiet_hours_range"
    case quietHoursEmpty = "quiet_hours_empty"

    public var description: String {
        switch self {
        case .emailTooLong: "e-mail address longer than \(NotificationSettings.emailBytesMax) bytes"
        case .emailCharacters: "e-mail address may hold only printable ASCII without spaces, line breaks or <>()[],;:\""
        case .emailShape: "e-mail address must look like name@hospital.example"
        case .tooManyWebhooks: "at most \(NotificationSettings.webhooksMax) webhooks"
        case .urlTooLong: "webhook URL longer than \(NotificationSettings.urlBytesMax) bytes"
        case .urlShape: "webhook URL must be an http:// or https:// address with a host"
        case .secretShape: "webhook secret must be at most \(NotificationSettings.secretBytesMax) bytes without spaces or line breaks"
        case .dingTalkSecret: "a DingTalk signing secret starts with SEC"
        case .genericSecretShort: "a generic webhook needs a secret of at least \(NotificationSettings.genericSecretBytesMin) characters to sign its requests"
        case .quietHoursRange: "quiet hours must be times of day 00:00…23:59"
        case .quietHoursEmpty: "quiet hours must not start and end at the same time"
        }
    }
}
