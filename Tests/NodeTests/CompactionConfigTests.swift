import Foundation
import Testing
@testable import Node

/// `[compaction]` in meshdesk.toml: read, written back by `init`, and refused when
/// it makes no sense.
@Suite struct CompactionConfigTests {
    func load(_ text: String) throws -> NodeConfig {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-compaction-\(UUID()).toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try NodeConfig.load(path: url.path)
    }

    @Test func theDefaultsCompactHourlyAndWaitAWeekForASilentMember() throws {
        let config = try load("")
        #expect(config.compactionEnabled)
        #expect(config.compactionIntervalSeconds == 3_600)
        #expect(config.compactionPolicy.memberSilenceMaxMillis == 7 * 24 * 3_600 * 1_000)
        #expect(config.compactionPolicy.retainedBatchesPerOriginMin == 128)
    }

    @Test func theSectionIsReadAndInitWritesItBack() throws {
        let config = try load("""
            [compaction]
            enabled = false
            interval_s = 600
            member_silence_max_s = 86400
            retained_batches_min = 16
            """)
        #expect(!config.compactionEnabled)
        #expect(config.compactionIntervalSeconds == 600)
        #expect(config.compactionPolicy.memberSilenceMaxMillis == 86_400_000)
        #expect(config.compactionPolicy.retainedBatchesPerOriginMin == 16)
        let again = try load(config.toml)
        #expect(again.compactionEnabled == config.compactionEnabled)
        #expect(again.compactionIntervalSeconds == config.compactionIntervalSeconds)
        #expect(again.compactionPolicy == config.compactionPolicy)
    }

    @Test func aZeroIntervalOrSilenceBoundIsRefused() {
        #expect(throws: NodeConfig.Failure.self) { try load("[compaction]\ninterval_s = 0\n") }
        #expect(throws: NodeConfig.Failure.self) { try load("[compaction]\nmember_silence_max_s = 0\n") }
    }
}
