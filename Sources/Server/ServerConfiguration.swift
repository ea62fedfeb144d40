import Domain
import Security

/// What a MeshDesk web server needs to know beyond its replica: how long sessions
/// last, when accounts lock and passwords expire, how costly hashing is, and the clock.
public struct ServerConfiguration: Sendable {
    /// 会话有效期 — a session ends this long after sign-in, whatever its use.
    public var sessionMinutes: Int = 8 * 60
    /// At the bound the oldest session is ended to make room (counted in the log).
    public var sessionsMax: Int = 10_000
    public var lockout: LockoutPolicy = .standard
    /// 定期修改密码 — days after which a password must be changed; nil: never.
    public var passwordChangePeriodDays: Int? = 90
    public var passwordCharactersMin: Int = 8
    public var hashing: PasswordHasher.Limits = .interactive
    /// Seconds between the dashboard's polls of `/api/changes`, where a page cannot
    /// hold an event stream (`/api/events`).
    public var pollSeconds: Int = 5
    /// How long one `/api/events` stream lasts before the browser opens a new one.
    public var eventStreamLifetime: Duration = .seconds(600)
    /// A node status file older than this is shown as stale (the node is not running).
    public var statusStaleMinutes: Int = 2
    /// Keep calendar subscription tokens in `<data>/calendar-tokens.json` (false: in
    /// memory only, for tests sharing one directory).
    public var calendarTokensOnDisk = true
    /// The clock every command and session reads (China local time). Tests pass a manual one.
    public var clock: any ServerClock
    /// Host names (lowercase, no port) a request's `Host` may carry; any other gets 421,
    /// so a page on a rebinding domain that resolves to this node cannot read it. Empty:
    /// not checked (the in-process test client sends no Host). `loopbackNames` plus
    /// the listen host and `[http] names` for a node (`hostNames(listenHost:extra:)`).
    public var allowedHostNames: Set<String> = []
    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]", "::1"]

    /// The names a server listening on `listenHost` answers to.
    public static func hostNames(listenHost: String, extra: [String]) -> Set<String> {
        var names = loopbackNames.union(extra.map { $0.lowercased() })
        if !["0.0.0.0", "::", "[::]"].contains(listenHost) {
            names.insert(listenHost.contains(":") && !listenHost.hasPrefix("[") ? "[\(listenHost.lowercased())]" : listenHost.lowercased())
        }
        return names
    }
    /// Per-source and global bounds on password verifications (`SignInThrottle`).
    public var signInLimits = SignInThrottle.Limits()
    /// Milliseconds of a monotonic clock, for the sign-in throttle. Tests pass their own.
    public var millis: @Sendable () -> UInt64 = { monotonicMillis() }

    public init(clock: any ServerClock = WallClock()) {
        self.clock = clock
    }
}

/// Milliseconds since an arbitrary start that never goes back (CLOCK_MONOTONIC).
public func monotonicMillis() -> UInt64 {
    let (seconds, attoseconds) = monotonicStart.duration(to: .now).components
    return UInt64(seconds) * 1_000 + UInt64(attoseconds / 1_000_000_000_000_000)
}

private let monotonicStart = ContinuousClock.now

/// The one seam through which the server reads time, so tests control expiry and lockout.
public protocol ServerClock: Sendable {
    /// China local time (Asia/Shanghai, UTC+8, no daylight saving), to the minute.
    func now() -> LocalDateTime
}
