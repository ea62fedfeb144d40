import Metrics
import Replica
import Storage

extension NodeRuntime {
    /// Periodic compaction (`[compaction]` in meshdesk.toml): one round per interval on
    /// the node's event loop, so it never races the sync core's applies. A round is one
    /// transaction bounded by `CompactionPolicy.batchesPerRoundMax`.
    func scheduleCompaction() {
        guard config.compactionEnabled else {
            logger.notice("periodic compaction is off")
            return
        }
        every(config.compactionIntervalSeconds * 1_000) { $0.compactOnce() }
    }

    func compactOnce() {
        do {
            let report = try store.compact(members: state.value.core.compactionMembers(), policy: config.compactionPolicy)
            Counter(label: "meshdesk_compaction_rounds_total").increment()
            Counter(label: "meshdesk_compaction_batches_deleted_total").increment(by: report.batchesDeleted)
        } catch {
            state.value.core.countEvent("compaction_failed")
            Self.publish(.event("compaction_failed"))
            logger.error("compaction failed", metadata: ["error": "\(error)"])
        }
    }
}
