import GRDB
import Replica

/// Local derived tables: read aids a node builds from its replicated rows (the knowledge
/// base's full-text index). They are not replicated, not in the digest, not carried by a
/// snapshot, and dropping one changes no result; a reader rebuilds what it finds stale
/// by comparing a row's change mark (`ReplicaQueries.rowChangeSQL`).
extension ReplicaStore {
    /// Runs `body` in one transaction on this node's local derived tables. `body` must
    /// write only tables it owns (never an entity's table or the bookkeeping): such a
    /// write would bypass the batch log. Callers name their tables with a `local_` prefix
    /// so they never collide with an entity's.
    public func writeLocal<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.write(body)
    }
}

extension ReplicaQueries {
    /// SQL over an entity table's columns that changes whenever the row's replicated
    /// state does, visible value or not: the stamp of its latest change and, for each
    /// surfaced register, how many versions are visible (an older concurrent version
    /// arriving moves no stamp, but it adds a sibling). A derived table stores it to
    /// know which rows to rebuild.
    public static func rowChangeSQL(_ entity: EntitySchema) -> String {
        let counts = entity.fields.filter { $0.kind == .surfacedRegister }.map { "'/' || \(quoted("\($0.name)__n"))" }
        return (["hex(coalesce(_s, _c))"] + counts).joined(separator: " || ")
    }
}
