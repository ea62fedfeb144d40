import Testing
import Replica
import Storage
@testable import Domain

/// Natural keys and the request state machine under concurrent writes.
@Suite struct MergeSemanticsTests {
    @Test func twoCampusesRegisteringTheSamePersonWhileCutOffMergeIntoOneRow() throws {
        let f = try DepartmentFixture()
        let admin = f.acting(DepartmentFixture.admin)
        try f.main.registerPerson(StaffMember(id: "E150", name: "周明", campus: "E", phone: "111", skills: ["网络安全"]), by: admin)
        try f.east.registerPerson(StaffMember(id: "E150", name: "周明", campus: "E", phone: "222", skills: ["数据运维"]), by: admin)
        try f.exchange()
        let people = try f.main.people().filter { $0.id == "E150" }
        #expect(people.count == 1)
        #expect(people.first?.skills == ["网络安全", "数据运维"])
        #expect(try f.main.person("E150") == f.east.person("E150"))
    }

    @Test func aCancelFoldedBeforeAnApprovalLeavesTheApprovalIgnoredNotLost() {
        let t = LocalDateTime(minutesSinceEpoch: 0)
        let log = [RequestTransition(.request, by: "a", at: t), RequestTransition(.accept, by: "b", at: t),
                   RequestTransition(.cancel, by: "a", at: t), RequestTransition(.approve, by: "c", at: t)]
        let folded = RequestFlow.swap.fold(log)
        #expect(folded.state == .cancelled)
        #expect(folded.ignored.map(\.action) == [.approve])
        #expect(RequestFlow.direct.fold(Array(log.prefix(1)) + [RequestTransition(.approve, by: "c", at: t)]).state == .approved)
    }
}
