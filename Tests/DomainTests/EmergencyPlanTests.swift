import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 应急预案 and 演练: one plan per key system per campus (two nodes writing it meet on one
/// row), contacts from the directory, drills scheduled, recorded and listed when due;
/// refusals write nothing.
@Suite struct EmergencyPlanTests {
    let e = CampusReplicas.engineers
    static let his = PlanDraft(campus: "E", system: .his, title: "HIS 宕机应急预案",
                               steps: "1. 通知门诊切换手工开单\n2. 启用备用服务器\n3. 恢复后补录数据", startLevel: .sectionChief)

    @Test func aPlanWrittenAtTwoNodesIsOneRowWithItsContactsMerged() throws {
        let f = try CampusReplicas()
        let id = try f.main.writePlan(Self.his, by: f.acting(CampusReplicas.chief))
        var other = Self.his
        other.steps += "\n4. 报总值班"
        #expect(try f.east.writePlan(other, by: f.acting(CampusReplicas.chief, 1)) == id, "keyed by campus and system")
        try f.main.setPlanContact(id, e[0], by: f.acting(CampusReplicas.chief, 2))
        try f.east.setPlanContact(id, e[1], by: f.acting(CampusReplicas.chief, 3))
        try f.exchange()
        for node in [f.main, f.east] {
            let plans = try node.emergencyPlans(campus: "E")
            #expect(plans.count == 1 && plans[0].steps.count == 4, "the later edit wins whole")
            #expect(Set(plans[0].contacts) == [e[0], e[1]] && plans[0].startLevel == .sectionChief)
        }
    }

    @Test func drillsAreDueUntilRecordedWithFindingsAndActions() throws {
        let f = try CampusReplicas()
        let plan = try f.main.writePlan(Self.his, by: f.acting(CampusReplicas.chief))
        let today = CampusReplicas.start.date
        let soon = try f.main.scheduleDrill(plan, on: today.adding(days: 7), scenario: "HIS 数据库主机宕机", by: f.acting(CampusReplicas.chief, 1))
        let later = try f.main.scheduleDrill(plan, on: today.adding(days: 60), scenario: "机房断电", by: f.acting(CampusReplicas.chief, 2))
        try f.exchange()
        #expect(try f.east.drillsDue(on: today).map(\.id) == [soon], "within \(Department.drillsDueDays) days; the later one is not yet due")
        #expect(try f.east.drillsDue(on: today.adding(days: 50)).map(\.id) == [soon, later], "an overdue drill stays due")
        try f.east.recordDrill(soon, doneOn: today, findings: "备用服务器切换用时 25 分钟", actions: "更新切换脚本\n每季度演练一次",
                               by: f.acting(e[0], 3))
        try f.exchange()
        let done = try #require(try f.main.drills(plan: plan).first { $0.id == soon })
        #expect(done.done && done.findings.contains("25 分钟") && done.recordedBy == e[0].rawValue)
        #expect(try f.main.drillsDue(on: today).isEmpty)
    }

    @Test func badInputAndTheWrongRoleAreRefusedAndNothingIsWritten() throws {
        let f = try CampusReplicas()
        let chief = f.acting(CampusReplicas.chief)
        #expect(try refusedWithoutWriting(f.main) { try f.main.writePlan(Self.his, by: f.acting(e[0])) }.map { if case .notPermitted = $0 { true } else { false } } == true)
        var bad = Self.his
        bad.steps = String(repeating: "步", count: Department.planStepsMax + 1)
        #expect(try refusedWithoutWriting(f.main) { try f.main.writePlan(bad, by: chief) } != nil)
        bad = Self.his
        bad.title = ""
        #expect(try refusedWithoutWriting(f.main) { try f.main.writePlan(bad, by: chief) } == .missing(field: "title"))
        bad = Self.his
        bad.campus = "X"
        #expect(try refusedWithoutWriting(f.main) { try f.main.writePlan(bad, by: chief) } == .unknownCampus("X"))
        let plan = try f.main.writePlan(Self.his, by: chief)
        #expect(try refusedWithoutWriting(f.main) { try f.main.setPlanContact(plan, "NOBODY", by: chief) } == .unknownPerson("NOBODY"))
        #expect(try refusedWithoutWriting(f.main) { try f.main.scheduleDrill("00ff", on: CampusReplicas.start.date, scenario: "x", by: chief) } != nil)
        let drill = try f.main.scheduleDrill(plan, on: CampusReplicas.start.date, scenario: "宕机", by: chief)
        #expect(try refusedWithoutWriting(f.main) {
            try f.main.recordDrill(drill, doneOn: CampusReplicas.start.date.adding(days: 1), findings: "x", actions: "", by: chief)
        } != nil, "a drill is not recorded before it is held")
        #expect(try refusedWithoutWriting(f.main) { try f.main.recordDrill(drill, doneOn: CampusReplicas.start.date, findings: " ", actions: "", by: chief) }
                == .missing(field: "findings"))
        #expect(try refusedWithoutWriting(f.main) {
            try f.main.recordDrill(drill, doneOn: CampusReplicas.start.date, findings: "x", actions: "", by: f.acting(CampusReplicas.requester))
        } != nil)
    }
}
