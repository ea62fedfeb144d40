import Logging
import Replica
import ReplicaSync
import Security
import Sync
import Transport

/// The node's decisions, without I/O: who may talk to whom (roster, probation,
/// revocation), when to dial and how long to back off, what waits in the outbox, which
/// snapshot requests are served, which local commits are announced. Event-named inputs,
/// each with the time the shell read (`NodeTime`), return `NodeDirective`s; the shell
/// (`NodeRuntime` on NIO, or a test) carries them out and reports results as events.
///
/// It never reads a clock, a socket, a file or the global RNG: backoff jitter comes from
/// the seed, so the same events give the same directives. The replica is not here
/// either: the sync core (`SyncCore`, which reads and writes the store) sits in the shell,
/// fed by `.sync` directives, its outputs handed back through `onSyncOutputs`. It logs
/// through the `Logger` it is given; no decision reads the log.
public struct NodeCore {
    /// Named bounds and durations of the node's decisions.
    public struct Limits: Sendable {
        /// Messages held for a peer while its session is being dialled; beyond it the oldest
        /// are dropped (the sync protocol treats them as lost and retries).
        public var outboxMessagesMax = 256
        /// How long a peer on probation has to present its roster.
        public var rosterProbationMillis: UInt64 = 5_000
        /// Probation sessions held at once; beyond it a further unknown key is refused at
        /// once (each holds a socket and may make us verify one roster signature).
        public var rosterProbationsMax = 16
        /// Snapshot exports served at once (each holds a read transaction and a thread).
        public var snapshotServesMax = SnapshotTransfer.servesMax
        /// Dial backoff: exponential with jitter between these (`ReconnectBackoff`).
        public var dialBackoffBaseMillis: UInt64 = 100
        public var dialBackoffCapMillis: UInt64 = 10_000

        public init() {}
    }

    /// Where a peer's outbound session stands, when none is established.
    public enum DialState: Hashable, Sendable {
        case connecting
        case backoff(until: Instant)
    }

    /// What a peer's row on the status page says about its session.
    public enum SessionState: String, Sendable {
        case established, connecting, backoff, idle
    }

    /// An inbound session whose key the roster does not allow (yet): see
    /// `NodeCore+Probation.swift`.
    struct Probation: Hashable {
        let key: PublicKey
        let deadline: Instant
    }

    public let site: SiteID
    public let limits: Limits
    let adminKey: PublicKey?
    let logger: Logger

    // Roster in force (also published by the shell for the handshake and the pages).
    public internal(set) var signedRoster: SignedRoster?
    public internal(set) var roster: MembershipRoster?
    /// An accepted roster whose file write failed, retried every tick: until it is on
    /// disk a restart would start from the older roster (and forget a revocation).
    public internal(set) var rosterUnsaved: SignedRoster?
    /// The roster file's bytes last read, so an unchanged file is not re-verified.
    var rosterFileBytes: [UInt8]?

    // Sessions and dialling.
    var sessions: [SiteID: [SessionID]] = [:]
    var sessionSites: [SessionID: SiteID] = [:]
    var sessionKeys: [SiteID: PublicKey] = [:]
    var outbox: [SiteID: [[UInt8]]] = [:]
    public internal(set) var dialing: [SiteID: DialState] = [:]
    var backoffs: [SiteID: ReconnectBackoff] = [:]
    var probations: [SessionID: Probation] = [:]
    /// Snapshot exports running, by session, with the peer served.
    var snapshotServes: [SessionID: SiteID] = [:]
    var random: SplitMix64

    // What the node has learnt, for status and metrics.
    public internal(set) var memberStates: [SiteID: MemberStatus] = [:]
    public internal(set) var peerVectors: [SiteID: VersionVector] = [:]
    /// Counts by reason: sessions closed, batches refused, sync refusals, events.
    public internal(set) var refusals: [String: Int] = [:]
    /// Peers found at equal vectors with a different state digest, since start.
    public internal(set) var stateDivergences: [SiteID: RuntimeStatus.StateDivergence] = [:]
    /// The highest sequence of this node's origin announced to the sync core.
    public internal(set) var lastLocalSeq: UInt64

    public init(site: SiteID, signedRoster: SignedRoster?, roster: MembershipRoster?, adminKey: PublicKey?,
                lastLocalSeq: UInt64, seed: UInt64, limits: Limits = Limits(), logger: Logger) {
        self.site = site
        self.signedRoster = signedRoster
        self.roster = roster
        self.adminKey = adminKey
        self.lastLocalSeq = lastLocalSeq
        self.random = SplitMix64(seed: seed)
        self.limits = limits
        self.logger = logger
    }

