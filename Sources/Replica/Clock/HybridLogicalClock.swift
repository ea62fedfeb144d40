/// A hybrid logical clock timestamp packed into 64 bits: the upper 48 bits are
/// physical milliseconds since the Unix epoch, the lower 16 a logical counter.
/// Packing keeps the comparison a single integer compare and lets the counter carry
/// into the millisecond field instead of overflowing.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public static let counterBits: UInt64 = 16
    public static let zero = Timestamp(rawValue: 0)

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(millis: UInt64, counter: UInt16 = 0) {
        precondition(millis < (1 << 47), "physical time beyond the packed range: \(millis)")
        self.rawValue = millis << Self.counterBits | UInt64(counter)
    }

    public var millis: UInt64 { rawValue >> Self.counterBits }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "\(millis).\(counter)" }
}

/// The physical time source: the wall clock in a node, a simulated clock elsewhere.
/// Nothing in the deterministic core reads time any other way.
public protocol PhysicalClock: Sendable {
    func nowMillis() -> UInt64
}

/// Why a remote timestamp was not accepted.
public enum ClockError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The remote clock is further ahead of ours than `HybridLogicalClock.futureDriftMillisMax`.
    case beyondFutureBound(remote: Timestamp, physicalMillis: UInt64, boundMillis: UInt64)

    public var description: String {
        switch self {
        case let .beyondFutureBound(remote, physical, bound):
            "timestamp \(remote) is \(remote.millis &- physical) ms ahead of the local clock (bound \(bound) ms)"
        }
    }
}

/// Hybrid logical clock (Kulkarni et al.): timestamps that follow physical time when
/// clocks agree and causality when they do not. A remote timestamp advances the clock
/// only within a bounded drift, so one campus with a wrong clock cannot drag every
/// other campus into the future.
public struct HybridLogicalClock: Sendable, Equatable {
    /// Largest lead of a remote timestamp over local physical time that is accepted.
    public static let futureDriftMillisMax: UInt64 = 15 * 60 * 1000

    public private(set) var last: Timestamp
    public let futureDriftMillis: UInt64

    public init(last: Timestamp = .zero, futureDriftMillis: UInt64 = Self.futureDriftMillisMax) {
        self.last = last
        self.futureDriftMillis = futureDriftMillis
    }

    /// A timestamp for a local event, strictly greater than every timestamp seen so far.
    public mutating func tick(physicalMillis: UInt64) -> Timestamp {
        let physical = Timestamp(millis: physicalMillis).rawValue
        last = Timestamp(rawValue: max(physical, last.rawValue &+ 1))
        return last
    }

    /// Checks that a remote timestamp is within the drift bound, without advancing.
    public func check(remote: Timestamp, physicalMillis: UInt64) throws(ClockError) {
        if remote.millis > physicalMillis &+ futureDriftMillis {
            throw .beyondFutureBound(remote: remote, physicalMillis: physicalMillis, boundMillis: futureDriftMillis)
        }
    }

    /// Merges a remote timestamp so later local events sort after it.
    public mutating func observe(remote: Timestamp, physicalMillis: UInt64) throws(ClockError) {
        try check(remote: remote, physicalMillis: physicalMillis)
        if remote > last { last = remote }
    }
}
