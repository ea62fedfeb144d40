/// 工单 — a ticket as read from the merged replica: intake, priority, who holds it,
/// its timeline and what the fold says about it.
public struct Ticket: Hashable, Codable, Sendable {
    /// Row id (hex): the key that never collides.
    public let id: String
    /// 工单号, e.g. `EAST-2026-7C2A-00042`.
    public let number: String
    public let campus: CampusCode
    public var intake: TicketIntake
    public let priority: TicketPriority
    /// Displayed assignee (the newest visible version); nil when nobody.
    public let assignee: PersonID?
    /// Every visible assignee while two campuses' reassignments conflict, else empty.
    public let assigneeConflict: [String?]
    public let assets: [String]
    public let summary: TicketSummary
    public let timeline: [TicketEvent]

    public var state: TicketState { summary.state }
}

/// 报修登记 — what is recorded when a problem is reported.
public struct TicketIntake: Hashable, Codable, Sendable {
    public var campus: CampusCode
    /// 报修人 — name or staff number of whoever reported it.
    public var reporter: String
    public var contactPhone: String
    /// 科室
    public var department: String
    /// 位置
    public var location: String
    public var category: TicketCategory
    public var description: String
    public var channel: IntakeChannel
    public var urgency: Urgency
    public var impact: Impact
    /// 重大事件 — the chief and the general duty officer are told at once; priority 1.
    public var major: Bool
    /// The post whose duty engineer takes it; nil = by category.
    public var post: PostID?
    /// Asset tags to link.
    public var assets: [String]
    /// Give it to the engineer on duty for the post now (the default), or leave it new
    /// in the queue for the chief to dispatch.
    public var assignOnDuty = true

    public init(campus: CampusCode, reporter: String, contactPhone: String = "", department: String, location: String = "",
                category: TicketCategory, description: String, channel: IntakeChannel = .phone, urgency: Urgency = .medium,
                impact: Impact = .person, major: Bool = false, post: PostID? = nil, assets: [String] = []) {
        self.campus = campus
        self.reporter = reporter
        self.contactPhone = contactPhone
        self.department = department
        self.location = location
        self.category = category
        self.description = description
        self.channel = channel
        self.urgency = urgency
        self.impact = impact
        self.major = major
        self.post = post
        self.assets = assets
    }
}
