import GRDB
import Replica
import Storage

/// 换班 — request, accept or decline, approve or reject, cancel.
extension Department {
    /// 申请换班 — by the engineer holding `seat`.
    public func requestSwap(campus: CampusCode, seat: SlotKey, colleague: PersonID, colleagueSeat: SlotKey?,
                            reason: String, by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "swap.request") { tx, actor in
            let context = try RosterContext.load(tx.db, campus: campus)
            _ = try context.person(colleague)
            guard colleague != actor.id else { throw DomainError.notPermitted(actor: actor.id, action: "swap with themselves", needs: "a colleague") }
            try Self.requireHolder(tx.db, campus: campus, slot: seat, person: actor.id, now: acting.now)
            if let colleagueSeat {
                guard colleagueSeat != seat else { throw DomainError.overlapping(person: colleague, what: "the offered seat", existing: "the same seat") }
                try Self.requireHolder(tx.db, campus: campus, slot: colleagueSeat, person: colleague, now: acting.now)
            }
            guard !reason.isEmpty else { throw DomainError.missing(field: "reason") }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.swapRequest.name, row, [
                "campus": .text(campus.rawValue), "requester": .text(actor.id.rawValue), "colleague": .text(colleague.rawValue),
                "requester_seat": .text(SeatKey.text(campus: campus, slot: seat)),
                "colleague_seat": .text(colleagueSeat.map { SeatKey.text(campus: campus, slot: $0) } ?? ""),
                "reason": .text(reason), "requested_at": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            try Self.appendTransition(DomainSchema.swapRequest, row, RequestTransition(.request, by: actor.id, at: acting.now), tx: tx)
            return (row.description, row.description)
        }
    }

    /// 同事同意 / 拒绝 — by the colleague named in the request.
    public func answerSwap(_ id: String, accept: Bool, by acting: Acting) throws(DomainError) {
        try perform(acting, accept ? "swap.accept" : "swap.decline") { tx, actor in
            let request = try Self.swap(tx.db, id)
            try Permissions.requireSelf(actor, request.colleague, to: accept ? "accept swap \(id)" : "decline swap \(id)")
            try Self.transition(request, accept ? .accept : .decline, by: actor.id, at: acting.now, tx: tx)
            return ((), id)
        }
    }

    /// 科长批准 — re-checks that both seats are still held as requested and that the
    /// exchange breaks no hard rule, then moves the seats in the same batch.
    public func approveSwap(_ id: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "swap.approve") { tx, actor in
            let request = try Self.swap(tx.db, id)
            try Permissions.require(actor, .sectionChief, at: request.campus, to: "approve swap \(id)")
            guard RequestFlow.swap.next(request.state, .approve) != nil else {
                throw DomainError.wrongState(what: "swap \(id)", state: request.state.rawValue, action: "approve")
            }
            let context = try RosterContext.load(tx.db, campus: request.campus)
            try Self.requireHolder(tx.db, campus: request.campus, slot: request.requesterSeat, person: request.requester, now: nil)
            var changes: [SlotKey: PersonID?] = [request.requesterSeat: request.colleague]
            if let theirs = request.colleagueSeat {
                try Self.requireHolder(tx.db, campus: request.campus, slot: theirs, person: request.colleague, now: nil)
                changes[theirs] = request.requester
            }
            let dates = changes.keys.map(\.date)
            let broken = try context.violations(tx.db, around: dates, changes: changes, involving: [request.requester, request.colleague])
            if let first = broken.first { throw DomainError.breaksRosterRule(first.description) }
            for (slot, holder) in changes.sorted(by: { $0.key < $1.key }) {
                try Self.writeSeat(campus: request.campus, slot: slot, holder: holder, tx: tx)
            }
            try Self.transition(request, .approve, by: actor.id, at: acting.now, tx: tx)
            return ((), id)
        }
    }

    /// 科长驳回
    public func rejectSwap(_ id: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "swap.reject") { tx, actor in
            let request = try Self.swap(tx.db, id)
            try Permissions.require(actor, .sectionChief, at: request.campus, to: "reject swap \(id)")
            try Self.transition(request, .reject, by: actor.id, at: acting.now, tx: tx)
            return ((), id)
        }
    }

    /// 撤回 — by the requester, before approval.
    public func cancelSwap(_ id: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "swap.cancel") { tx, actor in
            let request = try Self.swap(tx.db, id)
            try Permissions.requireSelf(actor, request.requester, to: "cancel swap \(id)")
            try Self.transition(request, .cancel, by: actor.id, at: acting.now, tx: tx)
            return ((), id)
        }
    }

    // MARK: - Queries

    /// Swap requests of a campus (all states), oldest first.
    public func swaps(campus: CampusCode) throws(DomainError) -> [SwapRequest] {
        try query { try SwapRequests.all($0, campus: campus) }.sorted { ($0.requestedAt, $0.id) < ($1.requestedAt, $1.id) }
    }

    /// 考勤员可见 — approved swaps only: what the attendance clerk records. Open to the
    /// clerk, the chief and central viewers of the campus.
    public func approvedSwaps(campus: CampusCode, viewer: PersonID) throws(DomainError) -> [SwapRequest] {
        guard let person = try self.person(viewer), person.active else { throw .unknownActor(viewer) }
        try Permissions.requireAny(person, [.attendanceClerk, .sectionChief, .centralViewer], at: campus,
                                   to: "see the approved swaps of campus \(campus)")
        return try swaps(campus: campus).filter { $0.state == .approved }
    }

    // MARK: - Helpers

    static func swap(_ db: Database, _ id: String) throws -> SwapRequest {
        guard let request = try SwapRequests.find(db, id) else { throw DomainError.unknownRequest(kind: "swap request", id: id) }
        return request
    }

    private static func transition(_ request: SwapRequest, _ action: RequestAction, by person: PersonID, at now: LocalDateTime,
                                   tx: WriteTransaction) throws {
        guard RequestFlow.swap.next(request.state, action) != nil else {
            throw DomainError.wrongState(what: "swap \(request.id)", state: request.state.rawValue, action: action.rawValue)
        }
        guard let row = RowID(hex: request.id) else { throw DomainError.unknownRequest(kind: "swap request", id: request.id) }
        try appendTransition(DomainSchema.swapRequest, row, RequestTransition(action, by: person, at: now), tx: tx)
    }

    static func appendTransition(_ entity: EntitySchema, _ row: RowID, _ transition: RequestTransition, tx: WriteTransaction) throws {
        try tx.append(entity.name, row, "transitions", .text(LogCoding.encode(transition)))
    }

    /// The seat exists, `person` holds it without a conflict, and (when `now` is given) it has not started.
    private static func requireHolder(_ db: Database, campus: CampusCode, slot: SlotKey, person: PersonID,
                                      now: LocalDateTime?) throws {
        let key = SeatKey.text(campus: campus, slot: slot)
        guard let seat = try RosterSeats.seat(db, campus: campus, slot: slot) else { throw DomainError.unknownSeat(key) }
        guard seat.conflicting.isEmpty, seat.assignee == person else {
            throw DomainError.wrongState(what: "seat \(key)", state: "held by \(seat.holders.map(\.rawValue).joined(separator: ", "))",
                                         action: "swap it as held by \(person)")
        }
        if let now, let template = try Directory.campus(db, campus)?.shiftSet.templates.first(where: { $0.id == slot.shiftKind }),
           template.interval(on: slot.date).start <= now {
            throw DomainError.wrongState(what: "seat \(key)", state: "already started", action: "swap")
        }
    }
}
