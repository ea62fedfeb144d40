/// Counts of what happened in a run (reported, and used by the scale figures).
public struct SimulationStats: Sendable {
    public var framesSent = 0
    public var bytesSent = 0
    public var bytesSentMeasured = 0
    public var framesLost = 0
    public var framesCut = 0
    public var framesFlipped = 0
    public var framesUndecodable = 0
    public var framesToDownNodes = 0
    public var writesAcknowledged = 0
    public var writesRefused = 0
    public var refusals = 0
    public var protocolViolations = 0
    public var batchRefusals: [String: Int] = [:]
    public var crashes = 0
    public var wipes = 0
    public var restores = 0
    public var compactionRounds = 0
    public var batchesCompacted = 0
    public var byzantineBursts = 0
    /// Poisoned batches written and acknowledged (`FaultAction.poisonedBatch`).
    public var poisonedBatches = 0
    public var forksDetected = 0
    public var conflicts = 0
    public var corruptionsInjected = 0
    /// State-divergence alarms raised by a bit-flipped digest reply (not a replica fault).
    public var divergenceFromCorruptFrames = 0
    public var roundsToConverge: Int?
}

/// The verdict on one seed. A failure carries everything needed to replay it.
public struct SimulationResult: Sendable {
    public let seed: UInt64
    public let options: SimulationOptions
    public let plan: FaultPlan
    public let traceHash: UInt64
    public let violations: [String]
    public let stats: SimulationStats

    public var passed: Bool { violations.isEmpty }

    public var replayCommand: String {
        var command = "swift run meshdesk-sim --seed \(seed) --nodes \(options.nodes)"
        if options.restoreWithoutEpochBump { command += " --scenario sequence-reuse-trap" }
        if options.brokenMerge { command += " --broken-merge --no-disk-loss" }
        return command
    }

    public var summary: String {
        let refused = stats.batchRefusals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "seed \(seed) \(passed ? "ok" : "FAILED") trace \(String(traceHash, radix: 16)) "
            + "writes \(stats.writesAcknowledged) frames \(stats.framesSent) lost \(stats.framesLost) cut \(stats.framesCut) "
            + "flipped \(stats.framesFlipped) crashes \(stats.crashes) wipes \(stats.wipes) restores \(stats.restores) "
            + "compactions \(stats.compactionRounds) (\(stats.batchesCompacted) batches) "
            + "byzantine \(stats.byzantineBursts) forks \(stats.forksDetected) conflicts \(stats.conflicts) "
            + "converged \(stats.roundsToConverge.map { "in \($0) rounds" } ?? "never")"
            + (refused.isEmpty ? "" : " refused[\(refused)]")
    }

    /// What a failure prints: the seed, the fault schedule, the violations, the replay command.
    public var failureReport: String {
        (["FAILED seed \(seed)", "fault schedule:", plan.description, "violations:"]
            + violations.prefix(20).map { "  \($0)" }
            + ["replay: \(replayCommand)"]).joined(separator: "\n")
    }
}

func percent(_ rate: Double) -> String { "\(Int((rate * 100).rounded()))%" }
