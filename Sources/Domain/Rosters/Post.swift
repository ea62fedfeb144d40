/// 岗位 — a duty post: whoever holds it on a shift answers its calls.
public struct Post: Hashable, Codable, Sendable, Identifiable {
    public let id: PostID
    /// 中文名, e.g. 网络安全岗.
    public var nameChinese: String
    public var nameEnglish: String
    /// Everyone rostered on this post must have every one of these skills.
    public var requiredSkills: Set<Skill>

    public init(id: PostID, nameChinese: String, nameEnglish: String, requiredSkills: Set<Skill>) {
        self.id = id
        self.nameChinese = nameChinese
        self.nameEnglish = nameEnglish
        self.requiredSkills = requiredSkills
    }

    /// 系统维护岗 — hardware repair, system software updates.
    public static let systemMaintenance = Post(
        id: "system-maintenance", nameChinese: "系统维护", nameEnglish: "System maintenance", requiredSkills: ["系统维护"])
    /// 数据运维岗 — databases, backups, data fixes.
    public static let dataOperations = Post(
        id: "data-operations", nameChinese: "数据运维", nameEnglish: "Data operations", requiredSkills: ["数据运维"])
    /// 网络安全岗 — network, firewalls, security monitoring.
    public static let networkSecurity = Post(
        id: "network-security", nameChinese: "网络安全", nameEnglish: "Network security", requiredSkills: ["网络安全"])
    /// 应用开发岗 — HIS and application support and fixes.
    public static let applicationDevelopment = Post(
        id: "application-development", nameChinese: "应用开发", nameEnglish: "Application development", requiredSkills: ["应用开发"])
    /// 应急支持岗 — first response to emergencies, on-site support.
    public static let emergencySupport = Post(
        id: "emergency-support", nameChinese: "应急支持", nameEnglish: "Emergency support", requiredSkills: ["应急支持"])

    /// The five posts of the department's duty regulation (值班制度 三、值班岗位设置).
    public static let defaults: [Post] = [
        .systemMaintenance, .dataOperations, .networkSecurity, .applicationDevelopment, .emergencySupport,
    ]
}
