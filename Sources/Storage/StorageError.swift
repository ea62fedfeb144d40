import Replica

/// Why the store refused something. Every case is bad input or a refused operation,
/// never a programmer error; each leaves the database as it was.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownEntity(EntityID)
    case unknownEntityName(String)
    case unknownField(entity: String, field: FieldID)
    case unknownFieldName(entity: String, field: String)
    case wrongValueType(entity: String, field: String, expected: ValueType, got: String)
    case wrongOperation(entity: String, field: String, kind: FieldKind, operation: String)
    case incompleteGroup(entity: String, group: String, missing: [String])
    case nullNotAllowed(entity: String, field: String)
    case malformedBatch(DecodingError)
    case signature(origin: Origin, seq: UInt64, SignatureCheck)
    case timestampBeyondBound(ClockError)
    case fork(origin: Origin, seq: UInt64)
    case quarantined(Origin)
    /// The log no longer holds these batches (compacted, or installed from a snapshot):
    /// whoever needs them must take a snapshot instead.
    case compacted(origin: Origin, through: UInt64)
    case gapBeyondBuffer(origin: Origin, seq: UInt64, contiguous: UInt64)
    case pendingBufferFull(batchesMax: Int)
    case rowDeleted(entity: String, row: RowID)
    case incompatibleSchema(String)
    case siteMismatch(stored: SiteID, signer: SiteID)
    case injectedFault(String)
    /// SQLite itself failed (disk full, I/O error, a lock held too long); nothing was applied.
    case database(String)

    public var description: String {
        switch self {
        case let .unknownEntity(id): "unknown entity id \(id)"
        case let .unknownEntityName(name): "unknown entity \(name)"
        case let .unknownField(entity, field): "unknown field id \(field) of \(entity)"
        case let .unknownFieldName(entity, field): "unknown field \(entity).\(field)"
        case let .wrongValueType(entity, field, expected, got): "\(entity).\(field) takes \(expected), got \(got)"
        case let .wrongOperation(entity, field, kind, operation): "\(operation) does not apply to \(entity).\(field), a \(kind)"
        case let .incompleteGroup(entity, group, missing): "group \(entity).\(group) must be written whole; missing \(missing.joined(separator: ", "))"
        case let .nullNotAllowed(entity, field): "\(entity).\(field) does not take null elements"
        case let .malformedBatch(error): "malformed batch: \(error)"
        case let .signature(origin, seq, check): "batch \(origin)#\(seq) refused: signature \(check)"
        case let .timestampBeyondBound(error): "batch refused: \(error)"
        case let .fork(origin, seq): "fork: origin \(origin) signed two different batches #\(seq); origin quarantined"
        case let .quarantined(origin): "origin \(origin) is quarantined after a fork"
        case let .compacted(origin, through): "batches of \(origin) through #\(through) were compacted; a snapshot is needed"
        case let .gapBeyondBuffer(origin, seq, contiguous): "batch \(origin)#\(seq) is too far ahead of #\(contiguous) to buffer"
        case let .pendingBufferFull(max): "out-of-order buffer full (\(max) batches)"
        case let .rowDeleted(entity, row): "\(entity) \(row) was deleted"
        case let .incompatibleSchema(reason): "incompatible schema: \(reason)"
        case let .siteMismatch(stored, signer): "database belongs to site \(stored), identity is \(signer)"
        case let .injectedFault(stage): "injected fault at \(stage)"
        case let .database(reason): "database failure: \(reason)"
        }
    }
}

extension StorageError {
    /// Any error out of an apply transaction, as a `StorageError`.
    static func wrapping(_ error: any Error) -> StorageError {
        error as? StorageError ?? .database("\(error)")
    }
}
