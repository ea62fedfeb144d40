import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import Replica
import ReplicaSync
import Security
import Storage
import Sync
import Transport

/// The running node: the event-loop shell around `SyncCore`. Every piece of mutable
/// state below is confined to `loop` (one thread): session events hop onto it, timers
/// fire on it, and the core — which never awaits — runs on it, store calls included.
/// I/O runs on a separate event loop group, so a long apply never stalls the sockets.
public final class NodeRuntime: @unchecked Sendable {
    // @unchecked: confined to `loop`; every entry point hops there first.

    /// Messages held for a peer while its session is being dialled; beyond it the oldest
    /// are dropped (the sync protocol treats them as lost and retries).
    public static let outboxMessagesMax = 256
    /// Batches announced per poll of the store for commits of other processes.
    public static let pollBatchesMax = 512

    public let loop: any EventLoop
    public let config: NodeConfig
    public let identity: SigningIdentity
    public let store: ReplicaStore
    public let roster: RosterHolder
    public let counters = TransportCounters()
    let keyRing: RosterKeyRing
    let adminKey: PublicKey?
    let networkKey: NetworkKey
    var logger: Logger

    var core: SyncCore!
    var endpoint: TransportEndpoint?
    var server: (any Channel)?
    public private(set) var listenPort = 0
    var sessions: [SiteID: [SessionHandle]] = [:]
    var sessionSites: [UInt64: SiteID] = [:]
    var sessionKeys: [SiteID: PublicKey] = [:]
    var outbox: [SiteID: [[UInt8]]] = [:]
    var dialing: [SiteID: DialState] = [:]
    var backoffs: [SiteID: ReconnectBackoff] = [:]
    var memberStates: [SiteID: MemberStatus] = [:]
    var peerVectors: [SiteID: VersionVector] = [:]
    public private(set) var refusals: [String: Int] = [:]
    /// Peers found at equal vectors with a different state digest, since start.
    var stateDivergences: [SiteID: RuntimeStatus.StateDivergence] = [:]
    var lastLocalSeq: UInt64 = 0
    var antiEntropyTick: Scheduled<Void>?
    var repeating: [RepeatedTask] = []
    let startNanos = NIODeadline.now().uptimeNanoseconds
    var random: SplitMix64
    var stopped = false
    var vectorObserver: (@Sendable (VersionVector) -> Void)?
    var metricsState = RuntimeMetricsState()
    /// Snapshot exports running for `meshdesk rebuild` clients, by session id.
    var snapshotServes: [UInt64: SnapshotCreditGate] = [:]
    /// Inbound sessions of keys this roster does not allow yet, by session id: each may
    /// present a newer roster before it is judged (NodeRuntime+Probation.swift).
    var probations: [UInt64: RosterProbation] = [:]
    /// An accepted roster whose file write failed, retried every second: until it is on
    /// disk a restart would start from the older roster (and forget a revocation).
    var rosterUnsaved: SignedRoster?

    enum DialState { case connecting, backoff(until: Instant) }

    init(loop: any EventLoop, config: NodeConfig, identity: SigningIdentity, store: ReplicaStore, roster: RosterHolder,
         keyRing: RosterKeyRing, adminKey: PublicKey?, networkKey: NetworkKey, seed: UInt64, logger: Logger) {
        self.loop = loop
        self.config = config
        self.identity = identity
        self.store = store
        self.roster = roster
        self.keyRing = keyRing
        self.adminKey = adminKey
        self.networkKey = networkKey
        self.random = SplitMix64(seed: seed)
        self.logger = logger
    }

    func now() -> Instant { Instant(millis: (NIODeadline.now().uptimeNanoseconds - startNanos) / 1_000_000) }

    // MARK: - Start and stop

