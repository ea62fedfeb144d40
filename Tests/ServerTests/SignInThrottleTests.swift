import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Security
import Testing
@testable import Server

/// `SignInThrottle` driven directly with `now`, and the flood it exists for.
@Suite struct SignInThrottleTests {
    func limits(perSecond: UInt64 = 1_000, burst: UInt64 = 1_000) -> SignInThrottle.Limits {
        var limits = SignInThrottle.Limits()
        limits.verificationsPerSecond = perSecond
        limits.verificationsBurstMax = burst
        return limits
    }

    func fail(_ throttle: inout SignInThrottle, _ source: String, at now: UInt64,
              sourceLocation: SourceLocation = #_sourceLocation) {
        let decision = throttle.admit(source: source, now: now)
        #expect(decision == .verify, sourceLocation: sourceLocation)
        // Only an admitted attempt is finished: finishing one that was refused is a programmer error.
        if decision == .verify { throttle.finished(source: source, succeeded: false, now: now) }
    }

    @Test func aGuessingSourceWaitsLongerAfterEachFailureAndOthersDoNot() {
        var throttle = SignInThrottle(limits: limits(), now: 0)
        for _ in 0..<3 { fail(&throttle, "10.0.0.9", at: 0) }
        #expect(throttle.delayMillis(source: "10.0.0.9", now: 0) == 0, "three failures are free")
        fail(&throttle, "10.0.0.9", at: 0)
        #expect(throttle.admit(source: "10.0.0.9", now: 10) == .refuse(.sourceDelayed, retryAfterMillis: 990))
        // Another source — the account's owner at their own PC — is not held up.
        #expect(throttle.admit(source: "10.0.0.1", now: 10) == .verify)
        throttle.finished(source: "10.0.0.1", succeeded: true, now: 10)
        var delays: [UInt64] = []
        var now: UInt64 = 1_000
        for _ in 0..<8 {
            fail(&throttle, "10.0.0.9", at: now)
            let delay = throttle.delayMillis(source: "10.0.0.9", now: now)
            delays.append(delay)
            now += delay
        }
        #expect(delays == [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000])
    }

    @Test func aSuccessClearsTheSource() {
        var throttle = SignInThrottle(limits: limits(), now: 0)
        for _ in 0..<4 { fail(&throttle, "s", at: 100_000) }
        fail(&throttle, "s", at: 101_000)
        #expect(throttle.delayMillis(source: "s", now: 101_000) == 2_000)
        #expect(throttle.admit(source: "s", now: 103_000) == .verify)
        throttle.finished(source: "s", succeeded: true, now: 103_000)
        #expect(throttle.sourceCount == 0)
        for _ in 0..<3 { fail(&throttle, "s", at: 103_000) }
        #expect(throttle.delayMillis(source: "s", now: 103_000) == 0)
    }

    @Test func oneSourceHasOneVerificationRunningAtATime() {
        var throttle = SignInThrottle(limits: limits(), now: 0)
        #expect(throttle.admit(source: "s", now: 0) == .verify)
        #expect(throttle.admit(source: "s", now: 1) == .refuse(.sourceDelayed, retryAfterMillis: 1_000))
        throttle.finished(source: "s", succeeded: false, now: 110)
        #expect(throttle.admit(source: "s", now: 110) == .verify)
    }

    @Test func theGlobalBudgetHoldsAgainstManySources() {
        var throttle = SignInThrottle(limits: limits(perSecond: 4, burst: 8), now: 0)
        var verified = 0
        var refusedGlobally = 0
        // 10,000 sources, one attempt each, over 10 s.
        for i in 0..<10_000 {
            let now = UInt64(i)
            switch throttle.admit(source: "10.1.\(i / 256).\(i % 256)", now: now) {
            case .verify:
                verified += 1
                throttle.finished(source: "10.1.\(i / 256).\(i % 256)", succeeded: false, now: now)
            case .refuse(let why, _):
                #expect(why == .globalBudget)
                refusedGlobally += 1
            }
        }
        // The burst of 8, then 4 a second for 10 s: 8 + 40, give or take the last one.
        #expect(verified >= 47 && verified <= 49, "verified \(verified)")
        #expect(refusedGlobally == 10_000 - verified)
        #expect(throttle.sourceCount <= throttle.limits.sourcesMax)
    }

