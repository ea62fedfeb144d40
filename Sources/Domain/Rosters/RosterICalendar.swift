/// 值班日历导出 — a roster as iCalendar (RFC 5545), per person or per post, for phones
/// and desktop calendars.
///
/// Pure text generation: the DTSTAMP is passed in, never read from a clock, so the
/// same roster exports to the same bytes. Times carry `TZID=Asia/Shanghai` with a
/// VTIMEZONE block (UTC+8, no daylight saving), lines end in CRLF and are folded at
/// 75 octets without splitting a UTF-8 character.
public enum RosterICalendar {
    public static let timeZoneID = "Asia/Shanghai"
    /// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
    public static let lineOctetsMax = 75
    /// China has been UTC+8 all year since 1991.
    static let utcOffsetMinutes = 8 * 60

    /// 个人值班日历 — one person's shifts.
    public static func personCalendar(_ roster: Roster, person: PersonID, people: [Person], policy: CampusRosterPolicy,
                                      generatedAt: LocalDateTime) -> String {
        let name = people.first { $0.id == person }?.name ?? person.rawValue
        let events = roster.assignments(of: person).compactMap { assignment in
            event(assignment, roster: roster, people: people, policy: policy, generatedAt: generatedAt) { post, shift, _ in
                "值班：\(post.nameChinese) \(shift.nameChinese)"
            }
        }
        return calendar(name: "值班表 \(name) \(roster.month)", events: events)
    }

    /// 个人值班日历 over several months (a subscription: this month and the next), one calendar.
    public static func personCalendar(_ rosters: [Roster], person: PersonID, people: [Person], policy: CampusRosterPolicy,
                                      generatedAt: LocalDateTime) -> String {
        let name = people.first { $0.id == person }?.name ?? person.rawValue
        let events = rosters.flatMap { roster in
            roster.assignments(of: person).compactMap { assignment in
                event(assignment, roster: roster, people: people, policy: policy, generatedAt: generatedAt) { post, shift, _ in
                    "值班：\(post.nameChinese) \(shift.nameChinese)"
                }
            }
        }
        return calendar(name: "值班表 \(name)", events: events)
    }

    /// 岗位值班日历 — everyone on one post.
    public static func postCalendar(_ roster: Roster, post postID: PostID, people: [Person], policy: CampusRosterPolicy,
                                    generatedAt: LocalDateTime) -> String {
        let postName = policy.post(postID)?.nameChinese ?? postID.rawValue
        let events = roster.assignments(on: postID).compactMap { assignment in
            event(assignment, roster: roster, people: people, policy: policy, generatedAt: generatedAt) { post, shift, person in
                "\(post.nameChinese) \(shift.nameChinese)：\(person)"
            }
        }
        return calendar(name: "值班表 \(postName) \(roster.campus) \(roster.month)", events: events)
    }

    private static func calendar(name: String, events: [[String]]) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//MeshDesk//Rosters//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:\(escapeText(name))", "X-WR-TIMEZONE:\(timeZoneID)",
            "BEGIN:VTIMEZONE", "TZID:\(timeZoneID)",
            "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "TZNAME:CST",
            "END:STANDARD", "END:VTIMEZONE",
        ]
        for event in events { lines += event }
        lines.append("END:VCALENDAR")
        return lines.map { fold($0) + "\r\n" }.joined()
    }

    private static func event(_ assignment: Assignment, roster: Roster, people: [Person], policy: CampusRosterPolicy,
                              generatedAt: LocalDateTime,
                              summary: (Post, ShiftTemplate, String) -> String) -> [String]? {
        guard let post = policy.post(assignment.slot.post), let shift = policy.template(assignment.slot.shiftKind) else {
            return nil
        }
        let person = people.first { $0.id == assignment.person }?.name ?? assignment.person.rawValue
        let interval = shift.interval(on: assignment.slot.date)
        let slot = assignment.slot
        let uid = "\(slot.date.iso)-\(slot.post)-\(slot.shiftKind)-\(slot.seat)-\(assignment.person)@\(roster.campus).meshdesk"
        let description = "\(post.nameChinese)（\(post.nameEnglish)）\n\(shift.nameChinese) \(shift.clockRange)\n值班人员：\(person)"
        return [
            "BEGIN:VEVENT",
            "UID:\(escapeText(uid))",
            "DTSTAMP:\(utcStamp(generatedAt))",
            "DTSTART;TZID=\(timeZoneID):\(interval.start.compact)",
            "DTEND;TZID=\(timeZoneID):\(interval.end.compact)",
            "SUMMARY:\(escapeText(summary(post, shift, person)))",
            "DESCRIPTION:\(escapeText(description))",
            "CATEGORIES:\(escapeText("值班"))",
            "END:VEVENT",
        ]
    }

    /// DTSTAMP must be UTC (RFC 5545 §3.8.7.2): local China time minus eight hours.
    static func utcStamp(_ local: LocalDateTime) -> String {
        local.adding(minutes: -utcOffsetMinutes).compact + "Z"
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
    public static func escapeText(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n": escaped += "\\n"
            case "\r": continue // CRLF in the source becomes one \n
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Folds a content line (RFC 5545 §3.1): at most 75 octets per physical line, each
    /// continuation starting with one space (which counts toward its 75), never splitting
    /// a multi-octet UTF-8 character. Returns the lines joined by CRLF.
    public static func fold(_ line: String) -> String {
        var physical: [String] = []
        var current = ""
        var currentOctets = 0
        for scalar in line.unicodeScalars {
            let octets = String(scalar).utf8.count
            if currentOctets + octets > lineOctetsMax {
                physical.append(current)
                current = " "
                currentOctets = 1
            }
            current.unicodeScalars.append(scalar)
            currentOctets += octets
        }
        physical.append(current)
        return physical.joined(separator: "\r\n")
    }
}