    /// Listens, builds the sync core and starts its timers. `ioGroup` carries sockets;
    /// `loop` (not in `ioGroup`) carries the core.
    func start(ioGroup: any EventLoopGroup) async throws {
        var sessionConfig = SessionConfig()
        sessionConfig.rehandshakeAfterMillis = Int64(config.rehandshakeAfterSeconds) * 1000
        let roster = self.roster
        let endpoint = TransportEndpoint(
            group: ioGroup, identity: identity, networkKey: networkKey, config: sessionConfig, counters: counters,
            logger: logger, isAllowed: { key in roster.allowsSession(key, atMillis: SystemClock().nowMillis()) },
            responderAdmits: { key in roster.admitsRosterProbation(key) },
            onEvent: { [self] event in loop.execute { self.handle(event) } })
        self.endpoint = endpoint
        let (host, port) = config.listenAddress!
        let server = try await endpoint.listen(host: host, port: port)
        self.server = server
        let bound = server.localAddress?.port ?? port
        try await loop.submit { [self] in
            listenPort = bound
            try startCore(announcing: "\(host):\(bound)")
        }.get()
        logger.notice("node listening", metadata: ["address": "\(host):\(bound)", "site": "\(identity.site)",
                                                   "roster_epoch": "\(roster.epoch)"])
    }

    func startCore(announcing address: String) throws {
        loop.preconditionInEventLoop()
        var membership = MembershipConfig(site: identity.site, address: address, seeds: seeds())
        membership.probeIntervalMillis = config.probeIntervalMillis
        membership.pingTimeoutMillis = config.probeIntervalMillis * 3 / 10
        membership.indirectPingTimeoutMillis = config.probeIntervalMillis * 6 / 10
        var antiEntropy = AntiEntropyConfig(site: identity.site)
        antiEntropy.roundIntervalMillis = config.gossipIntervalMillis
        antiEntropy.pushFanout = config.pushFanout
        let roster = self.roster
        core = try SyncCore(store: store, membershipConfig: membership, antiEntropyConfig: antiEntropy,
                            isOnRoster: { roster.isMember($0) }, seed: random.next())
        lastLocalSeq = try store.versionVector()[store.currentOrigin()]
        perform(core.start(now: now()))
        every(config.pollIntervalMillis) { $0.pollLocalCommits() }
        every(config.statusIntervalMillis) { $0.writeStatus() }
        every(1_000) { $0.reloadRosterFile() }
        scheduleCompaction()
    }

    /// Seed peers: the roster members named in `[peers] seeds` (by address), or all.
    func seeds() -> [SeedPeer] {
        let members = (roster.roster?.members ?? []).filter { $0.site != identity.site && !(roster.roster?.isRevoked($0.publicKey) ?? true) }
        return members.compactMap { member in
            guard let address = member.addresses.first else { return nil }
            if !config.seeds.isEmpty && !member.addresses.contains(where: config.seeds.contains) { return nil }
            return SeedPeer(site: member.site, address: address)
        }
    }

