import GRDB
import Replica
import Storage

/// 代为换班 / 顶班 — the section chief moves a seat for someone who cannot ask: ill at
/// home, unreachable, or already on a shift that someone must take over. The result is
/// an ordinary swap request, requested, accepted and approved by the chief in one batch,
/// so the attendance clerk files it with the others and its history names the chief.
extension Department {
    /// The longest reason a chief may give (the same bound as a request's reason).
    public static let arrangedSwapReasonMax = 500

    /// Gives `seat` (held by someone else) to `colleague`, and `colleagueSeat` (held by
    /// `colleague`) to the seat's holder when it is an exchange; nil is a take-over (顶班).
    /// A seat under way may be taken over: that is what a take-over is for. The hard
    /// rules are checked as an approval checks them; the reason is required and audited.
    public func arrangeSwap(campus: CampusCode, seat: SlotKey, colleague: PersonID, colleagueSeat: SlotKey?,
                            reason: String, by acting: Acting) throws(DomainError) -> String {
        try perform(acting, colleagueSeat == nil ? "swap.take_over" : "swap.arrange") { tx, actor in
            try Permissions.require(actor, .sectionChief, at: campus, to: "arrange a swap at campus \(campus)")
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw DomainError.missing(field: "reason") }
            guard reason.count <= Self.arrangedSwapReasonMax else { throw DomainError.invalid(field: "reason", reason: "longer than \(Self.arrangedSwapReasonMax) characters") }
            let (holder, changes) = try Self.arrangement(tx.db, campus: campus, seat: seat, colleague: colleague, colleagueSeat: colleagueSeat,
                                                         actor: actor.id)
            let key = SeatKey.text(campus: campus, slot: seat)
            let row = tx.newRowID()
            try tx.assign(DomainSchema.swapRequest.name, row, [
                "campus": .text(campus.rawValue), "requester": .text(holder.rawValue), "colleague": .text(colleague.rawValue),
                "requester_seat": .text(key),
                "colleague_seat": .text(colleagueSeat.map { SeatKey.text(campus: campus, slot: $0) } ?? ""),
                "reason": .text(reason), "requested_at": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            for action in [RequestAction.request, .accept, .approve] {
                try Self.appendTransition(DomainSchema.swapRequest, row, RequestTransition(action, by: actor.id, at: acting.now), tx: tx)
            }
            for (slot, person) in changes.sorted(by: { $0.key < $1.key }) {
                try Self.writeSeat(campus: campus, slot: slot, holder: person, tx: tx)
            }
            let what = colleagueSeat.map { " ⇄ \(SeatKey.text(campus: campus, slot: $0))" } ?? " (take-over)"
            return (row.description, "\(key)\(what): \(holder.rawValue) → \(colleague.rawValue); reason: \(reason)")
        }
    }

    /// The hard rules the arrangement would break (empty: it may be saved), for the page to
    /// name them before it asks. Throws what `arrangeSwap` throws before its rule check.
    public func arrangementViolations(campus: CampusCode, seat: SlotKey, colleague: PersonID,
                                      colleagueSeat: SlotKey?) throws(DomainError) -> [RosterViolation] {
        try query { db in
            let (holder, changes) = try Self.arrangement(db, campus: campus, seat: seat, colleague: colleague, colleagueSeat: colleagueSeat,
                                                         actor: colleague, checkRules: false)
            return try RosterContext.load(db, campus: campus).violations(db, around: changes.keys.map(\.date), changes: changes,
                                                                          involving: [holder, colleague])
        }
    }

    /// The seat's holder and the seats that change hands, after checking who holds what;
    /// with `checkRules`, the hard rules too.
    static func arrangement(_ db: Database, campus: CampusCode, seat: SlotKey, colleague: PersonID, colleagueSeat: SlotKey?,
                            actor: PersonID, checkRules: Bool = true) throws -> (PersonID, [SlotKey: PersonID?]) {
        let context = try RosterContext.load(db, campus: campus)
        _ = try context.person(colleague)
        let key = SeatKey.text(campus: campus, slot: seat)
        guard let held = try RosterSeats.seat(db, campus: campus, slot: seat) else { throw DomainError.unknownSeat(key) }
        guard held.conflicting.isEmpty, let holder = held.assignee else {
            throw DomainError.wrongState(what: "seat \(key)", state: held.conflicting.isEmpty ? "open" : "in conflict", action: "swap")
        }
        guard holder != colleague else {
            throw DomainError.notPermitted(actor: actor, action: "give \(holder) their own seat", needs: "a colleague")
        }
        var changes: [SlotKey: PersonID?] = [seat: colleague]
        if let theirs = colleagueSeat {
            guard theirs != seat else { throw DomainError.overlapping(person: colleague, what: "the offered seat", existing: "the same seat") }
            guard let offered = try RosterSeats.seat(db, campus: campus, slot: theirs) else {
                throw DomainError.unknownSeat(SeatKey.text(campus: campus, slot: theirs))
            }
            guard offered.conflicting.isEmpty, offered.assignee == colleague else {
                throw DomainError.wrongState(what: "seat \(SeatKey.text(campus: campus, slot: theirs))",
                                             state: "held by \(offered.holders.map(\.rawValue).joined(separator: ", "))",
                                             action: "swap it as held by \(colleague)")
            }
            changes[theirs] = holder
        }
        if checkRules {
            let broken = try context.violations(db, around: changes.keys.map(\.date), changes: changes, involving: [holder, colleague])
            if let first = broken.first { throw DomainError.breaksRosterRule(first.description) }
        }
        return (holder, changes)
    }
}
