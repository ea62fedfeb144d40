import Replica
import Storage
import Sync

/// The node's deterministic sync core: the shell between the `Sync` machines and the
/// `ReplicaStore`. It routes SWIM messages to `Membership` and the rest to
/// `AntiEntropy`, feeds membership changes to anti-entropy, carries out every directive
/// that touches the store itself (`loadBatches`, `applyBatches`, the state digest), and
/// hands back only what needs the outside world: sends, timers and reports.
///
/// Synchronous, single-threaded, no clock and no sockets: every event carries `now`,
/// randomness comes from `seed`, so a transport (TCP) and the simulator drive the same
/// code. Not thread-safe: the shell serialises events (one actor, one event loop, or
/// the simulator's single thread).
public final class SyncCore {
    public let site: SiteID
    public let store: ReplicaStore
    public private(set) var membership: Membership
    public private(set) var antiEntropy: AntiEntropy
    public private(set) var stats = SyncCoreStats()
    /// How often, at most, the materialised-state digest is recomputed (it reads every
    /// table). Recomputed on an anti-entropy tick when the vector moved since the last one.
    public let stateDigestRefreshMillis: UInt64

    private var digestVector: VersionVector?
    private var acknowledgements = HorizonAcknowledgements()
    private let isOnRoster: RosterCheck
    private var digestAt: Instant?
    private var started = false

    /// Directives carried out per event, at most: a chain of loads and applies is bounded
    /// by the credit window, so reaching this is a bug in a machine, not load.
    public static let directivesPerEventMax = 100_000

    public init(store: ReplicaStore, membershipConfig: MembershipConfig, antiEntropyConfig: AntiEntropyConfig,
                isOnRoster: @escaping RosterCheck, seed: UInt64, stateDigestRefreshMillis: UInt64 = 30_000) throws {
        precondition(membershipConfig.site == store.site && antiEntropyConfig.site == store.site,
                     "the sync configuration must be of the store's site")
        var random = SplitMix64(seed: seed)
        self.site = store.site
        self.store = store
        self.membership = Membership(config: membershipConfig, isOnRoster: isOnRoster, random: random.split())
        self.antiEntropy = AntiEntropy(config: antiEntropyConfig, localVector: try store.versionVector(),
                                       isOnRoster: isOnRoster, random: random.split())
        self.stateDigestRefreshMillis = stateDigestRefreshMillis
        self.isOnRoster = isOnRoster
    }

    // MARK: - Events

    public func start(now: Instant) -> [SyncOutput] {
        precondition(!started, "sync core started twice")
        started = true
        var out = interpret(membership.start(now: now), now: now)
        refreshStateDigest(now: now, force: true)
        out += interpret(antiEntropy.start(now: now), now: now)
        return out
    }

    public func onTimer(_ timer: SyncTimer, now: Instant) -> [SyncOutput] {
        precondition(started, "sync core not started")
        switch timer {
        case let .membership(timer):
            return interpret(membership.onTimeout(timer, now: now), now: now)
        case .antiEntropyTick:
            refreshStateDigest(now: now, force: false)
            return interpret(antiEntropy.onTick(now: now), now: now)
        }
    }

    /// A decoded message from an authenticated peer.
    public func onMessage(_ message: SyncMessage, from peer: SiteID, now: Instant) -> [SyncOutput] {
        precondition(started, "sync core not started")
        stats.messagesIn += 1
        switch message {
        case let .ping(ping):
            return interpret(membership.onPing(ping, from: peer, now: now), now: now)
        case let .ack(ack):
            return interpret(membership.onAck(ack, from: peer, now: now), now: now)
        case let .pingRequest(request):
            return interpret(membership.onPingRequest(request, from: peer, now: now), now: now)
        case .vectorDigest, .vectorRequest, .vector, .batchRequest, .batches, .credit,
             .stateDigestRequest, .stateDigestReply, .push, .snapshotNeeded:
            noteAcknowledgement(message, from: peer, now: now)
            return interpret(antiEntropy.onMessage(message, from: peer, now: now), now: now)
        }
    }

    /// A local transaction committed `batch` (durable): eager push. Every local commit
    /// must come through here, or anti-entropy's vector lags the store's until restart.
    public func onLocalCommit(_ batch: SealedBatch, now: Instant) -> [SyncOutput] {
        precondition(started, "sync core not started")
        return interpret(antiEntropy.onLocalBatchCommitted(batch, now: now), now: now)
    }

    /// Records the vector a roster peer says it holds, for the compaction horizon
    /// (`HorizonAcknowledgements`). Read before the message is handled, against the
    /// vector the digest was compared with. A failed write is counted; the next round
    /// tells us again.
    private func noteAcknowledgement(_ message: SyncMessage, from peer: SiteID, now: Instant) {
        guard isOnRoster(peer),
              let vector = HorizonAcknowledgements.acknowledgedVector(in: message, ourVector: antiEntropy.localVector),
              acknowledgements.shouldStore(vector, from: peer, now: now) else { return }
        do {
            try store.recordAcknowledgement(of: peer, vector: vector)
            stats.acknowledgementsRecorded += 1
        } catch {
            stats.acknowledgementWriteFailures += 1
        }
    }

    // MARK: - Interpreting directives

