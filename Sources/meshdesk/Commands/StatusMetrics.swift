import Foundation
import Logging
import Node
import Storage

/// `meshdesk status --metrics`: the metrics without an HTTP server. A running node
/// rewrites `metrics.prom` with its status file, and that is printed (its counters live
/// in its process); for a stopped node only the replica's gauges can be known, so they
/// are computed here, in a registry of this process.
enum StatusMetrics {
    static func text(running: Bool, directory: DataDirectory, store: ReplicaStore, logger: Logger) -> String {
        if running, let data = FileManager.default.contents(atPath: directory.metricsURL.path), !data.isEmpty {
            return String(decoding: data, as: UTF8.self)
        }
        let metrics = NodeMetrics.standalone()
        metrics.refreshReplica(store: store, directory: directory, now: NodeMetrics.hospitalTime(millis: SystemClock().nowMillis()),
                               logger: logger, minimumInterval: .zero)
        return "# node not running: replica gauges only\n" + metrics.text()
    }
}
