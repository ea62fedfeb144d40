import Replica

/// What one member last told us it holds: its version vector (durable on its side, it
/// reports its committed vector) and when we learned it, in milliseconds of the
/// store's physical clock. A member we never heard from has an empty vector and the
/// time we first counted it as a member.
public struct MemberAcknowledgement: Hashable, Sendable {
    public var vector: VersionVector
    public var learnedAtMillis: UInt64

    public init(vector: VersionVector, learnedAtMillis: UInt64) {
        self.vector = vector
        self.learnedAtMillis = learnedAtMillis
    }
}

/// The compaction horizon (压缩水位): per origin, the prefix of the batch log every
/// member already holds. Pure: vectors, membership and `now` come in, nothing is read.
///
/// Two horizons come out, because the two things compaction removes have different
/// costs when a member is wrong about:
/// - `logHorizon` leaves out members silent for longer than `memberSilenceMax`. Log
///   batches below it may go: a silent member that returns below the floor resyncs from
///   a snapshot (the batches' effect lives on in every replica's tables).
/// - `collectionHorizon` counts every member, silent or not. Metadata that resolves
///   concurrent operations (tombstones, overwritten stamps, removed tags) may only go
///   once every operation concurrent with it has arrived everywhere, and a silent member
///   may still hold such an operation unsent; no snapshot can repair a resurrected row.
public struct CompactionHorizon: Hashable, Sendable {
    /// Per origin, what every member not silent holds (our own vector included).
    public let logHorizon: VersionVector
    /// Per origin, what every member holds, silent ones included.
    public let collectionHorizon: VersionVector
    /// The join of every member's acknowledged vector and our own: each member's own
    /// head when it acknowledged, so everything it had written by then.
    public let join: VersionVector
    /// Members left out of `logHorizon` for silence, sorted.
    public let silentMembers: [SiteID]

    /// Default of `memberSilenceMax`: a campus down longer than a week resyncs from a
    /// snapshot instead of pinning the log of every other campus.
    public static let memberSilenceMaxDefaultMillis: UInt64 = 7 * 24 * 3_600 * 1_000

    /// - Parameters:
    ///   - ownVector: this replica's vector; nothing above it is ours to compact.
    ///   - members: the other members (roster sites, revoked ones already removed). A
    ///     member without an entry in `acknowledgements` holds nothing.
    ///   - acknowledgements: each member's latest acknowledged vector.
    ///   - nowMillis: the store's physical time now.
    ///   - memberSilenceMaxMillis: `horizonMemberSilenceMax`.
    public init(ownVector: VersionVector, members: Set<SiteID>, acknowledgements: [SiteID: MemberAcknowledgement],
                nowMillis: UInt64, memberSilenceMaxMillis: UInt64) {
        var live = ownVector
        var all = ownVector
        var join = ownVector
        var silent: [SiteID] = []
        for member in members.sorted() {
            let ack = acknowledgements[member] ?? MemberAcknowledgement(vector: VersionVector(), learnedAtMillis: nowMillis)
            all = all.meet(ack.vector)
            join = join.merged(with: ack.vector)
            let silence = nowMillis >= ack.learnedAtMillis ? nowMillis - ack.learnedAtMillis : 0
            if silence > memberSilenceMaxMillis {
                silent.append(member)
            } else {
                live = live.meet(ack.vector)
            }
        }
        self.logHorizon = live
        self.collectionHorizon = all
        self.join = join
        self.silentMembers = silent
    }
}
