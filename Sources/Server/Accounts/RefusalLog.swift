/// Aggregates the log lines of a refusal that an attacker can repeat at will: the first
/// refusal of a window is logged at once, the others of that window are counted and
/// logged as one line (with the count) at the first refusal after the window. Pure:
/// the caller passes `now` in milliseconds and writes the line it is given.
public struct RefusalLog: Sendable {
    public let windowMillis: UInt64
    private var windowStart: UInt64?
    private var suppressed = 0

    public init(windowMillis: UInt64) {
        precondition(windowMillis > 0)
        self.windowMillis = windowMillis
    }

    /// What to log for a refusal at `now`: nil (counted, logged later) or the number of
    /// refusals the line stands for (1, or 1 + those held back in the last window).
    public mutating func record(now: UInt64) -> Int? {
        if let start = windowStart, now >= start, now - start < windowMillis {
            suppressed += 1
            return nil
        }
        let count = 1 + suppressed
        suppressed = 0
        windowStart = now
        return count
    }
}
