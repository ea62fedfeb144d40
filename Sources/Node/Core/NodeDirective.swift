import Replica
import ReplicaSync
import Security
import Sync

/// The vocabulary between `NodeCore` and its shell: the time an event happened, the
/// timers the core asks for, what the sync core is to be fed, and what the shell must
/// do. Plain values, so a test or a simulator can read every decision.

/// A session as the core knows it: the transport's session number, nothing more.
public typealias SessionID = UInt64

/// The time of one event, read once by the shell and passed in.
public struct NodeTime: Hashable, Sendable, CustomStringConvertible {
    /// Monotonic time since the node started: timers, dial backoff, probation deadlines.
    public var instant: Instant
    /// Wall-clock milliseconds since the Unix epoch: roster validity windows and the
    /// timestamps an operator reads (status, state divergences).
    public var wallMillis: UInt64

    public init(instant: Instant, wallMillis: UInt64) {
        self.instant = instant
        self.wallMillis = wallMillis
    }

    public var description: String { "\(instant)/wall \(wallMillis)" }
}

/// A timer the core asks the shell to run; when it fires the shell calls `onTimer`.
public enum NodeTimer: Hashable, Sendable {
    case sync(SyncTimer)
    /// A peer on roster probation ran out of time to present its roster. Stale (the
    /// probation already ended) is a no-op, so the shell never needs to cancel it.
    case probationDeadline(SessionID)

    /// Whether a later schedule of the same timer replaces an earlier one (anti-entropy
    /// has one tick; membership timers carry what they are about and all run).
    public var supersedesEarlier: Bool { self == .sync(.antiEntropyTick) }
}

/// One input for the sync core (`ReplicaSync.SyncCore`), which the shell owns because it
/// reads and writes the replica; its outputs come back through `NodeCore.onSyncOutputs`.
public enum SyncInput: Hashable, Sendable {
    case message(SyncMessage, from: SiteID)
    case timer(SyncTimer)
    case localCommit(SealedBatch)
}

/// Why the core ends a session; the shell maps it to the transport's error.
public enum SessionEnding: Hashable, Sendable {
    case protocolViolation(String)
    /// The roster no longer allows the peer's key.
    case revoked
    /// A key the roster does not allow (after a failed or refused probation).
    case notAllowed(PublicKey)
}

/// How a snapshot export for a rebuilding peer ended (reported by the shell's thread).
public enum SnapshotServeOutcome: Hashable, Sendable {
    case served(parts: Int, bytes: UInt64, batches: UInt64)
    case endedEarly(String)
}

/// Counters the shell publishes to swift-metrics (the core keeps its own counts too).
public enum NodeMetricEvent: Hashable, Sendable {
    /// `meshdesk_node_events_total{reason}`: every counted refusal and event.
    case event(String)
    case batchRefused(reason: String)
    case stateDivergence
    case snapshotNeeded
}

/// What the shell must do after an event, in order.
public enum NodeDirective: Hashable, Sendable {
    /// Send one encoded `NodeEnvelope` on an established session.
    case send([UInt8], session: SessionID)
    /// Open a session to `site`; the shell reports `onSessionOpened` or `onDialFailed`.
    case dial(SiteID, host: String, port: Int, key: PublicKey)
    /// End a session with the final frame.
    case close(SessionID, SessionEnding)
    /// Drop a session without the final frame (a refused handshake, as the peer sees it).
    case abort(SessionID, SessionEnding)
    case sync(SyncInput)
    case schedule(NodeTimer, at: Instant)
    /// Put a newly accepted roster in force for the handshake, the key ring and the pages.
    case installRoster(SignedRoster, MembershipRoster)
    /// Write the roster in force to `roster.signed`; the shell reports `onRosterPersisted`.
    case persistRoster(SignedRoster)
    /// Read the local commits after `lastLocalSeq` and report them (`onCommitPolled`).
    case pollCommits
    /// Export a snapshot to a rebuilding peer; the shell reports `onSnapshotServeEnded`.
    case serveSnapshot(SessionID, credit: UInt32)
    case grantSnapshotCredit(SessionID, parts: UInt32)
    case cancelSnapshotServe(SessionID)
    case metric(NodeMetricEvent)
}
