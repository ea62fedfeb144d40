import Testing
import Replica
import Storage
@testable import Domain

/// Purchase, scrap and change requests: each step by its role, in its order.
@Suite struct ApprovalTests {
    let e = CampusReplicas.engineers

    func purchase() -> ApprovalRequest {
        var r = ApprovalRequest(kind: .purchase, campus: "E", title: "护士站电脑 2 台", reason: "旧机无法运行新版 HIS")
        r.department = "心内科"
        r.quantity = 2
        r.estimatedCost = 9_000
        return r
    }

    @Test func aPurchaseIsApprovedByTheDepartmentThenByIT() throws {
        let f = try CampusReplicas()
        let id = try f.main.requestApproval(purchase(), by: f.acting(CampusReplicas.requester))
        #expect(try refusedWithoutWriting(f.main) { try f.main.decideApproval(id, .approve, by: f.acting(CampusReplicas.chief)) }
                == .wrongState(what: "purchase request \(id)", state: "requested", action: "approve"))
        try f.main.decideApproval(id, .departmentApprove, by: f.acting(CampusReplicas.head, 1))
        try f.main.decideApproval(id, .approve, by: f.acting(CampusReplicas.chief, 2))
        let approval = try f.main.approval(id)
        #expect(approval.state == .approved && approval.history.map(\.action) == [.request, .departmentApprove, .approve])
    }

    @Test func anApprovalByTheWrongRoleIsRefused() throws {
        let f = try CampusReplicas()
        let id = try f.main.requestApproval(purchase(), by: f.acting(CampusReplicas.requester))
        let error = try refusedWithoutWriting(f.main) { try f.main.decideApproval(id, .departmentApprove, by: f.acting(e[0])) }
        #expect(error?.description.contains("科室主任") == true)
    }

    @Test func aChangeGoesFromApplicationThroughAssessmentAndApprovalToImplementation() throws {
        let f = try CampusReplicas()
        var change = ApprovalRequest(kind: .change, campus: "E", title: "HIS 升级 5.2", reason: "厂商补丁")
        change.system = "HIS"
        change.impact = "升级期间门诊挂号停机 30 分钟"
        change.notifyDepartments = ["门诊部", "药剂科"]
        #expect(try refusedWithoutWriting(f.main) { try f.main.requestApproval(change, by: f.acting(e[0])) } == .missing(field: "rollback plan (回退方案)"))
        change.rollbackPlan = "恢复升级前快照"
        let id = try f.main.requestApproval(change, by: f.acting(e[0]))
        try f.main.decideApproval(id, .assess, note: "风险低，夜间实施", by: f.acting(e[1], 1))
        #expect(try refusedWithoutWriting(f.main) { try f.main.decideApproval(id, .implement, by: f.acting(e[1], 2)) }
                == .wrongState(what: "change request \(id)", state: "assessed", action: "implement"))
        try f.main.decideApproval(id, .approve, by: f.acting(CampusReplicas.chief, 3))
        try f.main.decideApproval(id, .implement, note: "已完成", by: f.acting(e[1], 4))
        let done = try f.main.approval(id)
        #expect(done.state == .implemented && done.notifyDepartments == ["药剂科", "门诊部"].sorted())
    }
}

/// Concurrent decisions on one scrap request.
@Suite struct ScrapMergeTests {
    @Test func aScrapApprovedAtOneCampusWhileCancelledAtAnotherKeepsBothDecisionsAndIsListedIfTheApprovalLost() throws {
        let f = try CampusReplicas()
        let engineer = CampusReplicas.engineers[0]
        try f.main.registerAsset(AssetRecord(tag: "E-SRV-01", campus: "E", type: .server, name: "旧服务器"), by: f.acting(engineer))
        var request = ApprovalRequest(kind: .scrap, campus: "E", title: "报废旧服务器", reason: "停用")
        request.assetTag = "E-SRV-01"
        let id = try f.main.requestApproval(request, by: f.acting(engineer, 1))
        try f.exchange()
        try f.east.decideApproval(id, .cancel, by: f.acting(engineer, 2))
        try f.main.decideApproval(id, .approve, by: f.acting(CampusReplicas.chief, 3))
        try f.exchange()
        let a = try f.main.approval(id), b = try f.east.approval(id)
        #expect(a == b && a.history.count + a.ignored.count == 3)
        let problems = try f.main.assetProblems()
        #expect(problems == (try f.east.assetProblems()))
        if a.state == .cancelled {
            #expect(problems == [.scrappedWithoutApproval(tag: "E-SRV-01", campus: "E", approval: id, state: .cancelled)])
        } else {
            #expect(a.state == .approved && problems.isEmpty)
        }
        #expect(try f.main.asset("E-SRV-01").state == .scrapped)
    }
}
