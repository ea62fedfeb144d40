import Foundation
import GRDB
import Replica
import Storage

/// 值班记录 — one entry of a post's duty log, written during the shift.
public struct DutyLogEntry: Hashable, Codable, Sendable {
    public let by: String
    public let at: Int
    public let text: String

    public var time: LocalDateTime { LocalDateTime(minutesSinceEpoch: at) }
}

extension Department {
    /// Longest entry; a duty log line, not a report.
    public static let dutyLogEntryCharactersMax = 2_000

    /// Appends to the duty log of the shift the actor is working on `post` now (or, for
    /// the campus chief, the shift running now). Entries go to the seat's duty date, so
    /// a night's entries after midnight stay with the night.
    public func writeDutyLog(campus: CampusCode, post: PostID, text: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "dutylog.append") { tx, actor in
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw DomainError.missing(field: "duty log text") }
            guard trimmed.count <= Self.dutyLogEntryCharactersMax else {
                throw DomainError.breaksRosterRule("a duty log entry holds at most \(Self.dutyLogEntryCharactersMax) characters")
            }
            let duty = try OnDutyQuery.posts(tx.db, campus: campus, at: acting.now)
            guard let current = duty.first(where: { $0.post == post }) else { throw DomainError.unknownPost(campus, post) }
            let onDuty = current.onDuty.contains { $0.person == actor.id.rawValue }
            guard let slot = current.slot, onDuty || actor.holds(.sectionChief, at: campus) else {
                throw DomainError.notOnDuty(person: actor.id, post: post, at: acting.now)
            }
            let row = NaturalKey.rowID(DomainSchema.dutyLog, campus.rawValue, post.rawValue, slot.date.iso)
            try tx.assign(DomainSchema.dutyLog.name, row, ["campus": .text(campus.rawValue), "post": .text(post.rawValue), "date": .text(slot.date.iso)])
            let entry = DutyLogEntry(by: actor.id.rawValue, at: acting.now.minutesSinceEpoch, text: trimmed)
            try tx.append(DomainSchema.dutyLog.name, row, "entries", .text(LogCoding.encode(entry)))
            return ((), "\(campus) \(post) \(slot.date)")
        }
    }

    /// The duty log of a post for a duty date, in stamp order.
    public func dutyLog(campus: CampusCode, post: PostID, date: LocalDate) throws(DomainError) -> [DutyLogEntry] {
        try query { db in
            try StoredRows.log(db, DomainSchema.dutyLog, NaturalKey.rowID(DomainSchema.dutyLog, campus.rawValue, post.rawValue, date.iso), "entries")
                .compactMap { LogCoding.decode(DutyLogEntry.self, $0) }
        }
    }
}
