import Testing
@testable import Domain

@Suite struct RosterICalendarTests {
    @Test func textEscapingCoversBackslashSemicolonCommaAndNewline() {
        #expect(RosterICalendar.escapeText("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf")
    }

    @Test func longChineseLinesFoldAt75OctetsWithoutSplittingACharacter() {
        let line = "SUMMARY:" + String(repeating: "网络安全值班，", count: 12)
        let folded = RosterICalendar.fold(line)
        let physical = folded.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(physical.count > 1)
        for (index, part) in physical.enumerated() {
            #expect(part.utf8.count <= 75)
            if index > 0 { #expect(part.hasPrefix(" ")) }
        }
        // Unfolding (drop CRLF + one space) gives the original back, character for character.
        let unfolded = physical.enumerated().map { $0.offset == 0 ? String($0.element) : String($0.element.dropFirst()) }.joined()
        #expect(unfolded == line)
        #expect(RosterICalendar.fold("SHORT:line") == "SHORT:line")
    }

    @Test func aPersonsCalendarHasOneEventPerShiftInShanghaiTimeWithCRLFLines() throws {
        let policy = Fixture.policy()
        let roster = Roster(campus: "E", month: Fixture.march2026, slots: [], assignments: [
            Fixture.on("alice", "2026-03-02", .nightFirst),
            Fixture.on("alice", "2026-03-04", .weekdayDay),
            Fixture.on("bob", "2026-03-02", .weekdayDay),
        ])
        let people = [Fixture.engineer("alice"), Fixture.engineer("bob")]
        let stamp = LocalDateTime(date: Fixture.date("2026-02-25"), minuteOfDay: 9 * 60)
        let text = RosterICalendar.personCalendar(roster, person: "alice", people: people, policy: policy, generatedAt: stamp)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingAll("\r\n", with: "").contains("\n"), "every line ends in CRLF")
        #expect(text.components("BEGIN:VEVENT") == 2)
        #expect(text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"))
        #expect(text.contains("DTSTART;TZID=Asia/Shanghai:20260302T180000\r\nDTEND;TZID=Asia/Shanghai:20260303T010000\r\n"))
        #expect(text.contains("DTSTAMP:20260225T010000Z\r\n"), "09:00 in Shanghai is 01:00 UTC")
        #expect(text.contains("SUMMARY:值班：网络安全 前夜班\r\n"))
        #expect(text.contains("UID:2026-03-02-network-security-night-1-0-alice@E.meshdesk\r\n"))
        #expect(!text.contains("bob@"))

        let post = RosterICalendar.postCalendar(roster, post: "network-security", people: people, policy: policy, generatedAt: stamp)
        #expect(post.components("BEGIN:VEVENT") == 3)
        #expect(post.contains("SUMMARY:网络安全 白班：工程师bob\r\n"))
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    func components(_ target: String) -> Int {
        split(separator: target, omittingEmptySubsequences: false).count - 1
    }
}
