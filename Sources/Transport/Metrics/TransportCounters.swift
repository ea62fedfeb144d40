import Metrics
import Synchronization

/// Byte and session counts of one node's transport, readable in-process (the sync
/// benchmark's wire overhead, the status file) and mirrored to swift-metrics.
public final class TransportCounters: Sendable {
    public let bytesSent = Atomic<Int>(0)
    public let bytesReceived = Atomic<Int>(0)
    public let messagesSent = Atomic<Int>(0)
    public let messagesReceived = Atomic<Int>(0)
    public let sessionsEstablished = Atomic<Int>(0)
    public let sessionsFailed = Atomic<Int>(0)

    public init() {}

    /// `meshdesk_sessions_closed_total{reason}`: every refused handshake, bad frame and
    /// protocol violation lands here with its reason.
    static func closed(reason: String) {
        Counter(label: "meshdesk_sessions_closed_total", dimensions: [("reason", reason)]).increment()
    }

    static func established() {
        Counter(label: "meshdesk_sessions_established_total").increment()
    }
}
