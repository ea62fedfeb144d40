import Storage

/// A `StorageError` from `ReplicaStore.receive`, reduced to the reason a metric counts.
/// The full error is in the store's log; the core only needs to count and report.
public enum BatchRefusalReason: String, Hashable, Sendable, CaseIterable, Comparable {
    case signature
    case fork
    case quarantined
    case timestampBeyondBound
    case malformed
    case invalidChange
    case gapBeyondBuffer
    case pendingBufferFull
    /// Anything else the store threw (an I/O error, an injected fault).
    case storeFailure

    public init(_ error: StorageError) {
        switch error {
        case .signature: self = .signature
        case .fork: self = .fork
        case .quarantined: self = .quarantined
        case .timestampBeyondBound: self = .timestampBeyondBound
        case .malformedBatch: self = .malformed
        case .unknownEntity, .unknownEntityName, .unknownField, .unknownFieldName, .wrongValueType, .wrongOperation,
             .incompleteGroup, .nullNotAllowed, .rowDeleted:
            self = .invalidChange
        case .gapBeyondBuffer: self = .gapBeyondBuffer
        case .pendingBufferFull: self = .pendingBufferFull
        case .incompatibleSchema, .siteMismatch, .injectedFault, .database, .compacted: self = .storeFailure
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
