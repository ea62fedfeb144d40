import Foundation
import GRDB
import Replica
import ReplicaSync
import Security
import Storage
import Sync

/// A whole cluster in one process on one thread: N nodes with real stores, signatures
/// and sync cores, on a simulated network and clock, all derived from one seed.
///
/// A run has TigerBeetle's two phases. The fault phase runs the workload under the
/// seed's fault plan while safety is checked after every event. Then everything heals
/// (partitions end, crashed nodes restart, the network turns calm, clocks are fixed)
/// and the liveness phase requires convergence within `convergenceRoundsMax` rounds.
public final class Simulation {
    enum Event {
        case deliver(from: Int, to: Int, bytes: [UInt8], flipped: Bool)
        case timer(node: Int, boot: Int, SyncTimer)
        case write(node: Int, thenCrashFor: UInt64?)
        case fault(FaultAction)
        case partitionEnds(Int)
        case restart(node: Int, boot: Int)
    }

    public let seed: UInt64
    public let options: SimulationOptions
    public let plan: FaultPlan
    let time = SimulatedTime()
    var random: SplitMix64
    var nodes: [SimulatedNode] = []
    var queue = EventQueue<Event>()
    var trace = TraceHash()
    var registry = CommitRegistry()
    var violations: [String] = []
    var network: NetworkFaults
    var partitions: [Int: (Partition, start: UInt64)] = [:]
    var nextPartitionID = 0
    var inflight = 0
    var antiEntropyTickAt: [Int: Instant] = [:]
    var knownRows: [RowID] = []
    var indexOfSite: [SiteID: Int] = [:]
    let ring: KeyRing
    let roster: Set<SiteID>
    public internal(set) var stats = SimulationStats()
    var byzantineSeq: UInt64 = 1

    public init(seed: UInt64, options: SimulationOptions = SimulationOptions(), plan: FaultPlan? = nil) throws {
        self.seed = seed
        self.options = options
        var plan = plan ?? FaultPlan.draw(seed: seed, nodes: options.nodes, options: options)
        if options.onlyExtraActions { plan.actions = [] }
        plan.actions += options.extraActions
        plan.actions.sort { $0.at < $1.at }
        self.plan = plan
        self.random = SplitMix64(seed: seed)
        self.network = plan.network
        var identitySeed = SplitMix64(seed: seed ^ 0x1D_E471_7135)
        let identities = try (0..<options.nodes).map { _ in
            try SigningIdentity(seed: (0..<4).flatMap { _ in withUnsafeBytes(of: identitySeed.next()) { Array($0) } })
        }
        ring = KeyRing(identities.map(\.publicKey))
        roster = Set(identities.map(\.site))
        precondition(roster.count == identities.count, "two simulated sites share an id")
        for (i, identity) in identities.enumerated() {
            let clock = SimulatedClock(time: time)
            clock.setSkew(plan.skewMillis[i])
            nodes.append(try SimulatedNode(index: i, identity: identity, clock: clock))
            indexOfSite[identity.site] = i
        }
    }

    // MARK: - Running

    /// The whole run: fault phase, heal, liveness phase, final checks.
    public func run() -> SimulationResult {
        do {
            for node in nodes { try bootNode(node) }
            scheduleWorkload()
            for (at, action) in plan.actions { queue.push(.fault(action), at: at) }
            advance(to: plan.faultPhaseMillis)
            try heal()
            stats.roundsToConverge = try awaitConvergence()
            if stats.roundsToConverge != nil { try checkConverged() }
            try auditLogs()
        } catch {
            violations.append("simulator error: \(error)")
        }
        return SimulationResult(seed: seed, options: options, plan: plan, traceHash: trace.value,
                                violations: violations, stats: stats)
    }

    /// Runs every event up to `end` (true time, ms).
    func advance(to end: UInt64) {
        while let next = queue.nextTime, next <= end {
            let (at, event) = queue.pop()!
            time.millis = at
            trace.mix(at)
            handle(event)
        }
        time.millis = max(time.millis, end)
    }

    private func scheduleWorkload() {
        let writers = nodes.indices.filter { $0 != plan.byzantine }
        var draw = random.split()
        for _ in 0..<plan.writes {
            let at = UInt64.random(in: 500..<plan.faultPhaseMillis, using: &draw)
            queue.push(.write(node: writers.randomElement(using: &draw)!, thenCrashFor: nil), at: at)
        }
    }

    // MARK: - Events

