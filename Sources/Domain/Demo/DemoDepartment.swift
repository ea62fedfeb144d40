/// 演示数据 — three campuses (本部 MAIN, 东院区 EAST, 西院区 WEST) with staff, posts,
/// the holiday calendar, leave and a generated month, for `meshdesk demo`.
/// Deterministic: the same `now` and seed fill the same data.
public enum DemoDepartment {
    public struct Summary: Hashable, Codable, Sendable {
        public let campuses: [String]
        public let people: Int
        public let month: String
        public let seats: Int
        public let unfilled: Int
        public let leaveApproved: Int
        public let tickets: Int
        public let assets: Int
        public let approvals: Int
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
                             "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "文博", "子涵", "雨萱", "浩然", "思远"]

    /// Campus, name, posts covered, engineers: the main campus covers all five posts;
    /// the branch campuses the three a branch needs at night.
    static let campuses: [(CampusCode, String, [Post], Int)] = [
        ("MAIN", "本部", Post.defaults, 30),
        ("EAST", "东院区", [.systemMaintenance, .networkSecurity, .emergencySupport], 18),
        ("WEST", "西院区", [.systemMaintenance, .networkSecurity, .emergencySupport], 18),
    ]

    public static func fill(_ department: Department, now: LocalDateTime, calendarText: String, seed: UInt64) throws(DomainError) -> Summary {
        let admin: PersonID = "A0001"
        try department.bootstrapAdministrator(StaffMember(id: admin, name: "系统管理员", campus: "MAIN", phone: "0571-88000000"), at: now)
        let acting = Acting(admin, at: now)
        var nameIndex = 0
        func nextName() -> String {
            defer { nameIndex += 1 }
            return "\(surnames[nameIndex % surnames.count])\(givenNames[(nameIndex * 7 + nameIndex / surnames.count) % givenNames.count])"
        }
        let month = LocalMonth(containing: now.date)
        var people = 1
        var seats = 0
        var unfilled = 0
        var leaveApproved = 0
        var extra = DemoTicketsAndAssets.Counts()
        try department.loadHolidayCalendar(calendarText, by: acting)
        for (index, (code, name, posts, engineers)) in campuses.enumerated() {
            try department.registerCampus(Campus(code: code, name: name, generalDutyOfficer: "医院总值班", generalDutyPhone: "0571-8800\(1000 + index)"), by: acting)
            for (p, post) in posts.enumerated() {
                try department.registerPost(post, campus: code, phone: "66\(index)\(p)", by: acting)
            }
            let chief = PersonID("\(code.rawValue.prefix(1))0001")
            let clerk = PersonID("\(code.rawValue.prefix(1))0002")
            try department.registerPerson(StaffMember(id: chief, name: nextName(), campus: code, phone: "1390000\(index)001"), by: acting)
            try department.registerPerson(StaffMember(id: clerk, name: nextName(), campus: code, phone: "1390000\(index)002"), by: acting)
            try department.grantRole(RoleGrant(.sectionChief, .campus(code)), to: chief, by: acting)
            try department.grantRole(RoleGrant(.attendanceClerk, .campus(code)), to: clerk, by: acting)
            var engineerIDs: [PersonID] = []
            for e in 0..<engineers {
                // Each engineer holds two neighbouring posts, so every post has the same pool.
                let held = [posts[e % posts.count], posts[(e + 1) % posts.count]]
                let id = PersonID("\(code.rawValue.prefix(1))\(LocalDate.pad(101 + e, 4))")
                try department.registerPerson(StaffMember(
                    id: id, name: nextName(), campus: code, phone: "138\(LocalDate.pad(index * 1000 + e, 8))",
                    posts: Set(held.map(\.id)), skills: Set(held.flatMap(\.requiredSkills)),
                    preferences: RosterPreferences(avoidNights: e % 11 == 5)), by: acting)
                try department.grantRole(RoleGrant(.engineer, .campus(code)), to: id, by: acting)
                try department.grantRole(RoleGrant(.dutyEngineer, .campus(code)), to: id, by: acting)
                // 年假: 5, 10 or 15 days a year, as seniority gives them.
                try department.setAnnualLeave(person: id, days: [5, 10, 15][e % 3], by: acting)
                engineerIDs.append(id)
            }
            people += engineers + 2
            // Two approved leave requests and one waiting for the chief.
            let first = month.firstDay
            for (n, person) in engineerIDs.prefix(3).enumerated() {
                let start = first.adding(days: 5 + 7 * n)
                let id = try department.requestLeave(firstDay: start, lastDay: min(start.adding(days: 2), month.lastDay),
                                                     kind: [LeaveKind.annual, .marriage, .sick][n],
                                                     reason: ["回老家探亲", "婚礼", "发烧就医"][n], by: Acting(person, at: now))
                if n < 2 {
                    try department.decideLeave(id, approve: true, by: Acting(chief, at: now))
                    leaveApproved += 1
                }
            }
            let publication = try department.publishRoster(campus: code, month: month, seed: seed &+ UInt64(index), by: Acting(chief, at: now))
            seats += publication.seatsWritten
            try DemoAttendance.fill(department, campus: code, chief: chief, engineers: engineerIDs, now: now)
            unfilled += publication.result.unfilled.count
            // A department head (科室主任) and a requester (报修人) for tickets and approvals.
            let head = PersonID("\(code.rawValue.prefix(1))0003")
            let requester = PersonID("\(code.rawValue.prefix(1))0004")
            try department.registerPerson(StaffMember(id: head, name: nextName(), campus: code, phone: "1390000\(index)003"), by: acting)
            try department.registerPerson(StaffMember(id: requester, name: nextName(), campus: code, phone: "1390000\(index)004"), by: acting)
            try department.grantRole(RoleGrant(.departmentHead, .campus(code)), to: head, by: acting)
            try department.grantRole(RoleGrant(.requester, .campus(code)), to: requester, by: acting)
            people += 2
            let counts = try DemoTicketsAndAssets.fill(department, campus: code, index: index, engineers: engineerIDs, chief: chief,
                                                       head: head, requester: requester, now: now)
            extra.tickets += counts.tickets
            extra.assets += counts.assets
            extra.approvals += counts.approvals
        }
        return Summary(campuses: campuses.map(\.0.rawValue), people: people, month: month.description, seats: seats,
                       unfilled: unfilled, leaveApproved: leaveApproved, tickets: extra.tickets, assets: extra.assets,
                       approvals: extra.approvals)
    }
}
