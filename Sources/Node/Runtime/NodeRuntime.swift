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
import Synchronization
import Transport

/// The running node: a thin interpreter on NIO around `NodeCore` (the decisions) and
/// `SyncCore` (gossip against the replica). Session events, timers and polls become
/// `NodeCore` events with the time read here; the directives they return are carried
/// out here — sends, dials, closes, timers, roster files, snapshot exports, the sync
/// core's store work — and their results fed back as events.
///
/// Every piece of mutable state lives in `state`, a box bound to `loop` (one thread):
/// session events hop onto it, timers fire on it, and both cores — which never await —
/// run on it, store calls included. I/O runs on a separate event loop group, so a long
/// apply never stalls the sockets. This file and `SystemClock` are where the node reads
/// the wall clock (`now()`); the cores only see the `NodeTime` passed in.
public final class NodeRuntime: Sendable {
    /// Batches announced per poll of the store for commits of other processes.
    public static let pollBatchesMax = 512
    /// Directives carried out per event, at most: a chain of sync work and its outputs
    /// is bounded by the credit window, so reaching this is a bug, not load.
    static let directivesPerEventMax = 100_000

    public let loop: any EventLoop
    public let config: NodeConfig
    public let identity: SigningIdentity
    public let store: ReplicaStore
    /// The roster in force as published for other threads: the handshake on I/O threads
    /// and the web pages read it; only `.installRoster` writes it.
    public let roster: RosterHolder
    public let counters = TransportCounters()
    let keyRing: RosterKeyRing
    let networkKey: NetworkKey
    let logger: Logger
    let startNanos = NIODeadline.now().uptimeNanoseconds
    let boundPort = Atomic<Int>(0)
    let state: NIOLoopBoundBox<RuntimeState>

    /// The shell's own mutable state, reachable only on `loop` (through `state`).
    final class RuntimeState {
        /// The runtime's lifecycle: the sync core exists only once the listener is bound
        /// (it announces the bound address).
        enum Phase {
            case created
            case running(SyncCore)
            case stopped
        }

        var core: NodeCore
        var phase = Phase.created
        var handles: [SessionID: SessionHandle] = [:]
        var endpoint: TransportEndpoint?
        var server: (any Channel)?
        /// Timers a later schedule replaces (`NodeTimer.supersedesEarlier`).
        var supersedingTimers: [NodeTimer: Scheduled<Void>] = [:]
        var repeating: [RepeatedTask] = []
        /// Credit gates of the snapshot exports running, by session.
        var snapshotGates: [SessionID: SnapshotCreditGate] = [:]
        var vectorObserver: (@Sendable (VersionVector) -> Void)?
        var metricsState = RuntimeMetricsState()

        init(core: NodeCore) { self.core = core }

        var sync: SyncCore? { if case let .running(sync) = phase { sync } else { nil } }
        var isStopped: Bool { if case .stopped = phase { true } else { false } }
    }

    init(loop: any EventLoop, config: NodeConfig, identity: SigningIdentity, store: ReplicaStore, roster: RosterHolder,
         keyRing: RosterKeyRing, adminKey: PublicKey?, networkKey: NetworkKey, seed: UInt64, logger: Logger) throws {
        self.loop = loop
        self.config = config
        self.identity = identity
        self.store = store
        self.roster = roster
        self.keyRing = keyRing
        self.networkKey = networkKey
        self.logger = logger
        let core = NodeCore(site: identity.site, signedRoster: roster.signed, roster: roster.roster, adminKey: adminKey,
                            lastLocalSeq: try store.versionVector()[store.currentOrigin()], seed: seed, logger: logger)
        state = .makeBoxSendingValue(RuntimeState(core: core), eventLoop: loop)
    }

    public var listenPort: Int { boundPort.load(ordering: .relaxed) }

    /// The time of an event: the monotonic clock since start and the wall clock.
    func now() -> NodeTime {
        NodeTime(instant: Instant(millis: (NIODeadline.now().uptimeNanoseconds - startNanos) / 1_000_000),
                 wallMillis: SystemClock().nowMillis())
    }

    // MARK: - Start and stop

    /// Listens, builds the sync core and starts its timers. `ioGroup` carries sockets;
    /// `loop` (not in `ioGroup`) carries the cores.
    func start(ioGroup: any EventLoopGroup) async throws {
        var sessionConfig = SessionConfig()
        sessionConfig.rehandshakeAfterMillis = Int64(config.rehandshakeAfterSeconds) * 1000
        let roster = self.roster
        let endpoint = TransportEndpoint(
            group: ioGroup, identity: identity, networkKey: networkKey, config: sessionConfig, counters: counters,
            logger: logger, isAllowed: { key in roster.allowsSession(key, atMillis: SystemClock().nowMillis()) },
            responderAdmits: { key in roster.admitsRosterProbation(key) },
            onEvent: { [self] event in loop.execute { self.handle(event) } })
        let (host, port) = config.listenAddress!
        let server = try await endpoint.listen(host: host, port: port)
        let bound = server.localAddress?.port ?? port
        boundPort.store(bound, ordering: .relaxed)
        try await loop.submit { [self] in
            state.value.endpoint = endpoint
            state.value.server = server
            try startCore(announcing: "\(host):\(bound)")
        }.get()
        logger.notice("node listening", metadata: ["address": "\(host):\(bound)", "site": "\(identity.site)",
                                                   "roster_epoch": "\(roster.epoch)"])
    }

