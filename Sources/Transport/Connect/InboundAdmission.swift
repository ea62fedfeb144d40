/// Which inbound TCP connections the sync listener keeps: a pure state machine. The
/// shell (`InboundAdmissionHandler`, on the listening channel) passes each accepted
/// connection's source address and `now` in milliseconds, closes what is refused, and
/// writes the log lines this returns — one summary per `refusalLogWindowMillis`, not a
/// line per connection (10,000 churned connections in 60 s once wrote 13,358 lines).
public struct InboundAdmission: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Inbound connections open at once. A campus cluster has a handful of peers,
        /// each with at most one or two sessions to us; the rest is a flood.
        public var inboundConnectionsMax = 64
        /// Per source address: a token bucket of accepts.
        public var acceptsPerSourcePerSecond: UInt64 = 2
        public var acceptsPerSourceBurst: UInt64 = 8
        /// Sources remembered at once; at the bound the one idle longest is forgotten.
        public var sourcesMax = 1_024
        /// One summary line of refusals per window at most.
        public var refusalLogWindowMillis: UInt64 = 10_000
        /// Sources named in a summary line (those with the most refusals).
        public var refusalSourcesLoggedMax = 5

        public init() {}
    }

    public enum Refusal: String, Sendable, Equatable {
        case inboundConnectionsMax = "inbound_connections_max"
        case sourceAcceptRate = "source_accept_rate"
    }

    public enum Decision: Sendable, Equatable {
        case admit
        case refuse(Refusal)
    }

    /// One log line for the refusals of a window.
    public struct RefusalSummary: Sendable, Equatable {
        public let refused: Int
        public let byReason: [String: Int]
        /// The sources with the most refusals, most first (at most `refusalSourcesLoggedMax`).
        public let topSources: [Source]
        public let distinctSources: Int
        public let windowMillis: UInt64
        public struct Source: Sendable, Equatable { public let address: String; public let refused: Int }
    }

    struct Bucket: Sendable {
        var milliTokens: UInt64
        var refilledAt: UInt64
    }

    public let limits: Limits
    public private(set) var open = 0
    private var buckets: [String: Bucket] = [:]
    private var windowStart: UInt64?
    private var refusedBySource: [String: Int] = [:]
    private var refusedByReason: [String: Int] = [:]
    /// Distinct sources counted in a window is bounded too: beyond it they fold into "other".
    static let windowSourcesMax = 4_096

    public init(limits: Limits) {
        precondition(limits.inboundConnectionsMax > 0 && limits.acceptsPerSourcePerSecond > 0 && limits.acceptsPerSourceBurst > 0)
        precondition(limits.sourcesMax > 0 && limits.refusalLogWindowMillis > 0)
        self.limits = limits
    }

    /// A connection from `source` was accepted by the kernel. `.admit` counts it open
    /// (call `onClose` when it closes); a refused one is not open. The summary is
    /// non-nil when a window of refusals ended and should be logged now.
    public mutating func onAccept(source: String, now: UInt64) -> (Decision, RefusalSummary?) {
        let summary = onTick(now: now)
        let decision = decide(source: source, now: now)
        if case .refuse(let reason) = decision { countRefusal(source: source, reason: reason, now: now) }
        return (decision, summary)
    }

    public mutating func onClose() {
        precondition(open > 0, "close of an inbound connection never admitted")
        open -= 1
    }

    /// The summary of a finished window with refusals in it, if any (called on each
    /// accept, and by the shell's timer so the last window of a flood is logged too).
    public mutating func onTick(now: UInt64) -> RefusalSummary? {
        guard let start = windowStart, now >= start, now - start >= limits.refusalLogWindowMillis else { return nil }
        let total = refusedByReason.values.reduce(0, +)
        let top = refusedBySource.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limits.refusalSourcesLoggedMax).map { RefusalSummary.Source(address: $0.key, refused: $0.value) }
        let summary = RefusalSummary(refused: total, byReason: refusedByReason, topSources: Array(top),
                                     distinctSources: refusedBySource.count, windowMillis: now - start)
        windowStart = nil
        refusedBySource = [:]
        refusedByReason = [:]
        return summary
    }

    private mutating func decide(source: String, now: UInt64) -> Decision {
        guard open < limits.inboundConnectionsMax else { return .refuse(.inboundConnectionsMax) }
        let full = limits.acceptsPerSourceBurst * 1_000
        var bucket = buckets[source] ?? Bucket(milliTokens: full, refilledAt: now)
        if now > bucket.refilledAt {
            bucket.milliTokens = min(full, bucket.milliTokens + (now - bucket.refilledAt) * limits.acceptsPerSourcePerSecond)
            bucket.refilledAt = now
        }
        guard bucket.milliTokens >= 1_000 else {
            buckets[source] = bucket
            return .refuse(.sourceAcceptRate)
        }
        bucket.milliTokens -= 1_000
        if buckets[source] == nil, buckets.count >= limits.sourcesMax { forgetOne() }
        buckets[source] = bucket
        open += 1
        return .admit
    }

    /// At the bound: forget the source whose bucket was refilled longest ago. A
    /// forgotten source starts again with a full burst, which is bounded by `inboundConnectionsMax`.
    private mutating func forgetOne() {
        if let oldest = buckets.min(by: { $0.value.refilledAt < $1.value.refilledAt }) { buckets[oldest.key] = nil }
    }

    private mutating func countRefusal(source: String, reason: Refusal, now: UInt64) {
        if windowStart == nil { windowStart = now }
        refusedByReason[reason.rawValue, default: 0] += 1
        let key = refusedBySource[source] != nil || refusedBySource.count < Self.windowSourcesMax ? source : "other"
        refusedBySource[key, default: 0] += 1
    }

    var sourceCount: Int { buckets.count }
}
