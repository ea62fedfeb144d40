import Foundation
import Replica

/// The simulation's one true time, in milliseconds since the run began.
final class SimulatedTime: @unchecked Sendable {
    // @unchecked: the whole simulation runs on one thread; stores read it through clocks.
    var millis: UInt64 = 0
}

/// A node's wall clock: true time plus a skew that faults move (up to `skewMillisMax`
/// either way) and jump. The store's hybrid logical clock reads this; Sync never does
/// (it gets the node's monotonic `Instant`, which skew does not touch).
final class SimulatedClock: PhysicalClock, @unchecked Sendable {
    // @unchecked: one thread (see SimulatedTime).
    static let epochMillis: UInt64 = 1_780_000_000_000
    static let skewMillisMax: Int64 = 10 * 60 * 1000

    let time: SimulatedTime
    private(set) var skewMillis: Int64 = 0

    init(time: SimulatedTime) { self.time = time }

    func nowMillis() -> UInt64 {
        UInt64(Int64(Self.epochMillis) + Int64(time.millis) + skewMillis)
    }

    /// Skew and jumps are clamped to ±10 minutes: the fault model's bound.
    func setSkew(_ millis: Int64) {
        skewMillis = min(max(millis, -Self.skewMillisMax), Self.skewMillisMax)
    }
}
