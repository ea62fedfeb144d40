/// A point on the shell's monotonic clock, in milliseconds. Sync never reads a clock:
/// every event carries the `Instant` at which the shell delivers it, so tests and the
/// simulator decide what time it is.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let millis: UInt64

    public init(millis: UInt64) { self.millis = millis }

    public static let zero = Instant(millis: 0)

    /// Saturating, so a huge configured interval cannot trap.
    public func advanced(byMillis delta: UInt64) -> Instant {
        let (sum, overflow) = millis.addingReportingOverflow(delta)
        return Instant(millis: overflow ? .max : sum)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.millis < rhs.millis }

    public var description: String { "t\(millis)" }
}
