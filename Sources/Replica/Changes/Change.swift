/// What one change does to one row. Each case belongs to one field kind; a change of
/// the wrong kind for its field is refused when the batch is applied.
public enum Operation: Hashable, Sendable {
    /// Register fields set together (a group is always written whole).
    case assign([FieldAssignment])
    /// A surfaced register set, naming the versions (stamps) it overwrites.
    case assignSurfaced(field: FieldID, value: Value, overwrites: [Stamp])
    /// A counter incremented (or decremented) by this origin.
    case increment(field: FieldID, by: Int64)
    /// An element added to an add-wins set; tagged by the batch stamp.
    case add(field: FieldID, element: Value)
    /// An element removed: only the tags (stamps) the writer had observed, so a
    /// concurrent add survives.
    case remove(field: FieldID, element: Value, observed: [Stamp])
    /// An entry appended to a log.
    case append(field: FieldID, entry: Value)
    /// The row deleted: a tombstone that wins against every update (docs/replication.md).
    case delete
}

public struct FieldAssignment: Hashable, Sendable {
    public let field: FieldID
    public let value: Value

    public init(field: FieldID, value: Value) {
        self.field = field
        self.value = value
    }
}

/// One change to one row of one entity. Its stamp is its batch's.
public struct Change: Hashable, Sendable {
    public let entity: EntityID
    public let row: RowID
    public let operation: Operation

    public init(entity: EntityID, row: RowID, operation: Operation) {
        self.entity = entity
        self.row = row
        self.operation = operation
    }
}
