import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 管理 over JSON: accounts with one-time passwords, people and roles, campuses and
/// posts, the ticket policy and the holiday calendar — done by the administrator through
/// the domain (audited), refused to other roles (403 `admin_only`) and on bad input
/// (4xx, nothing written).
@Suite struct AdminAPITests {
    @Test func theAdministratorManagesAccountsPeopleCampusesPolicyAndCalendar() async throws {
        let fixture = try ServerFixture()
        let d = fixture.department
        try await fixture.application().test(.router) { client in
            let admin = try await client.signIn("admin")
            let people = try await client.call(.post, "/api/people", as: admin,
                                               json: #"{"id":"E150","name":"周丽","campus":"EAST","posts":["network-security"],"skills":["网络"],"daysOff":[5]}"#)
            #expect(people.0 == .noContent)
            #expect(try d.person("E150")?.posts == ["network-security"] && d.person("E150")?.preferences.preferredDaysOff == [.saturday])
            #expect(try await client.call(.put, "/api/people/E150", as: admin, json: #"{"name":"周丽丽","campus":"EAST"}"#).0 == .noContent)
            #expect(try d.person("E150")?.name == "周丽丽" && d.person("E150")?.posts.isEmpty == true)
            #expect(try await client.call(.post, "/api/people/E150/roles/grant", as: admin, json: #"{"role":"engineer","scope":"EAST"}"#).0 == .noContent)
            #expect(try d.person("E150")?.holds(.engineer, at: "EAST") == true)
            let list = try await client.call(.get, "/api/people?campus=EAST", as: admin)
            #expect(list.0 == .ok && list.1.contains("\"engineer@EAST\"") && list.1.contains("周丽丽"))

            let created = try await client.call(.post, "/api/accounts", as: admin, json: #"{"username":"zhouli","person":"E150"}"#)
            #expect(created.0 == .created)
            let password = createdID(created.1, key: "oneTimePassword")
            #expect(password.count == 14)
            _ = try await client.signIn("zhouli", password: password)
            let reset = try await client.call(.post, "/api/accounts/zhouli/reset", as: admin)
            #expect(reset.0 == .ok && createdID(reset.1, key: "oneTimePassword") != password)
            #expect(try await client.call(.post, "/api/accounts/zhouli/disable", as: admin, json: "{}").0 == .noContent)
            #expect(try d.account(username: "zhouli")?.disabled == true)
            #expect(try await client.call(.get, "/api/accounts", as: admin).1.contains("\"zhouli\""))

            #expect(try await client.call(.post, "/api/campuses", as: admin, json: #"{"code":"WEST","name":"西院区","shiftSet":"three-shift"}"#).0 == .noContent)
            #expect(try d.campus("WEST")?.shiftSet == .threeShift)
            #expect(try await client.call(.post, "/api/campuses/WEST/posts", as: admin,
                                          json: #"{"id":"emergency-support","nameChinese":"应急支持岗","nameEnglish":"Emergency support"}"#).0 == .noContent)
            #expect(try d.posts(campus: "WEST").map(\.id) == ["emergency-support"])

            var policy = TicketPolicy.standard
            policy.businessHours = ["EAST": [[480, 720], [810, 1050]]]
            let json = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
            #expect(try await client.call(.put, "/api/ticket-policy", as: admin, json: json).0 == .noContent)
            #expect(try d.ticketPolicy().businessHours(at: "EAST") == [480..<720, 810..<1050])
            #expect(try await client.call(.get, "/api/ticket-policy", as: admin).1.contains("\"businessHours\""))
            #expect(try await client.call(.post, "/api/holidays/official", as: admin, json: #"{"year":2026}"#).0 == .noContent)
            #expect(try await client.call(.put, "/api/holidays/2026-11-07", as: admin, json: #"{"kind":"workday","name":"院庆调休"}"#).0 == .noContent)
            #expect(try d.holidayCalendar().dayType(of: LocalDate(iso: "2026-11-07")!) == .workday)

            let web = try AuditTrail.entries(store: d.store).filter { $0.via == "web user=admin" }.map(\.action)
            for action in ["person.register", "person.edit", "role.grant", "account.create", "account.password", "account.disable",
                           "campus.register", "post.register", "ticket.policy", "calendar.load", "calendar.day"] {
                #expect(web.contains(action), "\(action) audited")
            }
        }
    }

    @Test func otherRolesAndBadInputAreRefusedWithoutWriting() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let before = try fixture.versionVector()
            let writes: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/api/accounts", #"{"username":"x1","person":"E101"}"#), (.post, "/api/accounts/eng1/reset", nil),
                (.post, "/api/people", #"{"id":"E199","name":"某","campus":"EAST"}"#), (.put, "/api/people/E101", #"{"name":"某","campus":"EAST"}"#),
                (.post, "/api/people/E101/roles/grant", #"{"role":"administrator","scope":"*"}"#),
                (.post, "/api/campuses", #"{"code":"EAST","name":"东"}"#), (.put, "/api/ticket-policy", #"{"matrix":{},"targets":{}}"#),
                (.put, "/api/holidays/2026-11-07", #"{"kind":"holiday"}"#), (.post, "/api/holidays/official", #"{"year":2026}"#),
            ]
            for username in ["chief", "eng1", "clerk", "viewer", "ward"] {
                let session = try await client.signIn(username)
                for (method, path, body) in writes {
                    let answer = try await client.call(method, path, as: session, json: body)
                    #expect(answer.0 == .forbidden && errorCode(answer.1) == "admin_only", "\(username) \(method) \(path): \(answer.0)")
                }
                #expect(try await client.call(.get, "/api/accounts", as: session).0 == .forbidden)
                #expect(try await client.call(.get, "/api/people", as: session).0 == .forbidden)
            }
            let admin = try await client.signIn("admin")
            let bad: [(HTTPRequest.Method, String, String, HTTPResponse.Status)] = [
                (.post, "/api/accounts", #"{"username":"Bad Name","person":"E101"}"#, .unprocessableContent),
                (.post, "/api/accounts", #"{"username":"chief","person":"E101"}"#, .conflict),
                (.post, "/api/accounts/admin/disable", "{}", .unprocessableContent),
                (.post, "/api/accounts/eng1/unlock", "{}", .conflict),
                (.post, "/api/people", #"{"id":"E101","name":"重复","campus":"EAST"}"#, .conflict),
                (.post, "/api/people", #"{"id":"E198","name":"","campus":"EAST"}"#, .unprocessableContent),
                (.post, "/api/people", #"{"id":"E198","name":"某","campus":"EAST","posts":["no-such-post"]}"#, .unprocessableContent),
                (.post, "/api/people/E101/roles/grant", #"{"role":"boss","scope":"EAST"}"#, .badRequest),
                (.post, "/api/campuses", #"{"code":"east","name":"东"}"#, .badRequest),
                (.post, "/api/campuses", #"{"code":"EAST","name":"东","restDaysAfterNight":9}"#, .unprocessableContent),
                (.put, "/api/ticket-policy", #"{"matrix":{},"targets":{}}"#, .unprocessableContent),
                (.put, "/api/holidays/2026-11-09", #"{"kind":"workday"}"#, .unprocessableContent),
                (.post, "/api/holidays/official", #"{"year":1999}"#, .unprocessableContent),
                (.post, "/api/people", #"{"id":"E197","name":"某","campus":"EAST","extra":1}"#, .badRequest),
            ]
            for (method, path, body, status) in bad {
                let answer = try await client.call(method, path, as: admin, json: body)
                #expect(answer.0 == status, "\(method) \(path) \(body): \(answer.0) \(answer.1)")
            }
            #expect(try fixture.versionVector() == before, "nothing refused was written")
        }
    }
}
