import GRDB
import Replica
import Storage

/// 信息科 — the domain's entry point over one replica. Every command takes the acting
/// person and the time, checks the actor's role, validates its input against the
/// replica, and writes one batch holding its changes and its audit entry; a refused
/// command throws a `DomainError` and writes nothing.
public struct Department: Sendable {
    public let store: ReplicaStore

    public init(store: ReplicaStore) {
        self.store = store
        // Local read aids for ticket and asset queries; a store without them (another
        // schema, a read-only file) only answers more slowly.
        for (entity, columns) in Self.indexes + Self.inventoryIndexes + Self.notificationIndexes { try? store.ensureIndex(entity: entity.name, columns: columns) }
    }

    /// Indexes the domain's queries rely on for speed: ticket numbers and their
    /// allocation, open tickets by state, summaries to refold, asset tags.
    static let indexes: [(EntitySchema, [String])] = [
        (DomainSchema.ticket, ["number"]),
        (DomainSchema.ticket, ["issuer", "campus", "year", "seq"]),
        (DomainSchema.ticket, ["state"]),
        (DomainSchema.ticket, ["summary_entries", "entries"]),
        (DomainSchema.asset, ["tag"]),
        // On duty now (ticket intake asks it for every ticket) reads a campus's seats by date.
        (DomainSchema.rosterSeat, ["campus", "date"]),
    ]

    /// Runs a command: loads the actor (active staff only), runs `body` inside one
    /// write transaction, appends the audit entry. `body` returns its result and the
    /// audit subject.
    func perform<T>(_ acting: Acting, _ action: String,
                    _ body: (WriteTransaction, StaffMember) throws -> (T, subject: String)) throws(DomainError) -> T {
        try perform(acting, action, detailed: { tx, actor in
            let (value, subject) = try body(tx, actor)
            return (value, subject, nil)
        })
    }

    /// As `perform`, with a detail for the audit entry (`AuditEntry.detail`).
    func perform<T>(_ acting: Acting, _ action: String,
                    detailed body: (WriteTransaction, StaffMember) throws -> (T, subject: String, detail: String?)) throws(DomainError) -> T {
        do {
            return try store.write { tx in
                guard let actor = try Directory.person(tx.db, acting.person), actor.active else {
                    throw DomainError.unknownActor(acting.person)
                }
                let (value, subject, detail) = try body(tx, actor)
                try AuditTrail.append(AuditEntry(actor: acting.person.rawValue, action: action, subject: subject,
                                                 at: acting.now.minutesSinceEpoch, node: store.site.description, via: acting.via,
                                                 detail: detail),
                                       tx: tx)
                return value
            }.value
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    /// A read-only query, with storage errors named.
    func query<T>(_ body: (Database) throws -> T) throws(DomainError) -> T {
        do {
            return try store.read(body)
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }
}

/// Role checks, each naming the role it wanted in the refusal.
enum Permissions {
    static func require(_ actor: StaffMember, _ role: Role, at campus: CampusCode, to action: String) throws(DomainError) {
        guard actor.holds(role, at: campus) else {
            throw .notPermitted(actor: actor.id, action: action, needs: "\(role) of campus \(campus)")
        }
    }

    static func requireAny(_ actor: StaffMember, _ roles: [Role], at campus: CampusCode, to action: String) throws(DomainError) {
        guard roles.contains(where: { actor.holds($0, at: campus) }) else {
            let names = roles.map(\.description).joined(separator: " or ")
            throw .notPermitted(actor: actor.id, action: action, needs: "\(names) of campus \(campus)")
        }
    }

    static func requireSelf(_ actor: StaffMember, _ person: PersonID, to action: String) throws(DomainError) {
        guard actor.id == person else {
            throw .notPermitted(actor: actor.id, action: action, needs: "to be \(person) in person")
        }
    }
}
