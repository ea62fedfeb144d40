import Replica
import Sync

/// The run seeds of a sweep, derived from its printed base seed.
public struct SeedSequence {
    private var random: SplitMix64
    public init(base: UInt64) { random = SplitMix64(seed: base) }
    public mutating func next() -> UInt64 { random.next() }
}

/// `meshdesk-sim --self-test`: checkers that never fail prove nothing. Runs seeds with
/// the deliberately broken merge and succeeds only if every run where the corruption
/// was injected is rejected (and at least one was). Wipes and restores are off: a node
/// rebuilt from its peers would legitimately erase the corruption.
public enum SelfTest {
    public static let seedsMax = 6

    public static func run(nodes: Int, baseSeed: UInt64) -> Bool {
        var options = SimulationOptions()
        options.nodes = nodes
        options.brokenMerge = true
        options.diskLossFaults = false
        options.writesMin = 80
        options.writesMax = 120
        var seeds = SeedSequence(base: baseSeed ^ 0x5E1F)
        var injected = 0, caught = 0
        for _ in 0..<seedsMax {
            let seed = seeds.next()
            guard let result = try? Simulation(seed: seed, options: options).run() else { return false }
            guard result.stats.corruptionsInjected > 0 else { continue }
            injected += 1
            if !result.passed { caught += 1 } else {
                print("self-test: broken merge NOT caught, seed \(seed) (replay: \(result.replayCommand))")
            }
            print("self-test seed \(seed): \(result.stats.corruptionsInjected) corruptions, \(result.passed ? "missed" : "caught: \(result.violations.first ?? "")")")
        }
        print("self-test: \(caught) of \(injected) corrupted runs caught")
        return injected > 0 && caught == injected
    }
}
