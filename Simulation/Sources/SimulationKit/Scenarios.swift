/// Named fault scenarios: fixed schedules that read like sentences, kept as regression
/// cases. `meshdesk-sim --scenario <name> --seed N` runs one with that seed's network.
public enum Scenario: String, CaseIterable, Sendable {
    /// Restore node 1 from a backup taken before three of its writes, WITHOUT a new
    /// epoch, and let it write again: it reuses sequence numbers. Must FAIL the checkers.
    case sequenceReuseTrap = "sequence-reuse-trap"
    /// The same restore with the epoch bump: must pass.
    case restoreFromBackupWithNewEpoch = "restore-with-new-epoch"
    /// One campus cut off for two simulated hours while everyone writes.
    case isolateCampusForHours = "isolate-campus-for-hours"
    /// A campus wiped and rebuilt from its peers mid-run.
    case wipeAndRebuild = "wipe-and-rebuild"
    /// Every campus runs compaction rounds every 4 s while one campus is cut off for
    /// 12 s and everyone writes: the cut-off campus holds the horizon back, the rounds
    /// after the heal drop the log and collect metadata, and all must converge.
    case compactDuringPartition = "compact-during-partition"
    /// Three campuses each send a poisoned batch (`FaultAction.poisonedBatch`) while the
    /// others write and one campus is cut off: no trap anywhere, and all converge.
    case poisonedBatches = "poisoned-batches"

    /// Whether the checkers must reject the run.
    public var mustFail: Bool { self == .sequenceReuseTrap }

    public func apply(to options: inout SimulationOptions) {
        options.onlyExtraActions = true
        switch self {
        case .sequenceReuseTrap, .restoreFromBackupWithNewEpoch:
            options.restoreWithoutEpochBump = self == .sequenceReuseTrap
            options.extraActions = [(3_000, .snapshot(node: 1))]
                + [4_000, 5_000, 6_000].map { ($0, FaultAction.localWrite(node: 1)) }
                + [(10_000, .restoreFromBackup(node: 1, bumpEpoch: self == .restoreFromBackupWithNewEpoch))]
                + [11_000, 12_000].map { ($0, FaultAction.localWrite(node: 1)) }
        case .isolateCampusForHours:
            let hours: UInt64 = 2
            options.faultPhaseMillis = hours * 3_600_000 + 10_000
            options.writesMin = 200
            options.writesMax = 200
            options.extraActions = [(5_000, .partition(.isolate(0), durationMillis: hours * 3_600_000))]
        case .wipeAndRebuild:
            options.extraActions = [(20_000, .wipe(node: 2)), (21_000, .localWrite(node: 2))]
        case .compactDuringPartition:
            let rounds = stride(from: UInt64(4_000), to: options.faultPhaseMillis, by: 4_000).flatMap { at in
                (0..<options.nodes).map { (at + UInt64($0) * 100, FaultAction.compact(node: $0)) }
            }
            options.extraActions = [(3_000, .partition(.isolate(0), durationMillis: 12_000))] + rounds
        case .poisonedBatches:
            let nodes = options.nodes
            // The byzantine node writes no honest data (`write(at:)`), poison included.
            options.byzantineRate = 0
            let poison: [(at: UInt64, action: FaultAction)] = [
                (2_000, .partition(.isolate(0), durationMillis: 8_000)),
                (3_000, .poisonedBatch(node: 1)), (4_000, .poisonedBatch(node: 2)), (6_000, .poisonedBatch(node: 0)),
            ]
            let writes: [(at: UInt64, action: FaultAction)] = stride(from: UInt64(5_000), to: 20_000, by: 1_000).map {
                (at: $0, action: .localWrite(node: Int($0 / 1_000) % nodes))
            }
            options.extraActions = poison + writes
        }
    }
}