    func every(_ millis: UInt64, _ body: @escaping @Sendable (NodeRuntime) -> Void) {
        let interval = TimeAmount.milliseconds(Int64(millis))
        repeating.append(loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            guard !stopped else { return }
            body(self)
        })
    }

    /// Graceful stop: every session gets its final frame, then the listener closes.
    public func stop() async {
        let closes: [any Channel] = (try? await loop.submit { [self] in
            stopped = true
            repeating.forEach { $0.cancel() }
            antiEntropyTick?.cancel()
            writeStatus()
            let all = sessions.values.flatMap { $0 } + probations.values.map(\.handle)
            probations.values.forEach { $0.deadline.cancel() }
            probations = [:]
            all.forEach { $0.close() }
            return all.map { $0.channel }
        }.get()) ?? []
        // Bounded: a peer that never answers our final frame does not hold up shutdown.
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline, closes.contains(where: { $0.isActive }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? await server?.close().get()
        logger.notice("node stopped")
    }

    // MARK: - Session events

    func handle(_ event: SessionEvent) {
        loop.preconditionInEventLoop()
        guard !stopped else { return }
        switch event {
        case let .established(handle, remoteKey):
            if roster.allowsSession(remoteKey, atMillis: SystemClock().nowMillis()) {
                establish(handle, remoteKey: remoteKey)
            } else {
                startRosterProbation(handle, remoteKey: remoteKey)
            }
        case let .message(handle, bytes):
            if probations[handle.id] != nil {
                probationMessage(bytes, session: handle)
                return
            }
            guard let site = sessionSites[handle.id] else { return }
            deliver(bytes, from: site, session: handle)
        case let .closed(handle, remoteKey, error):
            probations.removeValue(forKey: handle.id)?.deadline.cancel()
            let site = sessionSites.removeValue(forKey: handle.id) ?? remoteKey?.siteID ?? handle.dialledKey?.siteID
            snapshotServes.removeValue(forKey: handle.id)?.cancel()
            if let error { count("session_\(error.metricLabel)") }
            guard let site else { return }
            sessions[site]?.removeAll { $0.id == handle.id }
            if sessions[site]?.isEmpty == true { sessions[site] = nil }
            if handle.isInitiator {
                // A clean close (re-handshake, peer shutdown) may redial at once; a
                // failure waits out the backoff.
                dialing[site] = error == nil ? nil : .backoff(until: now().advanced(byMillis: nextBackoff(site)))
                if error != nil { outbox[site] = nil }
            }
        }
    }

    /// A session with a peer the roster allows: registered for sync, our roster sent
    /// first (so an older peer catches up), then whatever waited for it.
    func establish(_ handle: SessionHandle, remoteKey: PublicKey) {
        let site = remoteKey.siteID
        sessionSites[handle.id] = site
        sessionKeys[site] = remoteKey
        sessions[site, default: []].append(handle)
        backoffs[site]?.reset()
        dialing[site] = nil
        logger.info("session established", metadata: ["peer": "\(site)", "direction": "\(handle.isInitiator ? "out" : "in")"])
        if let signed = roster.signed { handle.send(NodeEnvelope.roster(signed).encoded()) }
        for message in outbox.removeValue(forKey: site) ?? [] { handle.send(message) }
    }

    /// One authenticated message from `site`. Internal so tests can drive it without sockets.
    func deliver(_ bytes: [UInt8], from site: SiteID, session: SessionHandle?) {
        let envelope: NodeEnvelope
        do { envelope = try NodeEnvelope.decode(bytes) } catch {
            count("malformed_message")
            logger.warning("malformed message; closing session", metadata: ["peer": "\(site)", "reason": "\(error)"])
            session?.close(.protocolViolation("\(error)"))
            return
        }
        switch envelope {
        case let .roster(signed):
            offerRoster(signed, from: site)
        case let .sync(message):
            switch message {
            case let .vector(v), let .vectorRequest(v): peerVectors[site] = v
            default: break
            }
            perform(core.onMessage(message, from: site, now: now()))
        case .snapshotRequest, .snapshotCredit, .snapshotPart, .snapshotRefused:
            handleSnapshotEnvelope(envelope, from: site, session: session)
        }
    }

    // MARK: - Core outputs

    func perform(_ outputs: [SyncOutput]) {
        for output in outputs {
            switch output {
            case let .send(message, site, address):
                send(NodeEnvelope.sync(message).encoded(), to: site, address: address)
            case let .schedule(timer, at):
                let delay = TimeAmount.milliseconds(Int64(at.millis) - Int64(now().millis))
                let task = loop.scheduleTask(in: max(delay, .zero)) { [self] in
                    guard !stopped else { return }
                    perform(core.onTimer(timer, now: now()))
                }
                if timer == .antiEntropyTick {
                    antiEntropyTick?.cancel()
                    antiEntropyTick = task
                }
            case let .memberStatusChanged(change):
                memberStates[change.site] = change.current
                logger.info("member \(change)")
            case let .refused(site, refusal):
                count("sync_refused_\(refusal)")
                logger.debug("sync refused", metadata: ["peer": "\(site)", "refusal": "\(refusal)"])
            case let .batchRefused(origin, seq, from, reason):
                count("batch_refused_\(reason.rawValue)")
                Counter(label: "meshdesk_batches_refused_total", dimensions: [("reason", reason.rawValue)]).increment()
                logger.warning("batch refused", metadata: ["origin": "\(origin)", "seq": "\(seq)", "from": "\(from)",
                                                           "reason": "\(reason.rawValue)"])
            case let .protocolViolation(site, reason):
                count("protocol_violation")
                logger.warning("protocol violation; closing session", metadata: ["peer": "\(site)", "reason": "\(reason)"])
                sessions[site]?.forEach { $0.close(.protocolViolation(reason)) }
            case let .stateDivergence(site):
                count("state_divergence")
                Counter(label: "meshdesk_state_divergence_total").increment()
                let now = SystemClock().nowMillis()
                var record = stateDivergences[site] ?? RuntimeStatus.StateDivergence(
                    site: site.description, campus: roster.roster?.members.first { $0.site == site }?.campusCode ?? "",
                    count: 0, first_at_ms: now, last_at_ms: now)
                record.count += 1
                record.last_at_ms = now
                stateDivergences[site] = record
                logger.error("state divergence: equal vectors, different data; the replicas must be compared (meshdesk verify)",
                             metadata: ["peer": "\(site)", "campus": "\(record.campus)", "times": "\(record.count)"])
            case let .snapshotNeeded(site, origin, floor):
                // Resync in place (swapping the open replica) is not wired into the running
                // node yet: the operator stops it and runs the offline resync (docs/operations.md).
                count("snapshot_needed")
                Counter(label: "meshdesk_snapshot_needed_total").increment()
                logger.error("peer compacted history this node lacks; resync from a snapshot needed",
                             metadata: ["peer": "\(site)", "origin": "\(origin)", "floor": "\(floor)"])
            }
        }
        vectorObserver?(core.antiEntropy.localVector)
    }

    func send(_ bytes: [UInt8], to site: SiteID, address: String) {
        if let session = sessions[site]?.first {
            session.send(bytes)
            return
        }
        var queue = outbox[site, default: []]
        if queue.count >= Self.outboxMessagesMax {
            queue.removeFirst()
            count("outbox_dropped")
        }
        queue.append(bytes)
        outbox[site] = queue
        dial(site, address: address)
    }

    func dial(_ site: SiteID, address: String) {
        switch dialing[site] {
        case .connecting: return
        case let .backoff(until) where now() < until:
            outbox[site] = nil
            return
        default: break
        }
        guard let endpoint, let member = roster.member(site), roster.isMember(site),
              let target = splitAddress(member.addresses.first ?? address) else {
            outbox[site] = nil
            return
        }
        dialing[site] = .connecting
        endpoint.dial(host: target.host, port: target.port, remoteKey: member.publicKey).hop(to: loop).whenFailure { [self] error in
            count("dial_failed")
            logger.debug("dial failed", metadata: ["peer": "\(site)", "error": "\(error)"])
            dialing[site] = .backoff(until: now().advanced(byMillis: nextBackoff(site)))
            outbox[site] = nil
        }
    }

    func nextBackoff(_ site: SiteID) -> UInt64 {
        var backoff = backoffs[site] ?? ReconnectBackoff(seed: random.next(), baseMillis: 100, capMillis: 10_000)
        let delay = backoff.nextDelayMillis()
        backoffs[site] = backoff
        return delay
    }

    func count(_ reason: String) {
        refusals[reason, default: 0] += 1
        Counter(label: "meshdesk_node_events_total", dimensions: [("reason", reason)]).increment()
    }

    // MARK: - Local commits from other processes

    /// Batches the CLI (another process) committed under this node's origin are pushed
    /// like local commits: the core's vector catches up, and peers hear of them at once.
    func pollLocalCommits() {
        do {
            let origin = try store.currentOrigin()
            let held = try store.versionVector()[origin]
            guard held > lastLocalSeq else { return }
            let batches = try store.batches(of: origin, from: lastLocalSeq + 1,
                                            limit: ChunkLimit(batchesMax: Self.pollBatchesMax, bytesMax: 64 << 20))
            for batch in batches {
                perform(core.onLocalCommit(batch, now: now()))
                lastLocalSeq = batch.header.seq
            }
        } catch let StorageError.compacted(_, through) {
            // Peers pulled these from the log and compaction dropped them before the
            // poll saw them: they are announced already.
            lastLocalSeq = max(lastLocalSeq, through)
        } catch {
            logger.error("polling the replica failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Roster

    /// The update rule from `Security`: same pinned admin key, strictly newer epoch,
    /// revocations kept. An accepted roster is saved, closes sessions of keys it no longer
    /// allows, and is passed on to every other session (that is how it spreads).
    func offerRoster(_ signed: SignedRoster, from peer: SiteID?) {
        guard let adminKey else { return }
        let outcome: RosterUpdate
        if let current = roster.roster {
            outcome = SignedRoster.update(current: current, offered: signed, adminKey: adminKey)
        } else {
            do { outcome = .accept(try signed.verify(adminKey: adminKey)) } catch { outcome = .reject(.invalid(error)) }
        }
        switch outcome {
        case let .accept(newRoster):
            roster.replace(signed: signed, roster: newRoster)
            keyRing.update(newRoster)
            saveRoster(signed)
            logger.notice("roster accepted", metadata: ["epoch": "\(newRoster.epoch)", "from": "\(peer.map { "\($0)" } ?? "file")"])
            let nowMillis = SystemClock().nowMillis()
            for (site, list) in sessions {
                if let key = sessionKeys[site], !newRoster.allowsSession(with: key, atMillis: nowMillis) {
                    count("session_revoked")
                    logger.warning("closing session of a peer the new roster no longer allows", metadata: ["peer": "\(site)"])
                    list.forEach { $0.close(.revoked) }
                } else if site != peer {
                    list.first?.send(NodeEnvelope.roster(signed).encoded())
                }
            }
        case let .reject(.staleEpoch(current, offered)):
            // An older roster: send ours back so the peer catches up.
            if offered < current, let peer, let mine = roster.signed {
                sessions[peer]?.first?.send(NodeEnvelope.roster(mine).encoded())
            }
        case let .reject(reason):
            count("roster_refused")
            logger.warning("roster refused", metadata: ["reason": "\(reason)", "from": "\(peer.map { "\($0)" } ?? "file")"])
        }
    }


    private var rosterFileBytes: [UInt8]?

    /// Writes an accepted roster to `roster.signed`. A failure is an error in the log and
    /// a counted event, and the write is retried every second (`reloadRosterFile`): the
    /// roster stays in force in memory, but only the file survives a restart.
    func saveRoster(_ signed: SignedRoster) {
        let path = config.path(config.roster)
        do {
            try ClusterFiles.write(signed.encoded(), to: path)
            if rosterUnsaved != nil {
                logger.notice("roster file saved after an earlier failure", metadata: ["path": "\(path)"])
            }
            rosterUnsaved = nil
        } catch {
            if rosterUnsaved?.encoded() != signed.encoded() {
                count("roster_write_failed")
                logger.error("could not save the accepted roster; retrying every second (a restart now would start from the older roster)",
                             metadata: ["path": "\(path)", "error": "\(error)"])
            }
            rosterUnsaved = signed
        }
    }

    func reloadRosterFile() {
        if let unsaved = rosterUnsaved { saveRoster(unsaved) }
        let path = config.path(config.roster)
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let bytes = Array(data)
        guard bytes != rosterFileBytes else { return }
        rosterFileBytes = bytes
        guard bytes != roster.signed?.encoded() else { return }
        do { offerRoster(try SignedRoster(decoding: bytes), from: nil) } catch {
            count("roster_refused")
            logger.warning("roster file unreadable", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

