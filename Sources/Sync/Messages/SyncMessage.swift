import Replica

/// Everything two nodes say to each other in the sync protocol. The sender is not in
/// the message: the authenticated session says who it is, and the shell passes that
/// identity with each event.
public enum SyncMessage: Hashable, Sendable {
    // SWIM membership and failure detection.
    case ping(Ping)
    case ack(Ack)
    case pingRequest(PingRequest)
    // Anti-entropy: digest, then vectors, then flow-controlled batch streaming.
    case vectorDigest(VectorDigest)
    /// "My digest differs from yours: here is my vector, send me yours."
    case vectorRequest(VersionVector)
    /// The reply to `vectorRequest`.
    case vector(VersionVector)
    case batchRequest(BatchRequest)
    case batches(BatchChunk)
    case credit(Credit)
    /// "Your request reaches below my log floor: take a snapshot." The answer to a
    /// `batchRequest` whose range starts at or below the server's floor for `origin`.
    case snapshotNeeded(SnapshotNeeded)
    // Second layer of anti-entropy: compare digests of the materialised state.
    case stateDigestRequest
    case stateDigestReply(StateDigestReply)
    // Eager push of one fresh local batch.
    case push(SealedBatch)

    /// Wire bounds: what a decoder accepts, whatever the sender's configuration says.
    public static let updatesMax = 64
    public static let rangesMax = VersionVector.originsMax
    public static let chunkBatchesMax = 1_024
    public static let stateDigestBytesMax = 64
}

/// A direct probe. Carries the sender's own liveness claim so a receiver that never
/// heard of it (a fresh joiner) learns its address and incarnation.
public struct Ping: Hashable, Sendable {
    public let seq: UInt64
    public let incarnation: UInt64
    public let address: String
    public let updates: [MemberUpdate]

    public init(seq: UInt64, incarnation: UInt64, address: String, updates: [MemberUpdate]) {
        precondition(updates.count <= SyncMessage.updatesMax, "too many piggybacked updates")
        precondition(address.utf8.count <= MemberUpdate.addressBytesMax, "address too long")
        self.seq = seq
        self.incarnation = incarnation
        self.address = address
        self.updates = updates
    }
}

/// The answer to a ping. `target` names who answered: the sender itself for a direct
/// probe, or the probed member when a relay forwards the answer of an indirect probe.
public struct Ack: Hashable, Sendable {
    public let seq: UInt64
    public let target: SiteID
    public let incarnation: UInt64
    public let updates: [MemberUpdate]

    public init(seq: UInt64, target: SiteID, incarnation: UInt64, updates: [MemberUpdate]) {
        precondition(updates.count <= SyncMessage.updatesMax, "too many piggybacked updates")
        self.seq = seq
        self.target = target
        self.incarnation = incarnation
        self.updates = updates
    }
}

/// "Ping `target` for me": SWIM's indirect probe, sent to k peers when a direct ping
/// went unanswered, so one lossy link does not get a member declared suspect.
public struct PingRequest: Hashable, Sendable {
    public let seq: UInt64
    public let target: SiteID
    public let address: String
    public let updates: [MemberUpdate]

    public init(seq: UInt64, target: SiteID, address: String, updates: [MemberUpdate]) {
        precondition(updates.count <= SyncMessage.updatesMax, "too many piggybacked updates")
        precondition(address.utf8.count <= MemberUpdate.addressBytesMax, "address too long")
        self.seq = seq
        self.target = target
        self.address = address
        self.updates = updates
    }
}

/// A cheap fingerprint of the sender's version vector (see `VectorDigest.of`).
public struct VectorDigest: Hashable, Sendable {
    public let digest: UInt64
    public init(digest: UInt64) { self.digest = digest }
}

/// One origin's sequence range, inclusive at both ends.
public struct SeqRange: Hashable, Sendable, CustomStringConvertible {
    public let origin: Origin
    public let from: UInt64
    public let through: UInt64

    public init(origin: Origin, from: UInt64, through: UInt64) {
        precondition(from >= 1 && from <= through, "empty or invalid range \(from)...\(through)")
        self.origin = origin
        self.from = from
        self.through = through
    }

    public var count: UInt64 { through - from + 1 }
    public var description: String { "\(origin)[\(from)...\(through)]" }
}

/// "Send me these ranges", with the initial credit: the sender may have at most
/// `creditBatches` batches and `creditBytes` charged bytes outstanding (sent but not
/// given back by a `Credit`).
public struct BatchRequest: Hashable, Sendable {
    public let ranges: [SeqRange]
    public let creditBatches: UInt32
    public let creditBytes: UInt32

    public init(ranges: [SeqRange], creditBatches: UInt32, creditBytes: UInt32) {
        precondition(ranges.count <= SyncMessage.rangesMax, "too many ranges")
        self.ranges = ranges
        self.creditBatches = creditBatches
        self.creditBytes = creditBytes
    }
}

/// A bounded run of batches, all inside ranges the receiver asked for.
public struct BatchChunk: Hashable, Sendable {
    public let batches: [SealedBatch]

    public init(batches: [SealedBatch]) {
        precondition(!batches.isEmpty && batches.count <= SyncMessage.chunkBatchesMax, "chunk of \(batches.count)")
        self.batches = batches
    }
}

/// The server's log no longer holds `origin` through `floor` (compacted, or installed
/// from a snapshot): a delta cannot bring the requester past it.
public struct SnapshotNeeded: Hashable, Sendable {
    public let origin: Origin
    public let floor: UInt64

    public init(origin: Origin, floor: UInt64) {
        self.origin = origin
        self.floor = floor
    }
}

/// Credit given back by a receiver once it has applied what it was sent.
public struct Credit: Hashable, Sendable {
    public let batches: UInt32
    public let bytes: UInt32

    public init(batches: UInt32, bytes: UInt32) {
        self.batches = batches
        self.bytes = bytes
    }
}

/// The store's digest of its materialised state, tagged with the digest of the version
/// vector it was computed at: two state digests are comparable only at equal vectors.
public struct StateDigestReply: Hashable, Sendable {
    public let vectorDigest: UInt64
    public let stateDigest: [UInt8]

    public init(vectorDigest: UInt64, stateDigest: [UInt8]) {
        precondition(stateDigest.count <= SyncMessage.stateDigestBytesMax, "state digest too long")
        self.vectorDigest = vectorDigest
        self.stateDigest = stateDigest
    }
}
