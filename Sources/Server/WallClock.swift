import Domain
import Foundation

/// The real clock: the system's time as China local time. The only place the server
/// reads the wall clock.
public struct WallClock: ServerClock {
    static let chinaOffsetMinutes = 8 * 60

    public init() {}

    public func now() -> LocalDateTime {
        LocalDateTime(minutesSinceEpoch: Int(Date().timeIntervalSince1970 / 60) + Self.chinaOffsetMinutes)
    }
}
