/// A token bucket over inbound messages: a peer flooding us (a storm of pushes, a
/// buggy or hostile node) is cut off instead of starving the node. The bucket holds
/// `burst` tokens and refills at `perSecond`; time is passed in, so tests control it.
public struct InboundRateLimit: Sendable {
    public let perSecond: Int
    public let burst: Int
    private var tokens: Double
    private var lastMillis: UInt64?

    public init(perSecond: Int, burst: Int) {
        precondition(perSecond > 0 && burst > 0, "rate limit needs room")
        self.perSecond = perSecond
        self.burst = burst
        self.tokens = Double(burst)
    }

    /// Takes one token; `false` when the bucket is empty.
    public mutating func admit(nowMillis: UInt64) -> Bool {
        if let last = lastMillis, nowMillis > last {
            tokens = min(Double(burst), tokens + Double(nowMillis - last) * Double(perSecond) / 1000)
        }
        lastMillis = max(lastMillis ?? nowMillis, nowMillis)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
