import Testing
@testable import Replica

@Suite struct HybridLogicalClockTests {
    @Test func tickIsStrictlyIncreasingEvenWhenPhysicalTimeStandsStill() {
        var clock = HybridLogicalClock()
        let a = clock.tick(physicalMillis: 1_000)
        let b = clock.tick(physicalMillis: 1_000)
        let c = clock.tick(physicalMillis: 999)
        #expect(a < b && b < c)
        #expect(a.millis == 1_000 && b.counter == 1)
    }

    @Test func observingARemoteTimestampOrdersLaterLocalEventsAfterIt() throws {
        var clock = HybridLogicalClock()
        let remote = Timestamp(millis: 5_000, counter: 7)
        try clock.observe(remote: remote, physicalMillis: 4_000)
        #expect(clock.tick(physicalMillis: 4_001) > remote)
    }

    @Test func aTimestampBeyondTheFutureBoundIsRefusedAndDoesNotAdvanceTheClock() {
        var clock = HybridLogicalClock(futureDriftMillis: 1_000)
        let before = clock
        #expect(throws: ClockError.self) {
            try clock.observe(remote: Timestamp(millis: 10_000), physicalMillis: 8_000)
        }
        #expect(clock == before)
    }
}
