/// 登录限流 — how many password verifications (Argon2id, ~110 ms of a core each) the
/// server runs, per source and in all. A pure state machine: the caller passes `now`
/// (milliseconds of a monotonic clock) and carries out the decision; nothing here reads
/// a clock or sleeps.
///
/// - **Per source** (the remote address): one verification at a time, and after
///   `freeFailuresPerSource` failures in a row a delay before the next one that doubles
///   with each further failure up to `delayMillisMax`. A success clears the source.
///   The delay falls on the guessing source, not on the account: an attacker cannot lock
///   `admin` out for its owner.
/// - **Global**: a token bucket of `verificationsPerSecond`, at most `verificationsBurstMax`
///   at once, so a flood from many sources cannot take the cores from signed-in users.
///
/// The answer does not depend on the username, so it tells nothing about which exist.
public struct SignInThrottle: Sendable {
    public struct Limits: Sendable, Equatable {
        public var freeFailuresPerSource = 3
        public var delayMillisBase: UInt64 = 1_000
        public var delayMillisMax: UInt64 = 60_000
        public var verificationsPerSecond: UInt64 = 4
        public var verificationsBurstMax: UInt64 = 8
        /// Sources remembered at once; at the bound the one idle longest is forgotten.
        public var sourcesMax = 4_096
        /// A source with no failure for this long is forgotten.
        public var sourceForgetMillis: UInt64 = 15 * 60_000
        /// Addresses remembered per account as ones its owner signed in from; the oldest
        /// is forgotten first.
        public var knownSourcesPerAccountMax = 8
        /// Accounts with remembered addresses; at the bound the one unused longest goes.
        public var knownAccountsMax = 4_096
        /// A remembered address not used to sign in for this long is forgotten.
        public var knownSourceForgetMillis: UInt64 = 30 * 24 * 3_600_000

        public init() {}
    }

    public enum Refusal: String, Sendable, Equatable {
        /// This source failed too often lately (or has a verification running).
        case sourceDelayed = "source_delayed"
        /// Every source together used the global budget.
        case globalBudget = "global_budget"
    }

    public enum Decision: Sendable, Equatable {
        case verify
        case refuse(Refusal, retryAfterMillis: UInt64)
    }

    struct Source: Sendable, Equatable {
        var failures = 0
        var notBefore: UInt64 = 0
        var inFlight = false
        var lastSeen: UInt64 = 0
    }

    public let limits: Limits
    private(set) var sources: [String: Source] = [:]
    /// Per account, the addresses its owner signed in from and when last: the account
    /// lock (replicated, after `LockoutPolicy.failuresMax` wrong passwords) does not hold
    /// them, so a guesser elsewhere cannot lock the owner out of their own PC.
    private(set) var knownSources: [String: [String: UInt64]] = [:]
    /// Tokens in thousandths, so refill at any millisecond is exact.
    private(set) var milliTokens: UInt64
    private(set) var refilledAt: UInt64

    public init(limits: Limits, now: UInt64) {
        precondition(limits.verificationsPerSecond > 0 && limits.verificationsBurstMax > 0 && limits.sourcesMax > 0)
        self.limits = limits
        milliTokens = limits.verificationsBurstMax * 1_000
        refilledAt = now
    }

    /// May `source` have a password verified now? `.verify` reserves it: call
    /// `finished` afterwards, whatever the outcome.
    public mutating func admit(source: String, now: UInt64) -> Decision {
        refill(now)
        var state = sources[source] ?? Source()
        if state.inFlight { return .refuse(.sourceDelayed, retryAfterMillis: limits.delayMillisBase) }
        if now < state.notBefore { return .refuse(.sourceDelayed, retryAfterMillis: state.notBefore - now) }
        guard milliTokens >= 1_000 else {
            let wait = (1_000 - milliTokens) / limits.verificationsPerSecond + 1
            return .refuse(.globalBudget, retryAfterMillis: wait)
        }
        milliTokens -= 1_000
        state.inFlight = true
        state.lastSeen = now
        store(source, state, now: now)
        return .verify
    }

    /// The verification admitted for `source` is done; `succeeded` is whether the
    /// password was right (a wrong one, an unknown or a disabled name all count as failed).
    public mutating func finished(source: String, succeeded: Bool, now: UInt64) {
        guard var state = sources[source], state.inFlight else {
            preconditionFailure("finished without admit for a source: \(sources[source].map { "\($0)" } ?? "none")")
        }
        state.inFlight = false
        state.lastSeen = now
        if succeeded {
            sources[source] = nil
            return
        }
        state.failures += 1
        let over = state.failures - limits.freeFailuresPerSource
        if over > 0 {
            let shift = UInt64(min(over - 1, 32))
            state.notBefore = now + min(limits.delayMillisBase << shift, limits.delayMillisMax)
        }
        sources[source] = state
    }

    /// `username` signed in from `source`: remember the pair.
    public mutating func rememberSuccess(username: String, source: String, now: UInt64) {
        var known = knownSources[username] ?? [:]
        known[source] = now
        if known.count > limits.knownSourcesPerAccountMax,
           let oldest = known.min(by: { $0.value < $1.value }) {
            known[oldest.key] = nil
        }
        if knownSources[username] == nil, knownSources.count >= limits.knownAccountsMax,
           let idle = knownSources.min(by: { ($0.value.values.max() ?? 0) < ($1.value.values.max() ?? 0) }) {
            knownSources[idle.key] = nil
        }
        knownSources[username] = known
    }

    /// Did `username`'s owner sign in from `source` within `knownSourceForgetMillis`?
    public func isKnown(username: String, source: String, now: UInt64) -> Bool {
        guard let last = knownSources[username]?[source] else { return false }
        return now < last || now - last < limits.knownSourceForgetMillis
    }

    /// The delay a source has to wait now (0 when none), for tests and the log.
    public func delayMillis(source: String, now: UInt64) -> UInt64 {
        guard let state = sources[source], now < state.notBefore else { return 0 }
        return state.notBefore - now
    }

    var sourceCount: Int { sources.count }

    private mutating func refill(_ now: UInt64) {
        guard now > refilledAt else { return }
        let cap = limits.verificationsBurstMax * 1_000
        milliTokens = min(cap, milliTokens + (now - refilledAt) * limits.verificationsPerSecond)
        refilledAt = now
    }

    private mutating func store(_ source: String, _ state: Source, now: UInt64) {
        if sources[source] == nil, sources.count >= limits.sourcesMax {
            sources = sources.filter { $0.value.inFlight || now - $0.value.lastSeen < limits.sourceForgetMillis }
            if sources.count >= limits.sourcesMax,
               let idle = sources.filter({ !$0.value.inFlight }).min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                sources[idle.key] = nil
            }
        }
        // Only sources with a verification running survive the trim, and those are few
        // (the global budget admits a handful at once): the map stays near `sourcesMax`.
        sources[source] = state
    }
}
