import ArgumentParser
import Foundation
import SimulationKit

/// Deterministic simulation of a MeshDesk cluster. Every run derives from one printed
/// 64-bit seed; a failure prints the seed, its fault schedule and the replay command.
@main
struct MeshDeskSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meshdesk-sim",
        abstract: "Many MeshDesk nodes in one process on a simulated network and clock, with faults and checkers.")

    @Option(help: "Replay one seed.") var seed: UInt64?
    @Option(help: "Run this many seeds, derived from --base-seed.") var seeds: Int?
    @Option(help: "The seed the sweep's seeds derive from (printed).") var baseSeed: UInt64 = 0x4D65_7368_5369_6D31
    @Option(help: "Nodes (campuses) per run.") var nodes = 7
    @Option(help: "Stop a sweep after this many seconds (it reports how many seeds ran).") var timeLimit: Double?
    @Option(help: "A named scenario: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).") var scenario: String?
    @Flag(help: "Run with the deliberately broken merge; exit 0 only if the checkers catch it.") var selfTest = false
    @Flag(help: "Use the broken merge in a normal run (to replay a self-test seed).") var brokenMerge = false
    @Flag(help: "No wipes or restores in the drawn plans (what --self-test uses).") var noDiskLoss = false
    @Option(help: "Measure the scale figures for these node counts (comma-separated) and print CSV.") var scale: String?
    @Flag(help: "Print one line per passing seed.") var verbose = false

    func run() throws {
        if let scale {
            let counts = scale.split(separator: ",").compactMap { Int($0) }
            print(ScaleFigures.csvHeader)
            for count in counts {
                for line in try ScaleFigures.measure(nodes: count, seed: seed ?? baseSeed).csvLines { print(line) }
            }
            return
        }
        var options = SimulationOptions()
        options.nodes = nodes
        options.brokenMerge = brokenMerge
        options.diskLossFaults = !noDiskLoss
        if brokenMerge { options.writesMin = 80; options.writesMax = 120 }
        var named: Scenario?
        if let scenario {
            guard let found = Scenario(rawValue: scenario) else { throw ValidationError("unknown scenario \(scenario)") }
            named = found
            found.apply(to: &options)
        }
        if selfTest { throw ExitCode(SelfTest.run(nodes: nodes, baseSeed: baseSeed) ? 0 : 1) }
        if let seed {
            print("seed \(seed)")
            let result = try Simulation(seed: seed, options: options).run()
            print(result.summary)
            if !result.passed { print(result.failureReport) }
            if let named, named.mustFail {
                print(result.passed ? "scenario \(named.rawValue): checkers MISSED the trap" : "scenario \(named.rawValue): caught, as it must be")
                throw ExitCode(result.passed ? 1 : 0)
            }
            throw ExitCode(result.passed ? 0 : 1)
        }
        let count = seeds ?? 300
        print("base seed \(baseSeed): \(count) seeds, \(nodes) nodes")
        let started = Date()
        var generator = SeedSequence(base: baseSeed)
        var failures = 0, ran = 0
        for _ in 0..<count {
            if let timeLimit, Date().timeIntervalSince(started) > timeLimit { break }
            let seed = generator.next()
            let result = try Simulation(seed: seed, options: options).run()
            ran += 1
            if !result.passed {
                failures += 1
                print(result.failureReport)
            } else if verbose {
                print(result.summary)
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("\(ran) seeds, \(failures) failed, \(String(format: "%.1f", seconds)) s")
        throw ExitCode(failures == 0 && ran > 0 ? 0 : 1)
    }
}