    // MARK: - Questions the shell asks

    public var rosterEpoch: UInt64 { roster?.epoch ?? 0 }

    /// On the roster and not revoked: the sync core talks only to these.
    public func isMember(_ site: SiteID) -> Bool {
        guard let roster else { return false }
        return roster.members.contains { $0.site == site && !roster.isRevoked($0.publicKey) }
    }

    public func allowsSession(_ key: PublicKey, now: NodeTime) -> Bool {
        roster?.allowsSession(with: key, atMillis: now.wallMillis) ?? false
    }

    /// Seed peers: the roster members named in `configured` (by address), or all.
    public func seedPeers(configured: [String]) -> [SeedPeer] {
        guard let roster else { return [] }
        return roster.members.compactMap { member in
            guard member.site != site, !roster.isRevoked(member.publicKey), let address = member.addresses.first else { return nil }
            if !configured.isEmpty && !member.addresses.contains(where: configured.contains) { return nil }
            return SeedPeer(site: member.site, address: address)
        }
    }

    /// The members whose acknowledgements bound the compaction horizon: the roster,
    /// revoked keys left out (a revoked campus will never sync again).
    public func compactionMembers() -> Set<SiteID> {
        guard let roster else { return [] }
        return Set(roster.members.filter { $0.site != site && !roster.isRevoked($0.publicKey) }.map(\.site))
    }

    public func sessionState(of peer: SiteID) -> SessionState {
        if sessions[peer]?.isEmpty == false { return .established }
        switch dialing[peer] {
        case .connecting: return .connecting
        case .backoff: return .backoff
        case nil: return .idle
        }
    }

    /// Messages waiting for `peer`'s session.
    public func outboxCount(for peer: SiteID) -> Int { outbox[peer]?.count ?? 0 }
    public var probationCount: Int { probations.count }
    public var snapshotServeCount: Int { snapshotServes.count }
    /// Every session the core knows (established or on probation): the shell closes them at stop.
    public var allSessions: [SessionID] { Array(sessionSites.keys) + Array(probations.keys) }

    // MARK: - Sessions

    /// A session completed its handshake with `remoteKey`.
    public mutating func onSessionOpened(_ session: SessionID, remoteKey: PublicKey, isInitiator: Bool,
                                         now: NodeTime) -> [NodeDirective] {
        guard allowsSession(remoteKey, now: now) else {
            return startProbation(session, remoteKey: remoteKey, isInitiator: isInitiator, now: now)
        }
        return establish(session, remoteKey: remoteKey, isInitiator: isInitiator)
    }

    /// A session ended. `failure` is the transport's metric label, nil for a clean close;
    /// `remoteKey` is set if the handshake had completed, `dialledKey` if we dialled.
    public mutating func onSessionClosed(_ session: SessionID, remoteKey: PublicKey?, dialledKey: PublicKey?,
                                         isInitiator: Bool, failure: String?, now: NodeTime) -> [NodeDirective] {
        var out: [NodeDirective] = []
        probations[session] = nil
        let peer = sessionSites.removeValue(forKey: session) ?? remoteKey?.siteID ?? dialledKey?.siteID
        if snapshotServes.removeValue(forKey: session) != nil { out.append(.cancelSnapshotServe(session)) }
        if let failure { count("session_\(failure)", &out) }
        guard let peer else { return out }
        sessions[peer]?.removeAll { $0 == session }
        if sessions[peer]?.isEmpty == true { sessions[peer] = nil }
        if isInitiator {
            // A clean close (re-handshake, peer shutdown) may redial at once; a failure
            // waits out the backoff.
            if failure == nil {
                dialing[peer] = nil
            } else {
                dialing[peer] = .backoff(until: now.instant.advanced(byMillis: nextBackoff(peer)))
                outbox[peer] = nil
            }
        }
        return out
    }

    /// A dial directive failed before any session existed.
    public mutating func onDialFailed(_ peer: SiteID, reason: String, now: NodeTime) -> [NodeDirective] {
        var out: [NodeDirective] = []
        count("dial_failed", &out)
        logger.debug("dial failed", metadata: ["peer": "\(peer)", "error": "\(reason)"])
        dialing[peer] = .backoff(until: now.instant.advanced(byMillis: nextBackoff(peer)))
        outbox[peer] = nil
        return out
    }

    /// One decrypted message on `session`.
    public mutating func onEnvelope(_ bytes: [UInt8], session: SessionID, now: NodeTime) -> [NodeDirective] {
        if probations[session] != nil { return probationMessage(bytes, session: session, now: now) }
        guard let peer = sessionSites[session] else { return [] }
        return deliver(bytes, from: peer, session: session, now: now)
    }

