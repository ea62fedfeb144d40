import Logging
import Synchronization

/// The shell of `SignInThrottle`: holds it under a lock, reads the server's millisecond
/// clock, and logs refusals through a `RefusalLog` (a flood writes one line a second).
final class SignInGate: Sendable {
    private struct State {
        var throttle: SignInThrottle
        var log: RefusalLog
    }
    private let state: Mutex<State>
    private let millis: @Sendable () -> UInt64

    init(limits: SignInThrottle.Limits, millis: @escaping @Sendable () -> UInt64) {
        self.millis = millis
        state = Mutex(State(throttle: SignInThrottle(limits: limits, now: millis()), log: RefusalLog(windowMillis: 1_000)))
    }

    /// Whether `username` signed in from `source` before (see `SignInThrottle.knownSources`).
    func isKnown(username: String, source: String) -> Bool {
        let now = millis()
        return state.withLock { $0.throttle.isKnown(username: username, source: source, now: now) }
    }

    func rememberSuccess(username: String, source: String) {
        let now = millis()
        state.withLock { $0.throttle.rememberSuccess(username: username, source: source, now: now) }
    }

    /// Runs `verify` when the throttle admits `source`; otherwise throws 429 without
    /// verifying anything. `verify`'s success or throw is what the throttle learns.
    func guarded<T>(source: String, logger: Logger, _ verify: () throws -> T) throws -> T {
        let now = millis()
        let (decision, logCount) = state.withLock { state -> (SignInThrottle.Decision, Int?) in
            let decision = state.throttle.admit(source: source, now: now)
            guard case .refuse = decision else { return (decision, nil) }
            return (decision, state.log.record(now: now))
        }
        if case .refuse(let why, let retryAfterMillis) = decision {
            if let logCount {
                logger.notice("sign-in throttled", metadata: ["source": "\(source)", "reason": "\(why.rawValue)",
                                                              "refusals": "\(logCount)"])
            }
            let seconds = (retryAfterMillis + 999) / 1_000
            throw APIError(.tooManyRequests, "sign_in_throttled", "too many sign-in attempts: try again in \(seconds) s")
        }
        do {
            let result = try verify()
            let end = millis()
            state.withLock { $0.throttle.finished(source: source, succeeded: true, now: end) }
            return result
        } catch {
            let end = millis()
            state.withLock { $0.throttle.finished(source: source, succeeded: false, now: end) }
            throw error
        }
    }
}
