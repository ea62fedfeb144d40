import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 机房进出登记 and 安全检查: entries in and out (a visitor needs an escort), checks due
/// until recorded, both merged from two nodes; refusals write nothing.
@Suite struct MachineRoomTests {
    let e = CampusReplicas.engineers

    @Test func aVisitorGoesInWithAnEscortAndComesOutAndBothNodesAgree() throws {
        let f = try CampusReplicas()
        let visit = try f.main.enterMachineRoom(campus: "E", person: nil, visitor: "华为工程师 王工", reason: "更换核心交换机电源模块",
                                                escort: e[0], by: f.acting(e[0]))
        let own = try f.east.enterMachineRoom(campus: "E", person: e[1], reason: "巡检", escort: nil, by: f.acting(e[1], 1))
        try f.exchange()
        #expect(try f.east.machineRoomEntries(campus: "E").filter(\.inside).map(\.id).sorted() == [visit, own].sorted())
        try f.east.leaveMachineRoom(visit, by: f.acting(e[1], 45))
        try f.exchange()
        let entry = try #require(try f.main.machineRoomEntries().first { $0.id == visit })
        #expect(!entry.inside && entry.outAt == CampusReplicas.start.adding(minutes: 45) && entry.escort == e[0] && entry.visitor.contains("王工"))
        #expect(try refusedWithoutWriting(f.main) { try f.main.leaveMachineRoom(visit, by: f.acting(e[0], 50)) } != nil, "out once")
    }

    @Test func badEntriesAreRefusedAndNothingIsWritten() throws {
        let f = try CampusReplicas()
        let a = f.acting(e[0])
        #expect(try refusedWithoutWriting(f.main) { try f.main.enterMachineRoom(campus: "E", person: nil, visitor: "厂商", reason: "维修", escort: nil, by: a) }
                == .missing(field: "escort"), "a visitor is accompanied")
        #expect(try refusedWithoutWriting(f.main) { try f.main.enterMachineRoom(campus: "E", person: e[1], reason: " ", escort: nil, by: a) } == .missing(field: "reason"))
        #expect(try refusedWithoutWriting(f.main) { try f.main.enterMachineRoom(campus: "E", person: "NOBODY", reason: "巡检", escort: nil, by: a) } == .unknownPerson("NOBODY"))
        #expect(try refusedWithoutWriting(f.main) { try f.main.enterMachineRoom(campus: "E", person: e[1], visitor: "厂商", reason: "巡检", escort: e[0], by: a) } != nil,
                "staff or visitor, not both")
        #expect(try refusedWithoutWriting(f.main) {
            try f.main.enterMachineRoom(campus: "E", person: e[1], reason: "巡检", escort: nil, by: f.acting(CampusReplicas.requester))
        } != nil, "a ward's staff keep no machine-room log")
    }

    @Test func securityChecksAreDueUntilRecorded() throws {
        let f = try CampusReplicas()
        let today = CampusReplicas.start.date
        let patch = try f.main.scheduleSecurityCheck(campus: "E", kind: .patch, target: "HIS 数据库服务器 Windows 补丁", dueOn: today.adding(days: 3),
                                                     by: f.acting(e[0]))
        let scan = try f.main.scheduleSecurityCheck(campus: "E", kind: .vulnerability, target: "门户网站漏洞扫描", dueOn: today.adding(days: 30),
                                                    by: f.acting(CampusReplicas.chief))
        try f.exchange()
        #expect(try f.east.securityChecksDue(on: today).map(\.id) == [patch])
        #expect(try f.east.securityChecksDue(on: today.adding(days: 40)).map(\.id) == [patch, scan], "overdue stays due")
        #expect(try refusedWithoutWriting(f.east) { try f.east.recordSecurityCheck(patch, doneOn: today.adding(days: 1), result: "x", by: f.acting(e[1])) } != nil)
        #expect(try refusedWithoutWriting(f.east) { try f.east.recordSecurityCheck(patch, doneOn: today, result: "", by: f.acting(e[1])) } == .missing(field: "result"))
        try f.east.recordSecurityCheck(patch, doneOn: today, result: "安装 12 个补丁，重启后 HIS 正常", by: f.acting(e[1], 5))
        try f.exchange()
        #expect(try f.main.securityChecksDue(on: today).isEmpty)
        #expect(try f.main.securityChecks().first { $0.id == patch }?.checkedBy == e[1].rawValue)
        #expect(try refusedWithoutWriting(f.main) {
            try f.main.scheduleSecurityCheck(campus: "E", kind: .patch, target: "x", dueOn: today, by: f.acting(CampusReplicas.requester))
        } != nil)
    }
}
