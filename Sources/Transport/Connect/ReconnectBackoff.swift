import Replica
import Sync

/// Delays between attempts to reach a peer: exponential from `baseMillis` up to
/// `capMillis`, each drawn uniformly from the upper half of the current step ("equal
/// jitter"), so campuses that lost the same link do not all redial in the same
/// instant. The generator is seeded, so a run's schedule replays.
public struct ReconnectBackoff: Sendable {
    public var baseMillis: UInt64 = 200
    public var capMillis: UInt64 = 30_000
    public private(set) var attempts = 0
    private var random: SplitMix64

    public init(seed: UInt64, baseMillis: UInt64 = 200, capMillis: UInt64 = 30_000) {
        precondition(baseMillis > 0 && capMillis >= baseMillis, "backoff bounds")
        self.random = SplitMix64(seed: seed)
        self.baseMillis = baseMillis
        self.capMillis = capMillis
    }

    /// The delay before the next attempt; each call doubles the step up to the cap.
    public mutating func nextDelayMillis() -> UInt64 {
        let shift = min(attempts, 20)
        attempts += 1
        let step = min(capMillis, baseMillis << UInt64(shift))
        let half = step / 2
        return half + UInt64.random(in: 0...(step - half), using: &random)
    }

    /// A session came up: the next failure starts again from the base.
    public mutating func reset() { attempts = 0 }
}
