import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Domain
@testable import Server

/// 机房与安全检查: who may log entries and checks, the dashboard's lists, refusals beside the form.
@Suite struct MachineRoomPageTests {
    @Test(arguments: ServerFixture.people.map(\.0))
    func everyMachineRoomWriteAllowsOrRefusesThisRole(_ username: String) async throws {
        let fixture = try ServerFixture()
        let at = Acting("E101", at: ServerFixture.start)
        let entry = try fixture.department.enterMachineRoom(campus: "EAST", person: "E101", reason: "巡检", escort: nil, by: at)
        let check = try fixture.department.scheduleSecurityCheck(campus: "EAST", kind: .patch, target: "HIS 服务器", dueOn: ServerFixture.start.date, by: at)
        let keepers: Set<String> = ["chief", "eng1", "eng2", "duty"]
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn(username)
            let writes: [(String, String, String?, Set<String>)] = [
                ("enter", "/api/machine-room", #"{"campus":"EAST","visitor":"厂商 王工","escort":"E101","reason":"更换电源"}"#, keepers),
                ("leave", "/api/machine-room/\(entry)/leave", nil, keepers),
                ("schedule", "/api/security-checks", #"{"campus":"EAST","kind":"vulnerability","target":"门户网站","dueOn":"2026-03-20"}"#, ["chief", "eng1", "eng2"]),
                ("record", "/api/security-checks/\(check)/record", #"{"doneOn":"2026-03-02","result":"补丁已安装"}"#, keepers),
            ]
            for (name, path, body, allowed) in writes {
                let (status, text) = try await client.call(.post, path, as: session, json: body)
                #expect(status.code < 500, "\(username) \(name): \(status) \(text)")
                #expect(allowed.contains(username) != (status == .forbidden), "\(username) \(name): got \(status.code) \(text)")
            }
            let readers: Set<String> = ["admin", "chief", "clerk", "eng1", "eng2", "duty", "viewer", "mainchief", "maineng"]
            let (page, _, _) = try await client.page("/machine-room", as: session)
            #expect(page == (readers.contains(username) ? .ok : .forbidden), "\(username) /machine-room: \(page)")
        }
    }

    @Test func theDashboardListsWhoIsInsideAndChecksDueAndAVisitorWithoutEscortIsRefused() async throws {
        let fixture = try ServerFixture()
        let at = Acting("E101", at: ServerFixture.start)
        _ = try fixture.department.scheduleSecurityCheck(campus: "EAST", kind: .patch, target: "HIS 数据库服务器补丁", dueOn: ServerFixture.start.date, by: at)
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            let (entered, headers, _) = try await client.form("/machine-room/enter", as: session, [("csrf", session.csrf), ("campus", "EAST"), ("person", ""),
                                                                                               ("visitor", "华为 王工"), ("escort", "E101"), ("reason", "更换电源模块")])
            #expect(entered == .seeOther && headers[.location] == "/machine-room?done=enter")
            let (_, _, home) = try await client.page("/", as: session)
            #expect(home.contains("机房内人员") && home.contains("华为 王工") && home.contains("待安全检查") && home.contains("HIS 数据库服务器补丁"))
            let before = try fixture.versionVector()
            let (refused, _, page) = try await client.form("/machine-room/enter", as: session, [("csrf", session.csrf), ("campus", "EAST"), ("person", ""),
                                                                                             ("visitor", "厂商"), ("escort", ""), ("reason", "维修")])
            #expect(refused == .unprocessableContent && page.contains("来访人员须有本院陪同人") && page.contains("value=\"厂商\""))
            #expect(try fixture.versionVector() == before)
        }
    }
}