    func startCore(announcing address: String) throws {
        let s = state.value
        guard case .created = s.phase else { preconditionFailure("sync core started in phase \(s.phase)") }
        var membership = MembershipConfig(site: identity.site, address: address, seeds: s.core.seedPeers(configured: config.seeds))
        membership.probeIntervalMillis = config.probeIntervalMillis
        membership.pingTimeoutMillis = config.probeIntervalMillis * 3 / 10
        membership.indirectPingTimeoutMillis = config.probeIntervalMillis * 6 / 10
        var antiEntropy = AntiEntropyConfig(site: identity.site)
        antiEntropy.roundIntervalMillis = config.gossipIntervalMillis
        antiEntropy.pushFanout = config.pushFanout
        let roster = self.roster
        let sync = try SyncCore(store: store, membershipConfig: membership, antiEntropyConfig: antiEntropy,
                                isOnRoster: { roster.isMember($0) }, seed: s.core.drawSeed())
        s.phase = .running(sync)
        let now = now()
        run(s.core.onSyncOutputs(sync.start(now: now.instant), now: now))
        every(config.pollIntervalMillis) { $0.run($0.pollLocalCommits()) }
        every(config.statusIntervalMillis) { $0.writeStatus() }
        every(1_000) { $0.reloadRosterFile() }
        scheduleCompaction()
    }

