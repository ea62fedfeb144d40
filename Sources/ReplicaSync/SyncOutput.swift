import Replica
import Storage
import Sync

/// The timers a `SyncCore` asks its shell to run. Membership timers carry what they are
/// about (a stale one is a no-op); anti-entropy has a single tick, and a later
/// `.schedule(.antiEntropyTick, at:)` supersedes an earlier one.
public enum SyncTimer: Hashable, Sendable, CustomStringConvertible {
    case membership(MembershipTimer)
    case antiEntropyTick

    public var description: String {
        switch self {
        case let .membership(timer): "membership(\(timer))"
        case .antiEntropyTick: "antiEntropyTick"
        }
    }
}

/// Why the core turned something away (logged and counted by the shell).
public enum SyncRefusal: Hashable, Sendable {
    case membership(MembershipRefusal)
    case antiEntropy(AntiEntropyRefusal)
    /// Anti-entropy wanted to answer a site whose address membership does not know
    /// (it was evicted, or never pinged us): the message is dropped, the next round retries.
    case unknownAddress
}

/// What the shell must do after an event: send, schedule, report. The core has already
/// carried out everything that touches the store (loads and applies).
public enum SyncOutput: Hashable, Sendable {
    case send(SyncMessage, to: SiteID, address: String)
    case schedule(SyncTimer, at: Instant)
    case memberStatusChanged(MemberStatusChange)
    case refused(SiteID, SyncRefusal)
    /// The store refused a batch received from `from` (bad signature, fork, buffer full…).
    /// A fork has already been recorded as evidence and the origin quarantined.
    case batchRefused(origin: Origin, seq: UInt64, from: SiteID, reason: BatchRefusalReason)
    /// The peer broke the flow-control or range rules; the shell closes its session.
    case protocolViolation(SiteID, String)
    /// Equal vectors, different materialised state: bookkeeping says done, data disagree.
    case stateDivergence(SiteID)
    /// `peer` compacted `origin` through `floor` and we lack part of it: deltas cannot
    /// catch us up. The shell resyncs from a snapshot (`ReplicaStore.resync`).
    case snapshotNeeded(peer: SiteID, origin: Origin, floor: UInt64)
}
