import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

/// Each role × each write endpoint: allowed, or 403. "Allowed" means the role checks
/// (the server's gate and the domain's) let the caller through: the answer is then a
/// 2xx, or the domain's own 404/409/422 about the state of things (a seat the caller
/// does not hold, a duty they are not on) — never 403 and never 5xx.
@Suite struct RoleMatrixTests {
    struct Endpoint: Sendable {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        /// Usernames (see `ServerFixture.people`) that may call it.
        let allowed: Set<String>
    }

    static let staffOfEast: Set<String> = ["admin", "chief", "clerk", "eng1", "eng2", "duty"]
    static let seat = "EAST|2026-03-10|network-security|night-1|0"

    /// `{leave}` and `{overtime}` are replaced by pending requests of eng2, made fresh per role.
    static let endpoints: [Endpoint] = [
        Endpoint(name: "publish roster", method: .post, path: "/api/rosters/EAST/2026-04/publish", body: #"{"seed":1}"#, allowed: ["chief"]),
        Endpoint(name: "override seat", method: .post, path: "/api/rosters/override", body: #"{"seat":"\#(seat)","person":null}"#, allowed: ["chief"]),
        Endpoint(name: "request swap", method: .post, path: "/api/swaps",
                 body: #"{"seat":"\#(seat)","colleague":"E102","reason":"家里有事"}"#,
                 allowed: staffOfEast.subtracting(["eng2"])),  // eng2 is the colleague E102: no swap with oneself (403)
        Endpoint(name: "approve swap", method: .post, path: "/api/swaps/00/approve", body: nil, allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "request leave", method: .post, path: "/api/leave", body: #"{"firstDay":"2026-03-25","lastDay":"2026-03-26","reason":"年假"}"#,
                 allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "approve leave", method: .post, path: "/api/leave/{leave}/approve", body: nil, allowed: ["chief"]),
        Endpoint(name: "request overtime", method: .post, path: "/api/overtime",
                 body: #"{"date":"2026-03-05","start":"17:00","end":"18:00","reason":"系统升级"}"#, allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "approve overtime", method: .post, path: "/api/overtime/{overtime}/approve", body: nil, allowed: ["chief"]),
        Endpoint(name: "sign in (attendance)", method: .post, path: "/api/attendance", body: #"{"kind":"sign_in"}"#,
                 allowed: staffOfEast.union(["mainchief", "maineng"])),
        Endpoint(name: "record attendance for another", method: .post, path: "/api/attendance", body: #"{"kind":"sign_in","person":"E102"}"#,
                 allowed: ["clerk", "eng2"]),  // E102 is eng2: recording for oneself

        Endpoint(name: "start handover", method: .post, path: "/api/handovers",
                 body: #"{"campus":"EAST","post":"network-security","incoming":"E102","openItems":[],"note":"交班"}"#,
                 allowed: ["chief", "clerk", "eng1", "duty"]),  // eng2 is the incoming E102: no handover to oneself (403)
        Endpoint(name: "write duty log", method: .post, path: "/api/duty/log", body: #"{"campus":"EAST","post":"network-security","text":"巡检正常"}"#,
                 allowed: staffOfEast),
        Endpoint(name: "change own password", method: .put, path: "/api/me/password",
                 body: #"{"currentPassword":"correct-horse-1","newPassword":"another-good-one"}"#,
                 allowed: Set(ServerFixture.people.map(\.0))),
    ]

    @Test(arguments: ServerFixture.people.map(\.0))
    func everyWriteEndpointAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let at = Acting("E102", at: ServerFixture.start)
        let leave = try fixture.department.requestLeave(firstDay: LocalDate(iso: "2026-03-16")!, lastDay: LocalDate(iso: "2026-03-16")!,
                                                        reason: "病假", by: at)
        let overtime = try fixture.department.requestOvertime(date: LocalDate(iso: "2026-03-04")!, startMinute: 17 * 60,
                                                              endMinute: 18 * 60, reason: "割接", by: at)
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            var mismatches: [String] = []
            for endpoint in Self.endpoints {
                let path = endpoint.path.replacingOccurrences(of: "{leave}", with: leave).replacingOccurrences(of: "{overtime}", with: overtime)
                let (status, body) = try await client.call(endpoint.method, path, as: session, json: endpoint.body)
                #expect(status.code < 500, "\(username) \(endpoint.name): \(status) \(body)")
                let allowed = endpoint.allowed.contains(username)
                if allowed == (status == .forbidden) {
                    mismatches.append("\(endpoint.name): expected \(allowed ? "allowed" : "403"), got \(status.code) \(body)")
                }
            }
            #expect(mismatches.isEmpty, "\(username):\n\(mismatches.joined(separator: "\n"))")
        }
    }
}