    @Test func theSourceTableIsBounded() {
        var bounded = limits()
        bounded.sourcesMax = 100
        var throttle = SignInThrottle(limits: bounded, now: 0)
        for i in 0..<1_000 { fail(&throttle, "s\(i)", at: UInt64(i)) }
        #expect(throttle.sourceCount <= 100)
    }

    @Test func aFloodOfRefusalsIsLoggedOnceAWindow() {
        var log = RefusalLog(windowMillis: 1_000)
        var lines: [Int] = []
        for ms in 0..<10_000 { if let count = log.record(now: UInt64(ms)) { lines.append(count) } }
        #expect(lines.count == 10)
        #expect(lines.first == 1 && lines.dropFirst().allSatisfy { $0 == 1_000 })
        #expect(log.record(now: 20_000) == 1 + 999)
    }

    /// 12 clients sign in with unknown names as fast as they can (real Argon2id,
    /// libsodium's interactive limits) while a signed-in user polls `/api/changes`.
    /// Without the throttle each attempt took a core for ~110 ms and the user's polls
    /// queued behind them; with it most attempts are refused before any hashing.
    @Test func anUnknownNameFloodDoesNotSlowASignedInUser() async throws {
        let fixture = try ServerFixture(signInLimits: SignInThrottle.Limits(), hashing: .interactive)
        try await fixture.application().test(.router) { client in
            let user = try await client.signIn("eng1")
            func poll(_ count: Int) async throws -> [Double] {
                var millis: [Double] = []
                for _ in 0..<count {
                    let start = ContinuousClock.now
                    #expect(try await client.call(.get, "/api/changes", as: user).0 == .ok)
                    let (s, atto) = start.duration(to: .now).components
                    millis.append(Double(s) * 1_000 + Double(atto) / 1e15)
                    try await Task.sleep(for: .milliseconds(20))
                }
                return millis.sorted()
            }
            let quiet = try await poll(20)
            let flooding = ContinuousClock.now.advanced(by: .seconds(4))
            let outcomes = try await withThrowingTaskGroup(of: [HTTPResponse.Status: Int].self) { group in
                for flooder in 0..<12 {
                    group.addTask {
                        var seen: [HTTPResponse.Status: Int] = [:]
                        var n = 0
                        while ContinuousClock.now < flooding {
                            let status = try await client.call(.post, "/api/session", as: nil,
                                                               json: #"{"username":"nobody\#(flooder)x\#(n)","password":"guess-\#(n)"}"#).0
                            seen[status, default: 0] += 1
                            n += 1
                            await Task.yield()
                        }
                        return seen
                    }
                }
                let during = try await poll(40)
                var total: [HTTPResponse.Status: Int] = [:]
                for try await seen in group { total.merge(seen, uniquingKeysWith: +) }
                return (during, total)
            }
            let (during, total) = outcomes
            let p50 = { (xs: [Double]) in xs[xs.count / 2] }
            let p90 = { (xs: [Double]) in xs[xs.count * 9 / 10] }
            print("flood figures: quiet p50 \(p50(quiet)) ms p90 \(p90(quiet)) ms; during flood p50 \(p50(during)) ms p90 \(p90(during)) ms max \(during.last ?? 0) ms; sign-in answers \(total)")
            #expect(total[.unauthorized, default: 0] > 0, "some attempts were verified and refused")
            #expect(total[.tooManyRequests, default: 0] > 10 * total[.unauthorized, default: 0], "most attempts are throttled")
            #expect(total[.ok, default: 0] == 0)
            // One verification at a time, ~110 ms each: a poll waits at most about one.
            #expect(p50(during) < p50(quiet) + 150, "the user's polls are not queued behind the flood")
        }
    }
}
