import Foundation
import Storage

/// Streaming a snapshot over a session (docs/sync.md, "Snapshot transfer"). Four
/// envelope kinds ride beside the sync messages:
///
///     snapshotRequest(credit)   rebuilding node → peer: start, with an initial credit of parts
///     snapshotPart(bytes)       peer → rebuilding node: one encoded `SnapshotPart`, one credit each
///     snapshotCredit(n)         rebuilding node → peer: n more parts may come (after writing some)
///     snapshotRefused(reason)   peer → rebuilding node: the peer will not serve one now
///
/// The peer exports inside one read transaction and blocks on the credit gate, so at
/// most `windowParts` parts (× `SnapshotFormat.partBytesMax`) are ever in flight.
public enum SnapshotTransfer {
    /// Parts in flight, at most: 16 × 512 KiB = 8 MiB per transfer.
    public static let windowParts: UInt32 = 16
    /// Snapshots a node serves at once; beyond it a request is refused (a rebuild is rare).
    public static let servesMax = 1
    /// How long a serving export waits for credit before it gives up (a vanished peer).
    public static let creditWaitSecondsMax: Double = 60
}

/// The serving side's flow control: the export thread takes one credit per part and
/// waits while there is none; credit messages and a closed session wake it.
public final class SnapshotCreditGate: @unchecked Sendable {
    // @unchecked: every field is guarded by `condition`.
    private let condition = NSCondition()
    private var credit: UInt32
    private var cancelled = false

    public enum Failure: Error { case cancelled, timedOut }

    public init(initial: UInt32) { credit = min(initial, SnapshotTransfer.windowParts) }

    public func grant(_ parts: UInt32) {
        condition.withLock {
            // Never beyond the window, whatever a peer claims.
            credit = min(credit.addingReportingOverflow(parts).partialValue, SnapshotTransfer.windowParts)
            condition.broadcast()
        }
    }

    public func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }

    /// Takes one credit, waiting up to `creditWaitSecondsMax`.
    public func take() throws {
        try condition.withLock {
            let deadline = Date().addingTimeInterval(SnapshotTransfer.creditWaitSecondsMax)
            while credit == 0 && !cancelled {
                if !condition.wait(until: deadline) { throw Failure.timedOut }
            }
            if cancelled { throw Failure.cancelled }
            credit -= 1
        }
    }
}

/// The receiving side's bookkeeping, sans I/O: what the peer may still send, when to
/// give credit back, and progress. A part beyond the credit is a protocol violation.
public struct SnapshotReceiveFlow: Sendable {
    public private(set) var outstanding: UInt32
    private var consumedSinceCredit: UInt32 = 0
    public private(set) var parts = 0
    public private(set) var bytes: UInt64 = 0
    public private(set) var rows: UInt64 = 0
    public private(set) var finished = false
    /// Largest snapshot accepted, all parts together.
    public static let bytesMax: UInt64 = 1 << 40

    public enum Violation: Error, Equatable, CustomStringConvertible {
        case beyondCredit, afterTrailer, tooLarge
        public var description: String {
            switch self {
            case .beyondCredit: "snapshot part beyond the credit given"
            case .afterTrailer: "snapshot part after the trailer"
            case .tooLarge: "snapshot beyond \(SnapshotReceiveFlow.bytesMax) bytes"
            }
        }
    }

    public init() { outstanding = SnapshotTransfer.windowParts }

    /// The initial credit to send with the request.
    public var initialCredit: UInt32 { SnapshotTransfer.windowParts }

    /// A part arrived. Checked before the caller stores it.
    public mutating func received(_ part: [UInt8]) throws(Violation) {
        guard !finished else { throw .afterTrailer }
        guard outstanding > 0 else { throw .beyondCredit }
        outstanding -= 1
        parts += 1
        bytes += UInt64(part.count)
        guard bytes <= Self.bytesMax else { throw .tooLarge }
        rows += Self.rowCount(of: part)
        if part.first == 3 { finished = true }
    }

    /// The caller stored a part: returns the credit to send back, if any (in halves of
    /// the window, so credit messages stay few).
    public mutating func stored() -> UInt32? {
        consumedSinceCredit += 1
        guard !finished, consumedSinceCredit >= SnapshotTransfer.windowParts / 2 else { return nil }
        let grant = consumedSinceCredit
        consumedSinceCredit = 0
        outstanding += grant
        return grant
    }

    /// Rows in a rows part, read from its prefix (for progress only; 0 if unreadable).
    static func rowCount(of part: [UInt8]) -> UInt64 {
        guard part.first == 2 else { return 0 }
        var offset = 1
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while offset < part.count, shift < 64 {
                let byte = part[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        guard varint() != nil, let rows = varint() else { return 0 }
        return rows
    }
}