    private func handle(_ event: Event) {
        switch event {
        case let .deliver(from, to, bytes, flipped):
            inflight -= 1
            trace.mix(UInt64(from << 16 | to))
            trace.mix(bytes)
            deliveringFlippedFrame = flipped
            deliver(bytes, from: from, to: to)
            deliveringFlippedFrame = false
        case let .timer(index, boot, timer):
            let node = nodes[index]
            guard let core = node.core, node.boot == boot else { return }
            if timer == .antiEntropyTick, antiEntropyTickAt[index] != node.instant(time) { return }
            trace.mix(UInt64(index) | 1 << 40)
            interpret(core.onTimer(timer, now: node.instant(time)), at: node)
        case let .write(index, crash):
            write(at: nodes[index], thenCrashFor: crash)
        case let .fault(action):
            trace.mix(action.description.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
            apply(action)
        case let .partitionEnds(id):
            partitions[id] = nil
        case let .restart(index, boot):
            let node = nodes[index]
            guard node.boot == boot, !node.isUp else { return }
            do { try bootNode(node) } catch { violations.append("restart of node \(index) failed: \(error)") }
        }
    }

    private func deliver(_ bytes: [UInt8], from: Int, to: Int) {
        let node = nodes[to]
        guard let core = node.core else { stats.framesToDownNodes += 1; return }
        let message: SyncMessage
        do { message = try SyncMessage.decode(bytes) } catch {
            stats.framesUndecodable += 1 // the session would be closed; the peer retries later
            return
        }
        interpret(core.onMessage(message, from: nodes[from].site, now: node.instant(time)), at: node)
    }

    func interpret(_ outputs: [SyncOutput], at node: SimulatedNode) {
        for output in outputs {
            switch output {
            case let .send(message, site, _):
                guard let to = indexOfSite[site] else { continue }
                send(message, from: node.index, to: to)
            case let .schedule(timer, at):
                if timer == .antiEntropyTick { antiEntropyTickAt[node.index] = at }
                precondition(at.millis >= node.monotonicOffset, "timer before boot")
                queue.push(.timer(node: node.index, boot: node.boot, timer), at: at.millis - node.monotonicOffset)
            case let .memberStatusChanged(change):
                trace.mix(change.site.rawValue ^ UInt64(change.current.rawValue))
            case .refused:
                stats.refusals += 1
            case let .batchRefused(origin, seq, _, reason):
                stats.batchRefusals[reason.rawValue, default: 0] += 1
                trace.mix(origin.site.rawValue ^ seq)
            case .protocolViolation:
                stats.protocolViolations += 1
            case let .stateDivergence(peer):
                // Without the session's AEAD a flipped bit in a digest reply still decodes:
                // a false alarm of the corruption model, not of the replicas.
                if deliveringFlippedFrame { stats.divergenceFromCorruptFrames += 1; continue }
                violations.append("t=\(time.millis)ms node \(node.index) found its state differs from node \(indexOfSite[peer] ?? -1) at equal vectors")
            case let .snapshotNeeded(peer, origin, floor):
                // The simulator never compacts a log, so no peer may ever answer this.
                violations.append("t=\(time.millis)ms node \(node.index) told by node \(indexOfSite[peer] ?? -1) that \(origin) is compacted through #\(floor)")
            }
        }
        checkBounds(node)
        if options.brokenMerge { breakMerge(node) }
    }

    // MARK: - Network

    func send(_ message: SyncMessage, from: Int, to: Int) {
        let bytes = message.encoded()
        stats.framesSent += 1
        stats.bytesSent += bytes.count
        if time.millis >= measureFrom { stats.bytesSentMeasured += bytes.count }
        if partitions.values.contains(where: { $0.0.blocks(from: from, to: to, elapsed: time.millis - $0.start) }) {
            stats.framesCut += 1
            return
        }
        if chance(network.lossRate) { stats.framesLost += 1; return }
        let copies = chance(network.duplicateRate) ? 2 : 1
        for _ in 0..<copies {
            guard inflight < options.inflightMessagesMax else {
                violations.append("bounded buffers: more than \(options.inflightMessagesMax) frames in flight")
                return
            }
            var frame = bytes
            var flipped = false
            if chance(network.bitFlipRate), !frame.isEmpty {
                flipped = true
                let bit = Int.random(in: 0..<(frame.count * 8), using: &random)
                frame[bit / 8] ^= 1 << UInt8(bit % 8)
                stats.framesFlipped += 1
            }
            var delay = network.delayBaseMillis
            if network.delayTailMeanMillis > 0 {
                let u = Double.random(in: 0..<1, using: &random)
                delay += UInt64(-Double(network.delayTailMeanMillis) * log(1 - u))
            }
            if chance(network.reorderRate) { delay += UInt64.random(in: 0...2_000, using: &random) }
            inflight += 1
            queue.push(.deliver(from: from, to: to, bytes: frame, flipped: flipped), at: time.millis + delay)
        }
    }

    var measureFrom: UInt64 = .max
    var deliveringFlippedFrame = false

    func chance(_ p: Double) -> Bool { p > 0 && Double.random(in: 0..<1, using: &random) < p }

    // MARK: - Nodes

    func membershipConfig(for node: SimulatedNode) -> MembershipConfig {
        let others = nodes.filter { $0.index != node.index }
        var seedPicker = SplitMix64(seed: seed ^ UInt64(node.index))
        let seeds = others.count <= 8 ? others : Array(others.shuffled(using: &seedPicker).prefix(3))
        var config = MembershipConfig(site: node.site, address: "campus-\(node.index)",
                                      seeds: seeds.map { SeedPeer(site: $0.site, address: "campus-\($0.index)") })
        config.probeIntervalMillis = options.roundMillis
        config.pingTimeoutMillis = options.roundMillis / 4
        config.indirectPingTimeoutMillis = options.roundMillis / 2
        config.peersMax = max(64, nodes.count)
        return config
    }

    func antiEntropyConfig(for node: SimulatedNode) -> AntiEntropyConfig {
        var config = AntiEntropyConfig(site: node.site)
        config.roundIntervalMillis = options.roundMillis
        config.stateDigestIntervalMillis = 10 * options.roundMillis
        config.pushFanout = pushFanout
        return config
    }

    var pushFanout = 3

    /// Opens the store on the node's disk and starts a fresh sync core (a boot).
    func bootNode(_ node: SimulatedNode) throws {
        node.boot += 1
        node.monotonicOffset = random.next() % 1_000_000_000
        let roster = self.roster
        let store = try ReplicaStore(writer: node.disk, schema: options.schema, signer: node.identity, verifier: ring,
                                     hasher: Blake2b(), clock: node.clock, logger: SimulatedNode.logger)
        node.store = store
        registry.noteEpoch(try store.currentOrigin())
        node.core = try SyncCore(store: store, membershipConfig: membershipConfig(for: node),
                                 antiEntropyConfig: antiEntropyConfig(for: node), isOnRoster: { roster.contains($0) },
                                 seed: random.next(), stateDigestRefreshMillis: 2 * options.roundMillis)
        node.appliedAtBoot = 0
        interpret(node.core!.start(now: node.instant(time)), at: node)
    }

    func crash(_ node: SimulatedNode, downMillis: UInt64) {
        guard node.isUp else { return }
        stats.crashes += 1
        node.core = nil
        node.store = nil
        node.boot += 1
        queue.push(.restart(node: node.index, boot: node.boot), at: time.millis + downMillis)
    }

    /// A local write through the pluggable workload; acknowledged once committed.
    func write(at node: SimulatedNode, thenCrashFor crash: UInt64? = nil, operation chosen: WorkloadOperation? = nil) {
        guard let store = node.store, let core = node.core else { return }
        // The byzantine campus writes no honest data: its origin is quarantined wherever
        // its forks landed, so honest batches of it could never converge (by design).
        guard node.index != plan.byzantine else {
            if let crash { self.crash(node, downMillis: crash) }
            return
        }
        var context = WorkloadContext(random: random.split(), knownRows: knownRows)
        let operation = chosen ?? TicketWorkload.pick(options.workload, using: &context.random)
        let receipt: WriteReceipt?
        do { receipt = try store.write { tx in try operation.perform(tx, &context) }.receipt } catch {
            stats.writesRefused += 1 // e.g. an edit of a row this replica knows is deleted
            return
        }
        guard let receipt else { return }
        stats.writesAcknowledged += 1
        trace.mix(receipt.hash.bytes)
        if let violation = registry.record(receipt.batch, hash: receipt.hash, deletedRows: context.deleted) {
            violations.append("t=\(time.millis)ms node \(node.index): \(violation)")
        }
        knownRows += context.created
        if let crash {
            self.crash(node, downMillis: crash) // durable, but never pushed
        } else {
            interpret(core.onLocalCommit(receipt.batch, now: node.instant(time)), at: node)
        }
    }

    /// What every other replica holds (on disk, up or down).
    func othersVector(excluding node: SimulatedNode) throws -> VersionVector {
        try nodes.filter { $0.index != node.index }.reduce(VersionVector()) { $0.merged(with: try $1.diskVector()) }
    }

    // MARK: - Faults

    func apply(_ action: FaultAction) {
        do {
            switch action {
            case let .partition(partition, duration):
                nextPartitionID += 1
                partitions[nextPartitionID] = (partition, time.millis)
                queue.push(.partitionEnds(nextPartitionID), at: time.millis + duration)
            case let .crash(index, down):
                crash(nodes[index], downMillis: down)
            case let .crashAfterCommit(index, down):
                write(at: nodes[index], thenCrashFor: down)
            case let .wipe(index):
                try wipe(nodes[index])
            case let .snapshot(index):
                let copy = try DatabaseQueue()
                try nodes[index].disk.backup(to: copy)
                nodes[index].snapshot = copy
            case let .restoreFromBackup(index, bump):
                try restore(nodes[index], bumpEpoch: bump)
            case let .clockJump(index, delta):
                nodes[index].clock.setSkew(nodes[index].clock.skewMillis + delta)
            case .byzantineBurst:
                if let byzantine = plan.byzantine { byzantineBurst(from: nodes[byzantine]) }
            case let .localWrite(index):
                write(at: nodes[index])
            case let .compact(index):
                try compact(nodes[index])
            case let .poisonedBatch(index):
                let before = stats.writesAcknowledged
                write(at: nodes[index], operation: TicketWorkload.poison)
                if stats.writesAcknowledged > before { stats.poisonedBatches += 1 }
            }
        } catch {
            violations.append("t=\(time.millis)ms fault \(action) failed: \(error)")
        }
    }

    /// One compaction round, as the node's timer runs it: every other simulated site
    /// is a member. A small retained tail, so the rounds of a short run do delete.
    func compact(_ node: SimulatedNode) throws {
        guard let store = node.store else { return }
        var policy = CompactionPolicy()
        policy.retainedBatchesPerOriginMin = 2
        let report = try store.compact(members: roster.subtracting([node.site]), policy: policy)
        stats.compactionRounds += 1
        stats.batchesCompacted += report.batchesDeleted
    }

    /// The disk is gone: a new empty replica under a new epoch, filled from peers. The
    /// epoch comes from the highest any peer ever saw (`atLeast`), as `meshdesk rebuild` asks.
    func wipe(_ node: SimulatedNode) throws {
        stats.wipes += 1
        registry.markPossiblyLost(site: node.site, beyond: try othersVector(excluding: node))
        node.core = nil
        node.store = nil
        node.disk = try DatabaseQueue()
        let store = try ReplicaStore(writer: node.disk, schema: options.schema, signer: node.identity, verifier: ring,
                                     hasher: Blake2b(), clock: node.clock, logger: SimulatedNode.logger)
        registry.noteEpoch(try store.beginNewEpoch(atLeast: registry.highestEpoch(of: node.site) + 1))
        try bootNode(node)
    }

    /// Back to an old copy. With the epoch bump nothing is reused; without it the node
    /// writes sequence numbers its old self already issued (the trap).
    func restore(_ node: SimulatedNode, bumpEpoch: Bool) throws {
        guard let snapshot = node.snapshot else { return }
        stats.restores += 1
        registry.markPossiblyLost(site: node.site, beyond: try othersVector(excluding: node))
        node.core = nil
        node.store = nil
        node.disk = try DatabaseQueue()
        try snapshot.backup(to: node.disk)
        if bumpEpoch {
            let store = try ReplicaStore(writer: node.disk, schema: options.schema, signer: node.identity, verifier: ring,
                                         hasher: Blake2b(), clock: node.clock, logger: SimulatedNode.logger)
            registry.noteEpoch(try store.beginNewEpoch(atLeast: registry.highestEpoch(of: node.site) + 1))
        }
        try bootNode(node)
    }

    // MARK: - Heal and liveness

    func heal() throws {
        network = NetworkFaults(delayBaseMillis: 5)
        partitions = [:]
        for node in nodes {
            node.clock.setSkew(0)
            if !node.isUp { try bootNode(node) }
        }
    }

    /// Rounds after healing until every replica holds the same vector, covering every
    /// acknowledged write, with the same state digest; nil (a violation) past the bound.
    func awaitConvergence() throws -> Int? {
        let required = registry.required
        for round in 1...options.convergenceRoundsMax {
            advance(to: time.millis + options.roundMillis)
            let vectors = try nodes.map { try $0.store!.versionVector() }
            guard Set(vectors).count == 1, vectors[0].covers(required) else { continue }
            let digests = try nodes.map { try $0.store!.stateDigest().total }
            if Set(digests).count == 1 { return round }
        }
        let vectors = try nodes.map { try $0.store!.versionVector() }
        violations.append("liveness: replicas did not converge within \(options.convergenceRoundsMax) rounds after healing")
        for (i, vector) in vectors.enumerated() where !vector.covers(required) || vector != vectors[0] {
            violations.append("  node \(i) holds \(vector.batchCount) batches, missing \(vector.missing(comparedTo: required).map { "\($0.origin)[\($0.from)...\($0.through)]" })")
        }
        for node in nodes {
            let core = node.core!
            let view = core.membership.members.map { "\(indexOfSite[$0.site] ?? -1):\($0.status)#\($0.incarnation)" }
            violations.append("  node \(node.index) #\(core.membership.incarnation) sees [\(view.joined(separator: " "))] pulling from \(core.antiEntropy.pullingFrom.map { indexOfSite[$0] ?? -1 }) quarantined \(try node.store!.quarantinedOrigins())")
        }
        return nil
    }

    /// After convergence: conflicts identical, deleted rows stay deleted, forks quarantined.
    func checkConverged() throws {
        let conflicts = try nodes.map { try $0.store!.conflicts() }
        if !conflicts.allSatisfy({ $0 == conflicts[0] }) { violations.append("liveness: conflict sets differ") }
        stats.conflicts = conflicts[0].count
        for (key, entity, row) in registry.deletes where !registry.isPossiblyLost(key) {
            for node in nodes {
                let store = node.store!
                if try !store.isDeleted(entity, row) || store.row(entity, row) != nil {
                    violations.append("liveness: deleted \(entity) \(row) resurrected on node \(node.index)")
                }
            }
        }
        for node in nodes {
            let store = node.store!
            let quarantined = Set(try store.quarantinedOrigins())
            for event in try store.securityEvents() where event.kind == "fork" {
                stats.forksDetected += 1
                if !quarantined.contains(event.origin) {
                    violations.append("safety: node \(node.index) recorded a fork of \(event.origin) without quarantining it")
                }
            }
        }
        for node in nodes { trace.mix(try node.store!.stateDigest().total.bytes) }
    }

    /// Every batch in every log is one an honest origin committed, byte for byte: no
    /// forged, tampered or forked batch was ever accepted.
    func auditLogs() throws {
        guard options.auditLogs else { return }
        let hasher = Blake2b()
        for node in nodes {
            guard let store = node.store else { continue }
            for origin in try store.versionVector().origins {
                var next = try store.logFloor()[origin] + 1
                while true {
                    let chunk = try store.batches(of: origin, from: next, limit: ChunkLimit(batchesMax: 256, bytesMax: 8 << 20))
                    guard !chunk.isEmpty else { break }
                    for batch in chunk {
                        let hash = hasher.hash(batch.signedMessage)
                        if registry.hash(origin, batch.header.seq) != hash {
                            violations.append("safety: node \(node.index) accepted \(origin)#\(batch.header.seq), which no honest origin committed")
                        }
                    }
                    next = chunk.last!.header.seq + 1
                }
            }
        }
    }

    // MARK: - Safety during the run

    func checkBounds(_ node: SimulatedNode) {
        guard let core = node.core else { return }
        let ae = core.antiEntropy.config
        if core.antiEntropy.pullingFrom.count > ae.pullSessionsMax || core.antiEntropy.servingTo.count > ae.serveSessionsMax {
            violations.append("bounded buffers: node \(node.index) holds too many sync sessions")
        }
        if core.membership.members.count > core.membership.config.peersMax {
            violations.append("bounded buffers: node \(node.index) holds too many members")
        }
    }

    /// `--self-test`: a deliberately broken merge. After every 50th remote batch it
    /// applies, the node changes an asset's state behind the merge's back. Assets are
    /// written once, so no later merge repairs it: only the checkers can notice. (A
    /// corrupted counter was tried first: the next increment recomputes it and hides it.)
    func breakMerge(_ node: SimulatedNode) {
        guard let core = node.core else { return }
        let applied = core.stats.batchesApplied
        guard applied - node.appliedAtBoot >= 50 else { return }
        // Like a real order-dependent merge bug, it hits each replica differently: a
        // random asset, marked with the node. (Corrupting the same row the same way on
        // every node converges to one wrong state: invisible to convergence checkers.)
        let pick = Int64(random.next() % 1_000)
        let changed = (try? node.disk.write { db -> Int in
            try db.execute(sql: """
                UPDATE e_asset SET state = ? WHERE id = (SELECT id FROM e_asset ORDER BY id
                LIMIT 1 OFFSET (? % max(1, (SELECT count(*) FROM e_asset))))
                """, arguments: ["corrupted by node \(node.index)", pick])
            return db.changesCount
        }) ?? 0
        guard changed > 0 else { return } // nothing to corrupt yet: try again after the next batch
        node.appliedAtBoot = applied
        node.corruptions += 1
        stats.corruptionsInjected += 1
    }
}
