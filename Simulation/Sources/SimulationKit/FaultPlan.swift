import Replica
import Sync

/// How the simulated network misbehaves during the fault phase. Drawn per seed.
public struct NetworkFaults: Hashable, Sendable, CustomStringConvertible {
    public static let lossRateMax = 0.30

    public var lossRate = 0.0
    public var duplicateRate = 0.0
    /// Probability that a frame gets one bit flipped before it is decoded.
    public var bitFlipRate = 0.0
    /// Probability that a frame is held back by a long extra delay (reordering).
    public var reorderRate = 0.0
    /// Every frame takes `delayBaseMillis` plus an exponential tail of this mean.
    public var delayBaseMillis: UInt64 = 5
    public var delayTailMeanMillis: UInt64 = 0

    public static let calm = NetworkFaults()

    public var description: String {
        "loss \(percent(lossRate)), dup \(percent(duplicateRate)), bitflip \(percent(bitFlipRate)), "
            + "reorder \(percent(reorderRate)), delay \(delayBaseMillis)ms+exp(\(delayTailMeanMillis)ms)"
    }
}

/// A cut in the network, by node index.
public enum Partition: Hashable, Sendable, CustomStringConvertible {
    /// No frame crosses between `side` and the rest, either way.
    case symmetric(side: Set<Int>)
    /// Frames from `side` to the rest are lost; the other way works.
    case asymmetric(side: Set<Int>)
    /// One campus cut off from everyone.
    case isolate(Int)
    /// The link between two nodes goes down and up every `periodMillis`.
    case flapping(Int, Int, periodMillis: UInt64)

    func blocks(from: Int, to: Int, elapsed: UInt64) -> Bool {
        switch self {
        case let .symmetric(side): side.contains(from) != side.contains(to)
        case let .asymmetric(side): side.contains(from) && !side.contains(to)
        case let .isolate(node): (from == node) != (to == node)
        case let .flapping(a, b, period): Set([from, to]) == Set([a, b]) && (elapsed / period) % 2 == 0
        }
    }

    public var description: String {
        switch self {
        case let .symmetric(side): "symmetric partition \(side.sorted()) | rest"
        case let .asymmetric(side): "asymmetric partition \(side.sorted()) → rest lost"
        case let .isolate(node): "campus \(node) isolated"
        case let .flapping(a, b, period): "link \(a)–\(b) flapping every \(period)ms"
        }
    }
}

/// One scheduled fault.
public enum FaultAction: Hashable, Sendable, CustomStringConvertible {
    case partition(Partition, durationMillis: UInt64)
    case crash(node: Int, downMillis: UInt64)
    /// A local write commits, then the node dies before it can push the batch.
    case crashAfterCommit(node: Int, downMillis: UInt64)
    /// The node's disk is lost: a new empty replica, a new epoch, caught up from peers.
    case wipe(node: Int)
    /// A copy of the node's database is taken (`backup(to:)`), to be restored later.
    case snapshot(node: Int)
    /// The node is restored from its latest snapshot. Without the epoch bump it reuses
    /// sequence numbers: the trap the checkers must catch.
    case restoreFromBackup(node: Int, bumpEpoch: Bool)
    case clockJump(node: Int, deltaMillis: Int64)
    /// The byzantine node sends forged and forked batches.
    case byzantineBurst
    /// A scheduled local write (named scenarios need writes at given moments).
    case localWrite(node: Int)
    /// One compaction round at the node (log below the horizon, metadata behind a
    /// recorded join; docs/replication.md, "Compaction").
    case compact(node: Int)
    /// The node, a roster member, writes one honest-looking batch holding extreme values
    /// (`TicketWorkload.poison`): signed and well-formed, so every peer stores it. A
    /// replicated value is input from another machine; no merge, digest or read may
    /// trap on it, and the replicas must still converge.
    case poisonedBatch(node: Int)

    public var description: String {
        switch self {
        case let .partition(p, d): "\(p) for \(d)ms"
        case let .crash(n, d): "crash node \(n) for \(d)ms"
        case let .crashAfterCommit(n, d): "node \(n) commits then crashes before pushing, down \(d)ms"
        case let .wipe(n): "wipe node \(n) and rebuild from peers"
        case let .snapshot(n): "snapshot node \(n)"
        case let .restoreFromBackup(n, bump): "restore node \(n) from its snapshot \(bump ? "with" : "WITHOUT") an epoch bump"
        case let .clockJump(n, d): "clock of node \(n) jumps \(d)ms"
        case .byzantineBurst: "byzantine burst"
        case let .localWrite(n): "local write at node \(n)"
        case let .compact(n): "compaction round at node \(n)"
        case let .poisonedBatch(n): "poisoned batch from node \(n)"
        }
    }
}

