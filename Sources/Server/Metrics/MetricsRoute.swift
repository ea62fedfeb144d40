import Domain
import Hummingbird
import HTTPTypes
import Node

/// `GET /metrics`: the node's metrics in Prometheus text format (`NodeMetrics`).
///
/// Unauthenticated, as Prometheus scrapers expect: the web server listens on 127.0.0.1
/// unless an operator puts a front end before it, and the text holds counts only (batches,
/// sessions, peers by state, open tickets and SLA breaches per campus) — no names, no
/// ticket content, no keys. An operator who publishes the dashboard through a front end
/// must not forward `/metrics` (docs/operations.md).
struct MetricsRoute {
    let department: Department
    let directory: DataDirectory
    let configuration: ServerConfiguration

    func register(on router: Router<MeshDeskRequestContext>) {
        router.get("/metrics") { _, context in
            let metrics = NodeMetrics.shared
            metrics.refreshReplica(store: department.store, directory: directory, now: configuration.clock.now(),
                                   logger: context.logger)
            return Response(status: .ok, headers: [.contentType: NodeMetrics.contentType],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
        }
    }
}