    /// One message from an authenticated `peer` outside any session (tests drive the
    /// node this way without sockets).
    public mutating func onEnvelope(_ bytes: [UInt8], from peer: SiteID, now: NodeTime) -> [NodeDirective] {
        deliver(bytes, from: peer, session: nil, now: now)
    }

    /// A session with a peer the roster allows: registered, our roster sent first (so an
    /// older peer catches up), then whatever waited for it.
    mutating func establish(_ session: SessionID, remoteKey: PublicKey, isInitiator: Bool) -> [NodeDirective] {
        let peer = remoteKey.siteID
        sessionSites[session] = peer
        sessionKeys[peer] = remoteKey
        sessions[peer, default: []].append(session)
        backoffs[peer]?.reset()
        dialing[peer] = nil
        logger.info("session established", metadata: ["peer": "\(peer)", "direction": "\(isInitiator ? "out" : "in")"])
        var out: [NodeDirective] = []
        if let signedRoster { out.append(.send(NodeEnvelope.roster(signedRoster).encoded(), session: session)) }
        for message in outbox.removeValue(forKey: peer) ?? [] { out.append(.send(message, session: session)) }
        return out
    }

    mutating func deliver(_ bytes: [UInt8], from peer: SiteID, session: SessionID?, now: NodeTime) -> [NodeDirective] {
        let envelope: NodeEnvelope
        do { envelope = try NodeEnvelope.decode(bytes) } catch {
            var out: [NodeDirective] = []
            count("malformed_message", &out)
            logger.warning("malformed message; closing session", metadata: ["peer": "\(peer)", "reason": "\(error)"])
            if let session { out.append(.close(session, .protocolViolation("\(error)"))) }
            return out
        }
        switch envelope {
        case let .roster(signed):
            return offerRoster(signed, from: peer, now: now)
        case let .sync(message):
            switch message {
            case let .vector(v), let .vectorRequest(v): peerVectors[peer] = v
            default: break
            }
            return [.sync(.message(message, from: peer))]
        case .snapshotRequest, .snapshotCredit, .snapshotPart, .snapshotRefused:
            return snapshotEnvelope(envelope, from: peer, session: session)
        }
    }

    // MARK: - Timers and ticks

    public mutating func onTimer(_ timer: NodeTimer, now: NodeTime) -> [NodeDirective] {
        switch timer {
        case let .sync(timer): return [.sync(.timer(timer))]
        case let .probationDeadline(session): return endProbation(session, admitted: false)
        }
    }

    /// The once-a-second housekeeping tick: retry a roster write that failed.
    public mutating func onTick(now: NodeTime) -> [NodeDirective] {
        guard let rosterUnsaved else { return [] }
        return [.persistRoster(rosterUnsaved)]
    }

    // MARK: - The sync core's outputs