/// Everything a run will do to the cluster, derived from the seed alone and printed on
/// failure. The same seed always draws the same plan.
public struct FaultPlan: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var nodes: Int
    public var network: NetworkFaults
    public var skewMillis: [Int64]
    public var byzantine: Int?
    public var actions: [(at: UInt64, action: FaultAction)]
    /// Faults (and the workload) stop here; then the liveness phase heals everything.
    public var faultPhaseMillis: UInt64
    public var writes: Int

    public static func draw(seed: UInt64, nodes: Int, options: SimulationOptions) -> FaultPlan {
        var random = SplitMix64(seed: seed ^ 0xFA17_FA17_FA17_FA17)
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        func node() -> Int { Int.random(in: 0..<nodes, using: &random) }
        let phase = options.faultPhaseMillis
        func at() -> UInt64 { UInt64.random(in: 2_000..<max(2_001, phase - 5_000), using: &random) }

        var network = NetworkFaults()
        if chance(0.8) { network.lossRate = Double.random(in: 0...NetworkFaults.lossRateMax, using: &random) }
        if chance(0.5) { network.duplicateRate = Double.random(in: 0...0.1, using: &random) }
        if chance(0.4) { network.bitFlipRate = Double.random(in: 0...0.02, using: &random) }
        if chance(0.5) { network.reorderRate = Double.random(in: 0...0.1, using: &random) }
        network.delayBaseMillis = UInt64.random(in: 1...50, using: &random)
        network.delayTailMeanMillis = chance(0.6) ? UInt64.random(in: 1...200, using: &random) : 0

        let skew = (0..<nodes).map { _ in
            chance(0.5) ? Int64.random(in: -SimulatedClock.skewMillisMax...SimulatedClock.skewMillisMax, using: &random) : 0
        }
        let byzantine: Int? = nodes >= 3 && chance(options.byzantineRate) ? node() : nil

        var actions: [(UInt64, FaultAction)] = []
        let partitions = Int.random(in: 0...3, using: &random)
        for _ in 0..<partitions {
            let duration = UInt64.random(in: 1_000...30_000, using: &random)
            let side = Set((0..<nodes).filter { _ in chance(0.5) })
            let partition: Partition
            switch Int.random(in: 0..<4, using: &random) {
            case 0: partition = .symmetric(side: side)
            case 1: partition = .asymmetric(side: side)
            case 2: partition = .isolate(node())
            default:
                let a = node(), b = (a + Int.random(in: 1..<nodes, using: &random)) % nodes
                partition = .flapping(a, b, periodMillis: UInt64.random(in: 300...5_000, using: &random))
            }
            actions.append((at(), .partition(partition, durationMillis: duration)))
        }
        for _ in 0..<Int.random(in: 0...2, using: &random) {
            let down = UInt64.random(in: 100...20_000, using: &random)
            actions.append((at(), chance(0.5) ? .crash(node: node(), downMillis: down) : .crashAfterCommit(node: node(), downMillis: down)))
        }
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            actions.append((at(), .clockJump(node: node(), deltaMillis: Int64.random(in: -300_000...300_000, using: &random))))
        }
        if chance(0.25), options.diskLossFaults { actions.append((at(), .wipe(node: node()))) }
        if chance(0.25), options.diskLossFaults {
            let n = node(), first = at(), second = at()
            actions.append((min(first, second), .snapshot(node: n)))
            actions.append((max(first, second) + 1, .restoreFromBackup(node: n, bumpEpoch: !options.restoreWithoutEpochBump)))
        }
        if byzantine != nil {
            for _ in 0..<Int.random(in: 1...4, using: &random) { actions.append((at(), .byzantineBurst)) }
        }
        actions += compactionRounds(seed: seed, nodes: nodes, options: options, drawn: actions.map(\.1))
        actions.sort { ($0.0, $0.1.description) < ($1.0, $1.1.description) }
        return FaultPlan(seed: seed, nodes: nodes, network: network, skewMillis: skew, byzantine: byzantine,
                         actions: actions, faultPhaseMillis: phase,
                         writes: Int.random(in: options.writesMin...options.writesMax, using: &random))
    }

    /// Compaction rounds, from a stream of their own so the faults every older seed
    /// drew stay the same. Not in plans that lose a disk: a wiped or restored node needs
    /// a snapshot once its peers compacted, and snapshots are not simulated yet.
    static func compactionRounds(seed: UInt64, nodes: Int, options: SimulationOptions,
                                 drawn: [FaultAction]) -> [(UInt64, FaultAction)] {
        guard options.compactionFaults else { return [] }
        let losesDisk = drawn.contains {
            switch $0 {
            case .wipe, .snapshot, .restoreFromBackup: true
            default: false
            }
        }
        guard !losesDisk else { return [] }
        var random = SplitMix64(seed: seed ^ 0xC0A1_E5CE_C0A1_E5CE)
        let phase = options.faultPhaseMillis
        return (0..<Int.random(in: 1...6, using: &random)).map { _ in
            (UInt64.random(in: 2_000..<max(2_001, phase), using: &random),
             .compact(node: Int.random(in: 0..<nodes, using: &random)))
        }
    }

    public var description: String {
        var lines = ["seed \(seed): \(nodes) nodes, \(writes) writes over \(faultPhaseMillis)ms", "  network: \(network)"]
        let skewed = skewMillis.enumerated().filter { $0.element != 0 }
        if !skewed.isEmpty { lines.append("  clock skew: " + skewed.map { "node \($0.offset) \($0.element)ms" }.joined(separator: ", ")) }
        if let byzantine { lines.append("  byzantine: node \(byzantine)") }
        for (at, action) in actions { lines.append("  t=\(at)ms \(action)") }
        return lines.joined(separator: "\n")
    }
}
