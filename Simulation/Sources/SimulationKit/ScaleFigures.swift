import Foundation
import Replica
import Sync

/// The scale figures of docs/performance.md: on a calm network (5 ms frames, no loss),
/// how many rounds one write takes to reach every node, how many rounds a cluster
/// split in halves takes to converge once healed, and what a node sends per round —
/// next to the push-pull gossip bound log2 N + ln N (Karp et al. 2000).
public struct ScaleFigures: Sendable {
    public let nodes: Int
    /// Rounds until one write is held everywhere, with eager push (fanout 3) and without.
    public let spreadRoundsWithPush: Double
    public let spreadRoundsAntiEntropyOnly: Double
    public let healRounds: Double
    public let idleBytesPerNodePerRound: Double
    public let spreadBytesPerNodePerRound: Double

    public var bound: Double { log2(Double(nodes)) + log(Double(nodes)) }

    public static let csvHeader = "nodes,spread_rounds_push,spread_rounds_ae_only,heal_rounds,idle_bytes_per_node_round,spread_bytes_per_node_round,log2n_plus_lnn"

    public var csvLines: [String] {
        [String(format: "%d,%.1f,%.1f,%.1f,%.0f,%.0f,%.2f", nodes, spreadRoundsWithPush, spreadRoundsAntiEntropyOnly,
                healRounds, idleBytesPerNodePerRound, spreadBytesPerNodePerRound, bound)]
    }

    static let roundsMax = 200

    public static func measure(nodes: Int, seed: UInt64) throws -> ScaleFigures {
        let push = try spread(nodes: nodes, seed: seed, pushFanout: 3)
        let pull = try spread(nodes: nodes, seed: seed, pushFanout: 0)
        return ScaleFigures(nodes: nodes, spreadRoundsWithPush: push.rounds, spreadRoundsAntiEntropyOnly: pull.rounds,
                            healRounds: try heal(nodes: nodes, seed: seed), idleBytesPerNodePerRound: pull.idleBytes,
                            spreadBytesPerNodePerRound: pull.spreadBytes)
    }

    static func calmSimulation(nodes: Int, seed: UInt64, pushFanout: Int) throws -> Simulation {
        var options = SimulationOptions()
        options.nodes = nodes
        options.auditLogs = false
        let plan = FaultPlan(seed: seed, nodes: nodes, network: NetworkFaults(delayBaseMillis: 5),
                             skewMillis: Array(repeating: 0, count: nodes), byzantine: nil, actions: [],
                             faultPhaseMillis: 0, writes: 0)
        let simulation = try Simulation(seed: seed, options: options, plan: plan)
        simulation.pushFanout = pushFanout
        for node in simulation.nodes { try simulation.bootNode(node) }
        // Warm-up: membership learns the whole cluster through peer exchange.
        for _ in 0..<roundsMax {
            if simulation.nodes.allSatisfy({ $0.core!.membership.aliveMembers.count == nodes - 1 }) { break }
            simulation.advance(to: simulation.time.millis + options.roundMillis)
        }
        simulation.advance(to: simulation.time.millis + 5 * options.roundMillis)
        return simulation
    }

    /// Steps of 50 ms until `done`; the elapsed time in rounds.
    static func rounds(_ simulation: Simulation, until done: () -> Bool) -> Double {
        let start = simulation.time.millis, round = simulation.options.roundMillis
        while !done() && simulation.time.millis - start < UInt64(roundsMax) * round {
            simulation.advance(to: simulation.time.millis + 50)
        }
        return Double(simulation.time.millis - start) / Double(round)
    }

    static func spread(nodes: Int, seed: UInt64, pushFanout: Int) throws -> (rounds: Double, idleBytes: Double, spreadBytes: Double) {
        let simulation = try calmSimulation(nodes: nodes, seed: seed, pushFanout: pushFanout)
        let round = simulation.options.roundMillis
        let idleStart = simulation.stats.bytesSent
        simulation.advance(to: simulation.time.millis + 10 * round)
        let idle = Double(simulation.stats.bytesSent - idleStart) / Double(nodes) / 10
        let spreadStart = simulation.stats.bytesSent
        simulation.write(at: simulation.nodes[0])
        let target = simulation.nodes[0].core!.antiEntropy.localVector
        let rounds = rounds(simulation) { simulation.nodes.allSatisfy { $0.core!.antiEntropy.localVector.covers(target) } }
        let spreadBytes = Double(simulation.stats.bytesSent - spreadStart) / Double(nodes) / max(rounds, 1)
        return (rounds, idle, spreadBytes)
    }

    /// Halves cut apart for 20 rounds, each writing; rounds from the heal to equal vectors.
    static func heal(nodes: Int, seed: UInt64) throws -> Double {
        let simulation = try calmSimulation(nodes: nodes, seed: seed, pushFanout: 3)
        let round = simulation.options.roundMillis
        let side = Set(0..<(nodes / 2))
        simulation.apply(.partition(.symmetric(side: side), durationMillis: 20 * round))
        let writes = max(2, nodes / 10)
        for i in 0..<writes {
            simulation.advance(to: simulation.time.millis + 20 * round / UInt64(writes))
            simulation.write(at: simulation.nodes[i % 2 == 0 ? 0 : nodes - 1])
        }
        simulation.advance(to: simulation.time.millis + round) // the partition has ended
        var target = VersionVector()
        for node in simulation.nodes { target = target.merged(with: try node.store!.versionVector()) }
        return rounds(simulation) { simulation.nodes.allSatisfy { $0.core!.antiEntropy.localVector.covers(target) } }
    }
}
