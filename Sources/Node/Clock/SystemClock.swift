import Foundation
import Replica

/// The wall clock, for the real node only. The deterministic core never sees it
/// except through `PhysicalClock`.
public struct SystemClock: PhysicalClock {
    public init() {}

    public func nowMillis() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1000)
    }
}
