import Testing
import Replica
import Storage
@testable import Domain

/// Every refused ticket command names the problem and writes nothing (version vector unchanged).
@Suite struct TicketBadInputTests {
    let e = CampusReplicas.engineers

    @Test func resolvingWithoutARootCauseIsRefused() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let error = try refusedWithoutWriting(f.main) { try f.main.resolveTicket(n, rootCause: " ", improvement: "更换", by: f.acting(e[0])) }
        #expect(error == .missing(field: "root cause (原因)"))
    }

    @Test func closingATicketThatWasNeverResolvedIsRefused() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let error = try refusedWithoutWriting(f.main) { try f.main.closeTicket(n, by: f.acting(e[0])) }
        #expect(error == .wrongState(what: "ticket \(n)", state: "assigned", action: "close"))
        #expect(error?.description.contains("cannot close") == true)
    }

    @Test func resolvingACancelledTicketIsRefused() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        try f.main.cancelTicket(n, reason: "重复报修", by: f.acting(CampusReplicas.requester))
        let error = try refusedWithoutWriting(f.main) { try f.main.resolveTicket(n, rootCause: "x", improvement: "y", by: f.acting(e[0])) }
        #expect(error == .wrongState(what: "ticket \(n)", state: "cancelled", action: "resolve"))
    }

    @Test func escalatingWithoutAWorkaroundIsRefused() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let error = try refusedWithoutWriting(f.main) { try f.main.escalateTicket(n, to: nil, workaround: "", by: f.acting(e[0])) }
        #expect(error == .missing(field: "workaround (过渡方案)"))
    }

    @Test func assigningToSomeoneUnknownIsRefused() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let error = try refusedWithoutWriting(f.main) { try f.main.assignTicket(n, to: "X999", by: f.acting(CampusReplicas.chief)) }
        #expect(error == .unknownPerson("X999"))
    }

    @Test func openingATicketOnAnUnknownAssetIsRefused() throws {
        let f = try CampusReplicas()
        let error = try refusedWithoutWriting(f.main) { _ = try f.main.openTicket(f.intake(assets: ["NO-SUCH-TAG"]), by: f.acting(CampusReplicas.requester)) }
        #expect(error == .unknownAsset("NO-SUCH-TAG"))
    }

    @Test func aRequesterMayNotResolveAndAnUnknownTicketIsNamed() throws {
        let f = try CampusReplicas()
        let n = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let error = try refusedWithoutWriting(f.main) { try f.main.resolveTicket(n, rootCause: "x", improvement: "y", by: f.acting(CampusReplicas.requester)) }
        guard case .notPermitted? = error else { Issue.record("requester resolved: \(String(describing: error))"); return }
        #expect(try refusedWithoutWriting(f.main) { try f.main.startTicket("E-2026-0000-99999", by: f.acting(e[0])) } == .unknownTicket("E-2026-0000-99999"))
    }
}