    private func interpret(_ directives: [MembershipDirective], now: Instant) -> [SyncOutput] {
        var out: [SyncOutput] = []
        for directive in directives {
            switch directive {
            case let .send(message, site, address):
                stats.messagesOut += 1
                out.append(.send(message, to: site, address: address))
            case let .scheduleTimer(timer, at):
                out.append(.schedule(.membership(timer), at: at))
            case let .memberStatusChanged(change):
                antiEntropy.onMemberStatusChanged(change.site, status: change.current)
                out.append(.memberStatusChanged(change))
            case let .refused(site, refusal):
                out.append(.refused(site, .membership(refusal)))
            }
        }
        return out
    }

    /// Carries out anti-entropy directives, feeding the store's answers back in until
    /// only outside work is left. A work list, not recursion: a catch-up stream chains
    /// load → send → load while credit lasts.
    private func interpret(_ directives: [AntiEntropyDirective], now: Instant) -> [SyncOutput] {
        var work = directives
        var next = 0
        var out: [SyncOutput] = []
        while next < work.count {
            precondition(next < Self.directivesPerEventMax, "runaway directive chain")
            let directive = work[next]
            next += 1
            switch directive {
            case let .send(message, peer):
                guard let address = membership.member(peer)?.address else {
                    stats.undeliverable += 1
                    out.append(.refused(peer, .unknownAddress))
                    continue
                }
                stats.messagesOut += 1
                out.append(.send(message, to: peer, address: address))
            case let .loadBatches(request):
                switch load(request) {
                case let .loaded(batches): work += antiEntropy.onBatchesLoaded(batches, for: request.id, now: now)
                case let .compacted(floor): work += antiEntropy.onBatchesCompacted(for: request.id, floor: floor, now: now)
                }
            case let .snapshotNeeded(peer, origin, floor):
                stats.snapshotsNeeded += 1
                out.append(.snapshotNeeded(peer: peer, origin: origin, floor: floor))
            case let .applyBatches(batches, peer, ticket):
                out += apply(batches, from: peer)
                work += antiEntropy.onApplied(ticket, vector: currentVector(), now: now)
            case let .stateDivergence(peer):
                out.append(.stateDivergence(peer))
            case let .protocolViolation(peer, reason):
                out.append(.protocolViolation(peer, reason))
            case let .refused(peer, refusal):
                out.append(.refused(peer, .antiEntropy(refusal)))
            case let .scheduleTick(at):
                out.append(.schedule(.antiEntropyTick, at: at))
            }
        }
        return out
    }

    private enum Loaded {
        case loaded([SealedBatch])
        /// The log's floor is at or above the range's start: the peer needs a snapshot.
        case compacted(floor: UInt64)
    }

    /// Reads one run of the log. Below the log floor the answer is "compacted", which
    /// the peer hears as `snapshotNeeded`; another read failure answers "nothing more",
    /// which ends the range, and the peer's next round asks again.
    private func load(_ request: LoadRequest) -> Loaded {
        stats.loads += 1
        let limit = ChunkLimit(batchesMax: request.maxCount, bytesMax: max(1, request.maxBytes))
        do {
            return .loaded(try store.batches(of: request.origin, from: request.fromSeq, limit: limit))
        } catch let StorageError.compacted(_, floor) {
            stats.compactedLoads += 1
            return .compacted(floor: floor)
        } catch {
            return .loaded([])
        }
    }

    /// A chunk is applied in one store transaction with a savepoint per batch
    /// (`ReplicaStore.receive(_:)` for arrays): one commit per chunk instead of one per
    /// batch, while one refused batch (a forgery, a fork) still cannot stop the honest
    /// batches of the same chunk. Never throws, never traps on peer input.
    private func apply(_ batches: [SealedBatch], from peer: SiteID) -> [SyncOutput] {
        var out: [SyncOutput] = []
        var start = batches.startIndex
        while start < batches.endIndex {
            let end = min(start + ReplicaStore.intakeChunkBatchesMax, batches.endIndex)
            let chunk = Array(batches[start..<end])
            for (batch, result) in zip(chunk, store.receive(chunk)) {
                switch result {
                case let .success(.applied(drained)): stats.batchesApplied += 1 + drained
                case .success(.duplicate): stats.batchesDuplicate += 1
                case .success(.buffered): stats.batchesBuffered += 1
                case .success(.awaitingUpgrade): stats.batchesAwaitingUpgrade += 1
                case let .failure(error):
                    let reason = BatchRefusalReason(error)
                    stats.refusals[reason, default: 0] += 1
                    out.append(.batchRefused(origin: batch.header.origin, seq: batch.header.seq, from: peer, reason: reason))
                }
            }
            start = end
        }
        return out
    }

    private func currentVector() -> VersionVector {
        (try? store.versionVector()) ?? antiEntropy.localVector
    }

    /// Tags the digest with the vector read just before it; the shell serialises events,
    /// so no local write can slip between the two reads.
    private func refreshStateDigest(now: Instant, force: Bool) {
        let vector = currentVector()
        if !force {
            if vector == digestVector { return }
            if let digestAt, now < digestAt.advanced(byMillis: stateDigestRefreshMillis) { return }
        }
        guard let digest = try? store.stateDigest() else { return }
        stats.stateDigestsComputed += 1
        digestVector = vector
        digestAt = now
        antiEntropy.onLocalStateDigest(digest.total.bytes, at: vector)
    }
}
