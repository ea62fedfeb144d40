import GRDB
import Replica
import Storage

/// 交接班 — the outgoing engineer hands the post to the incoming one: open items
/// (ticket numbers) carried over, notes, and both signatures. Append-only: notes and
/// signatures are log entries, open items only ever added.
public struct Handover: Hashable, Codable, Sendable {
    public let id: String
    public let campus: CampusCode
    public let post: PostID
    public let outgoing: PersonID
    public let incoming: PersonID
    public let at: LocalDateTime
    /// 遗留问题 — ticket numbers, as text until tickets land.
    public let openItems: [String]
    public let notes: [Entry]
    public let signedByOutgoing: Bool
    public let signedByIncoming: Bool

    public var complete: Bool { signedByOutgoing && signedByIncoming }

    /// One appended entry: a note, or a signature.
    public struct Entry: Hashable, Codable, Sendable {
        public enum Kind: String, Hashable, Codable, Sendable {
            case note
            case sign
        }

        public let kind: Kind
        public let by: String
        public let at: Int
        public let text: String
    }
}

enum Handovers {
    static func all(_ db: Database, campus: CampusCode? = nil) throws -> [Handover] {
        let rows = if let campus {
            try StoredRows.fetch(db, DomainSchema.handover, where: "campus = ?", [campus.rawValue])
        } else {
            try StoredRows.fetch(db, DomainSchema.handover)
        }
        return try rows.map { row in
            let id = StoredRows.rowID(row)
            let entries = try StoredRows.log(db, DomainSchema.handover, id, "entries").compactMap { LogCoding.decode(Handover.Entry.self, $0) }
            let outgoing = PersonID((row["outgoing"] as String?) ?? "")
            let incoming = PersonID((row["incoming"] as String?) ?? "")
            let signers = Set(entries.filter { $0.kind == .sign }.map(\.by))
            return Handover(id: id.description, campus: CampusCode((row["campus"] as String?) ?? ""),
                            post: PostID((row["post"] as String?) ?? ""), outgoing: outgoing, incoming: incoming,
                            at: LocalDateTime(minutesSinceEpoch: (row["at_minute"] as Int?) ?? 0),
                            openItems: try StoredRows.set(db, DomainSchema.handover, id, "open_items"),
                            notes: entries.filter { $0.kind == .note },
                            signedByOutgoing: signers.contains(outgoing.rawValue), signedByIncoming: signers.contains(incoming.rawValue))
        }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
    }
}

extension Department {
    /// Bounds one handover: more open items than this is a list, not a handover.
    public static let handoverOpenItemsMax = 100

    /// 交班 — the outgoing engineer (the actor) opens the handover, signs it, and lists open items and notes.
    public func startHandover(campus: CampusCode, post: PostID, incoming: PersonID, openItems: [String], note: String,
                              by acting: Acting) throws(DomainError) -> String {
        try startHandover(campus: campus, post: post, incoming: incoming, openItems: openItems, notes: [note], by: acting)
    }

    /// 交班 with several notes (the web form's 已完成 and 待办), appended in order, empty ones skipped.
    public func startHandover(campus: CampusCode, post: PostID, incoming: PersonID, openItems: [String], notes: [String],
                              by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "handover.start") { tx, actor in
            let context = try RosterContext.load(tx.db, campus: campus)
            try context.requirePost(post)
            _ = try context.person(incoming)
            guard incoming != actor.id else { throw DomainError.notPermitted(actor: actor.id, action: "hand over to themselves", needs: "another engineer") }
            guard actor.campus == campus || actor.holds(.sectionChief, at: campus) else {
                throw DomainError.notPermitted(actor: actor.id, action: "hand over a post of campus \(campus)", needs: "to be on campus \(campus)")
            }
            guard openItems.count <= Self.handoverOpenItemsMax else { throw DomainError.breaksRosterRule("more than \(Self.handoverOpenItemsMax) open items") }
            let row = tx.newRowID()
            try tx.assign(DomainSchema.handover.name, row, [
                "campus": .text(campus.rawValue), "post": .text(post.rawValue), "outgoing": .text(actor.id.rawValue),
                "incoming": .text(incoming.rawValue), "at_minute": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            for item in openItems where !item.isEmpty { try tx.add(DomainSchema.handover.name, row, "open_items", .text(item)) }
            for note in notes where !note.isEmpty { try Self.appendHandoverEntry(row, .note, note, by: actor.id, at: acting.now, tx: tx) }
            try Self.appendHandoverEntry(row, .sign, "outgoing", by: actor.id, at: acting.now, tx: tx)
            return (row.description, row.description)
        }
    }

    /// 接班签字 — the incoming engineer signs (a party may also add a note).
    public func signHandover(_ id: String, note: String = "", by acting: Acting) throws(DomainError) {
        try perform(acting, "handover.sign") { tx, actor in
            let handover = try Self.handover(tx.db, id)
            guard actor.id == handover.incoming || actor.id == handover.outgoing else {
                throw DomainError.notPermitted(actor: actor.id, action: "sign handover \(id)", needs: "to be its outgoing or incoming engineer")
            }
            let signed = actor.id == handover.incoming ? handover.signedByIncoming : handover.signedByOutgoing
            guard !signed else { throw DomainError.wrongState(what: "handover \(id)", state: "already signed by \(actor.id)", action: "sign") }
            guard let row = RowID(hex: id) else { throw DomainError.unknownRequest(kind: "handover", id: id) }
            if !note.isEmpty { try Self.appendHandoverEntry(row, .note, note, by: actor.id, at: acting.now, tx: tx) }
            try Self.appendHandoverEntry(row, .sign, actor.id == handover.incoming ? "incoming" : "outgoing", by: actor.id, at: acting.now, tx: tx)
            return ((), id)
        }
    }

    public func handovers(campus: CampusCode? = nil) throws(DomainError) -> [Handover] {
        try query { try Handovers.all($0, campus: campus) }
    }

    static func handover(_ db: Database, _ id: String) throws -> Handover {
        guard let handover = try Handovers.all(db).first(where: { $0.id == id }) else { throw DomainError.unknownRequest(kind: "handover", id: id) }
        return handover
    }

    private static func appendHandoverEntry(_ row: RowID, _ kind: Handover.Entry.Kind, _ text: String, by person: PersonID,
                                            at now: LocalDateTime, tx: WriteTransaction) throws {
        let entry = Handover.Entry(kind: kind, by: person.rawValue, at: now.minutesSinceEpoch, text: text)
        try tx.append(DomainSchema.handover.name, row, "entries", .text(LogCoding.encode(entry)))
    }
}