    public mutating func onSyncOutputs(_ outputs: [SyncOutput], now: NodeTime) -> [NodeDirective] {
        var out: [NodeDirective] = []
        for output in outputs {
            switch output {
            case let .send(message, peer, address):
                out += send(NodeEnvelope.sync(message).encoded(), to: peer, address: address, now: now)
            case let .schedule(timer, at):
                out.append(.schedule(.sync(timer), at: at))
            case let .memberStatusChanged(change):
                memberStates[change.site] = change.current
                logger.info("member \(change)")
            case let .refused(peer, refusal):
                count("sync_refused_\(refusal)", &out)
                logger.debug("sync refused", metadata: ["peer": "\(peer)", "refusal": "\(refusal)"])
            case let .batchRefused(origin, seq, from, reason):
                count("batch_refused_\(reason.rawValue)", &out)
                out.append(.metric(.batchRefused(reason: reason.rawValue)))
                logger.warning("batch refused", metadata: ["origin": "\(origin)", "seq": "\(seq)", "from": "\(from)",
                                                           "reason": "\(reason.rawValue)"])
            case let .protocolViolation(peer, reason):
                count("protocol_violation", &out)
                logger.warning("protocol violation; closing session", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
                for session in sessions[peer] ?? [] { out.append(.close(session, .protocolViolation(reason))) }
            case let .stateDivergence(peer):
                out += noteStateDivergence(with: peer, now: now)
            case let .snapshotNeeded(peer, origin, floor):
                // Resync in place (swapping the open replica) is not wired into the running
                // node yet: the operator stops it and runs the offline resync (docs/operations.md).
                count("snapshot_needed", &out)
                out.append(.metric(.snapshotNeeded))
                logger.error("peer compacted history this node lacks; resync from a snapshot needed",
                             metadata: ["peer": "\(peer)", "origin": "\(origin)", "floor": "\(floor)"])
            }
        }
        return out
    }

    mutating func noteStateDivergence(with peer: SiteID, now: NodeTime) -> [NodeDirective] {
        var out: [NodeDirective] = []
        count("state_divergence", &out)
        out.append(.metric(.stateDivergence))
        var record = stateDivergences[peer] ?? RuntimeStatus.StateDivergence(
            site: peer.description, campus: roster?.members.first { $0.site == peer }?.campusCode ?? "",
            count: 0, first_at_ms: now.wallMillis, last_at_ms: now.wallMillis)
        record.count += 1
        record.last_at_ms = now.wallMillis
        stateDivergences[peer] = record
        logger.error("state divergence: equal vectors, different data; the replicas must be compared (meshdesk verify)",
                     metadata: ["peer": "\(peer)", "campus": "\(record.campus)", "times": "\(record.count)"])
        return out
    }

    /// On the peer's session if there is one; otherwise held (bounded) while it is dialled.
    mutating func send(_ bytes: [UInt8], to peer: SiteID, address: String, now: NodeTime) -> [NodeDirective] {
        if let session = sessions[peer]?.first { return [.send(bytes, session: session)] }
        var out: [NodeDirective] = []
        var queue = outbox[peer, default: []]
        if queue.count >= limits.outboxMessagesMax {
            queue.removeFirst()
            count("outbox_dropped", &out)
        }
        queue.append(bytes)
        outbox[peer] = queue
        return out + dial(peer, address: address, now: now)
    }

    /// Dials a roster member unless a dial is under way or its backoff has not run out
    /// (then what waited is dropped: the sync protocol retries).
    mutating func dial(_ peer: SiteID, address: String, now: NodeTime) -> [NodeDirective] {
        switch dialing[peer] {
        case .connecting:
            return []
        case let .backoff(until) where now.instant < until:
            outbox[peer] = nil
            return []
        case .backoff, nil:
            break
        }
        guard let member = roster?.members.first(where: { $0.site == peer }), isMember(peer),
              let target = splitAddress(member.addresses.first ?? address) else {
            outbox[peer] = nil
            return []
        }
        dialing[peer] = .connecting
        return [.dial(peer, host: target.host, port: target.port, key: member.publicKey)]
    }

    mutating func nextBackoff(_ peer: SiteID) -> UInt64 {
        var backoff = backoffs[peer] ?? ReconnectBackoff(seed: random.next(), baseMillis: limits.dialBackoffBaseMillis,
                                                         capMillis: limits.dialBackoffCapMillis)
        let delay = backoff.nextDelayMillis()
        backoffs[peer] = backoff
        return delay
    }

    /// A seed for a machine the shell builds beside this core (the sync core), from the
    /// core's generator: one node seed derives them all.
    public mutating func drawSeed() -> UInt64 { random.next() }

    /// Counts an event the shell saw itself (a failed compaction round); the shell
    /// publishes its metric.
    public mutating func countEvent(_ reason: String) { refusals[reason, default: 0] += 1 }

    mutating func count(_ reason: String, _ out: inout [NodeDirective]) {
        refusals[reason, default: 0] += 1
        out.append(.metric(.event(reason)))
    }

    // MARK: - Local commits

    /// A commit made in this process (durable): announced at once if it is the next one;
    /// a gap means another process committed in between, so the poll catches up in order.
    public mutating func onLocalCommit(_ batch: SealedBatch, now: NodeTime) -> [NodeDirective] {
        guard batch.header.seq > lastLocalSeq else { return [] }
        guard batch.header.seq == lastLocalSeq + 1 else { return [.pollCommits] }
        lastLocalSeq = batch.header.seq
        return [.sync(.localCommit(batch))]
    }

    /// Batches of this node's origin after `lastLocalSeq`, in order, as the poll found
    /// them (the CLI commits in another process): pushed like local commits.
    public mutating func onCommitPolled(_ batches: [SealedBatch], now: NodeTime) -> [NodeDirective] {
        var out: [NodeDirective] = []
        for batch in batches where batch.header.seq > lastLocalSeq {
            lastLocalSeq = batch.header.seq
            out.append(.sync(.localCommit(batch)))
        }
        return out
    }

    /// Peers pulled these from the log and compaction dropped them before the poll saw
    /// them: they are announced already.
    public mutating func onCommitsCompacted(through seq: UInt64, now: NodeTime) -> [NodeDirective] {
        lastLocalSeq = max(lastLocalSeq, seq)
        return []
    }
}