    func every(_ millis: UInt64, _ body: @escaping @Sendable (NodeRuntime) -> Void) {
        let interval = TimeAmount.milliseconds(Int64(millis))
        state.value.repeating.append(loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            guard !state.value.isStopped else { return }
            body(self)
        })
    }

    /// Graceful stop: every session gets its final frame, then the listener closes.
    public func stop() async {
        let (closes, server): ([any Channel], (any Channel)?) = (try? await loop.submit { [self] in
            let s = state.value
            writeStatus()
            s.phase = .stopped
            s.repeating.forEach { $0.cancel() }
            s.supersedingTimers.values.forEach { $0.cancel() }
            let all = Array(s.handles.values)
            all.forEach { $0.close() }
            return (all.map { $0.channel }, s.server)
        }.get()) ?? ([], nil)
        // Bounded: a peer that never answers our final frame does not hold up shutdown.
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline, closes.contains(where: { $0.isActive }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? await server?.close().get()
        logger.notice("node stopped")
    }

    // MARK: - Events in

    func handle(_ event: SessionEvent) {
        let s = state.value
        guard !s.isStopped else { return }
        let now = now()
        switch event {
        case let .established(handle, remoteKey):
            s.handles[handle.id] = handle
            run(s.core.onSessionOpened(handle.id, remoteKey: remoteKey, isInitiator: handle.isInitiator, now: now))
        case let .message(handle, bytes):
            run(s.core.onEnvelope(bytes, session: handle.id, now: now))
        case let .closed(handle, remoteKey, error):
            s.handles[handle.id] = nil
            run(s.core.onSessionClosed(handle.id, remoteKey: remoteKey, dialledKey: handle.dialledKey,
                                       isInitiator: handle.isInitiator, failure: error?.metricLabel, now: now))
        }
    }

    /// One authenticated message from `site` outside any session: tests drive the node
    /// this way without sockets.
    func deliver(_ bytes: [UInt8], from site: SiteID) {
        run(state.value.core.onEnvelope(bytes, from: site, now: now()))
    }

    /// Counts by reason (sessions closed, batches refused, sync refusals). On `loop`.
    public var refusals: [String: Int] { state.value.core.refusals }

    /// The sync core's counters, once started. On `loop`.
    public var syncStats: SyncCoreStats? { state.value.sync?.stats }

    // MARK: - Directives out

    /// Carries out `directives` in order, appending what their results return: a work
    /// list, not recursion (the sync core's outputs and a roster write's result come back
    /// as further directives).
    func run(_ directives: [NodeDirective]) {
        let s = state.value
        var work = directives
        var next = 0
        while next < work.count {
            precondition(next < Self.directivesPerEventMax, "runaway directive chain")
            let directive = work[next]
            next += 1
            switch directive {
            case let .send(bytes, session):
                s.handles[session]?.send(bytes)
            case let .dial(site, host, port, key):
                dial(site, host: host, port: port, key: key, endpoint: s.endpoint)
            case let .close(session, ending):
                s.handles[session]?.close(Self.transportError(ending))
            case let .abort(session, ending):
                s.handles[session]?.abort(Self.transportError(ending))
            case let .sync(input):
                work += runSync(input, sync: s.sync)
            case let .schedule(timer, at):
                schedule(timer, at: at)
            case let .installRoster(signed, newRoster):
                roster.replace(signed: signed, roster: newRoster)
                keyRing.update(newRoster)
            case let .persistRoster(signed):
                work += s.core.onRosterPersisted(signed, failure: persist(signed), now: now())
            case .pollCommits:
                work += pollLocalCommits()
            case let .serveSnapshot(session, credit):
                serveSnapshot(session, credit: credit)
            case let .grantSnapshotCredit(session, parts):
                s.snapshotGates[session]?.grant(parts)
            case let .cancelSnapshotServe(session):
                s.snapshotGates.removeValue(forKey: session)?.cancel()
            case let .metric(event):
                Self.publish(event)
            }
        }
    }

    func runSync(_ input: SyncInput, sync: SyncCore?) -> [NodeDirective] {
        // Before start there is no sync core; nothing is fed to it then.
        guard let sync else { return [] }
        let now = now()
        let outputs: [SyncOutput]
        switch input {
        case let .message(message, from): outputs = sync.onMessage(message, from: from, now: now.instant)
        case let .timer(timer): outputs = sync.onTimer(timer, now: now.instant)
        case let .localCommit(batch): outputs = sync.onLocalCommit(batch, now: now.instant)
        }
        let s = state.value
        let out = s.core.onSyncOutputs(outputs, now: now)
        s.vectorObserver?(sync.antiEntropy.localVector)
        return out
    }

    func dial(_ site: SiteID, host: String, port: Int, key: PublicKey, endpoint: TransportEndpoint?) {
        guard let endpoint else {
            return run(state.value.core.onDialFailed(site, reason: "not listening yet", now: now()))
        }
        endpoint.dial(host: host, port: port, remoteKey: key).hop(to: loop).whenFailure { [self] error in
            guard !state.value.isStopped else { return }
            run(state.value.core.onDialFailed(site, reason: "\(error)", now: now()))
        }
    }

    func schedule(_ timer: NodeTimer, at: Instant) {
        let s = state.value
        let delay = TimeAmount.milliseconds(Int64(at.millis) - Int64(now().instant.millis))
        let task = loop.scheduleTask(in: max(delay, .zero)) { [self] in
            guard !state.value.isStopped else { return }
            run(state.value.core.onTimer(timer, now: now()))
        }
        if timer.supersedesEarlier {
            s.supersedingTimers[timer]?.cancel()
            s.supersedingTimers[timer] = task
        }
    }

    static func transportError(_ ending: SessionEnding) -> TransportError {
        switch ending {
        case let .protocolViolation(reason): .protocolViolation(reason)
        case .revoked: .revoked
        case let .notAllowed(key): .handshake(.remoteNotAllowed(key))
        }
    }

    static func publish(_ event: NodeMetricEvent) {
        switch event {
        case let .event(reason):
            Counter(label: "meshdesk_node_events_total", dimensions: [("reason", reason)]).increment()
        case let .batchRefused(reason):
            Counter(label: "meshdesk_batches_refused_total", dimensions: [("reason", reason)]).increment()
        case .stateDivergence:
            Counter(label: "meshdesk_state_divergence_total").increment()
        case .snapshotNeeded:
            Counter(label: "meshdesk_snapshot_needed_total").increment()
        }
    }

    // MARK: - Local commits from other processes

    /// Batches the CLI (another process) committed under this node's origin: read from
    /// the store after the last one announced, handed to the core in order.
    func pollLocalCommits() -> [NodeDirective] {
        let s = state.value
        let from = s.core.lastLocalSeq
        do {
            let origin = try store.currentOrigin()
            guard try store.versionVector()[origin] > from else { return [] }
            let batches = try store.batches(of: origin, from: from + 1,
                                            limit: ChunkLimit(batchesMax: Self.pollBatchesMax, bytesMax: 64 << 20))
            return s.core.onCommitPolled(batches, now: now())
        } catch let StorageError.compacted(_, through) {
            return s.core.onCommitsCompacted(through: through, now: now())
        } catch {
            logger.error("polling the replica failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    // MARK: - Roster file

    /// Writes `signed` to `roster.signed`; the error's text, or nil once written.
    func persist(_ signed: SignedRoster) -> String? {
        let path = config.path(config.roster)
        do {
            try ClusterFiles.write(signed.encoded(), to: path)
            return nil
        } catch {
            return "\(path): \(error)"
        }
    }

    /// The once-a-second tick: a failed roster write retried, then the roster file read
    /// (an operator may have placed a newer one).
    func reloadRosterFile() {
        let s = state.value
        run(s.core.onTick(now: now()))
        let data = FileManager.default.contents(atPath: config.path(config.roster))
        run(s.core.onRosterFile(data.map { Array($0) }, now: now()))
    }
}
