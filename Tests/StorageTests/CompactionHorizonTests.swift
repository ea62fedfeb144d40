import Replica
import Testing
@testable import Storage

/// The horizon from vectors, membership and `now` alone.
@Suite struct CompactionHorizonTests {
    let a = Origin(site: SiteID(rawValue: 1), epoch: 1)
    let b = Origin(site: SiteID(rawValue: 2), epoch: 1)
    let c = Origin(site: SiteID(rawValue: 3), epoch: 1)
    let bob = SiteID(rawValue: 2)
    let carol = SiteID(rawValue: 3)
    let now: UInt64 = 1_780_000_000_000
    let day: UInt64 = 24 * 3_600 * 1_000

    func ack(_ entries: [Origin: UInt64], daysAgo: UInt64 = 0) -> MemberAcknowledgement {
        MemberAcknowledgement(vector: VersionVector(entries), learnedAtMillis: now - daysAgo * day)
    }

    @Test func theHorizonIsWhatEveryMemberHoldsPerOrigin() {
        let horizon = CompactionHorizon(ownVector: VersionVector([a: 10, b: 4]), members: [bob, carol],
                                        acknowledgements: [bob: ack([a: 7, b: 5, c: 2]), carol: ack([a: 9, b: 3, c: 2])],
                                        nowMillis: now, memberSilenceMaxMillis: 7 * day)
        #expect(horizon.logHorizon == VersionVector([a: 7, b: 3]))
        #expect(horizon.collectionHorizon == horizon.logHorizon)
        // The join holds each member's own head: carol's c:2, bob's b:5.
        #expect(horizon.join == VersionVector([a: 10, b: 5, c: 2]))
        #expect(horizon.silentMembers.isEmpty)
    }

    @Test func aMemberNeverHeardFromHoldsEverythingBack() {
        let horizon = CompactionHorizon(ownVector: VersionVector([a: 10]), members: [bob, carol],
                                        acknowledgements: [bob: ack([a: 10])], nowMillis: now, memberSilenceMaxMillis: 7 * day)
        #expect(horizon.logHorizon == VersionVector())
        #expect(horizon.collectionHorizon == VersionVector())
    }

    @Test func withNoOtherMemberTheHorizonIsOurOwnVector() {
        let horizon = CompactionHorizon(ownVector: VersionVector([a: 10]), members: [], acknowledgements: [:],
                                        nowMillis: now, memberSilenceMaxMillis: 7 * day)
        #expect(horizon.logHorizon == VersionVector([a: 10]))
    }

    @Test func aMemberSilentPastTheBoundStopsHoldingTheLogButStillHoldsMetadata() {
        let acks = [bob: ack([a: 9]), carol: ack([a: 2], daysAgo: 8)]
        let horizon = CompactionHorizon(ownVector: VersionVector([a: 10]), members: [bob, carol], acknowledgements: acks,
                                        nowMillis: now, memberSilenceMaxMillis: 7 * day)
        #expect(horizon.silentMembers == [carol])
        #expect(horizon.logHorizon == VersionVector([a: 9]))
        #expect(horizon.collectionHorizon == VersionVector([a: 2]))
    }

    @Test func aMemberSilentExactlyTheBoundStillCounts() {
        let acks = [bob: ack([a: 2], daysAgo: 7)]
        let horizon = CompactionHorizon(ownVector: VersionVector([a: 10]), members: [bob], acknowledgements: acks,
                                        nowMillis: now, memberSilenceMaxMillis: 7 * day)
        #expect(horizon.silentMembers.isEmpty)
        #expect(horizon.logHorizon == VersionVector([a: 2]))
    }

    @Test func anAcknowledgementFromTheFutureIsNotSilence() {
        // A clock stepped back must not make a member look silent (or negative).
        let acks = [bob: MemberAcknowledgement(vector: VersionVector([a: 4]), learnedAtMillis: now + day)]
        let horizon = CompactionHorizon(ownVector: VersionVector([a: 10]), members: [bob], acknowledgements: acks,
                                        nowMillis: now, memberSilenceMaxMillis: 1)
        #expect(horizon.silentMembers.isEmpty)
        #expect(horizon.logHorizon == VersionVector([a: 4]))
    }

    @Test func theHorizonNeverExceedsAnyLiveMemberNorOurselvesOverSeededVectors() {
        let seed: UInt64 = 0xC0A1_E5CE
        print("CompactionHorizonTests seed \(seed)")
        var random = SplitMix64(seed: seed)
        let origins = [a, b, c]
        for _ in 0..<500 {
            func vector() -> VersionVector {
                VersionVector(Dictionary(uniqueKeysWithValues: origins.map { ($0, random.next() % 20) }))
            }
            let own = vector()
            let acks = [bob: MemberAcknowledgement(vector: vector(), learnedAtMillis: now - (random.next() % 10) * day),
                        carol: MemberAcknowledgement(vector: vector(), learnedAtMillis: now - (random.next() % 10) * day)]
            let horizon = CompactionHorizon(ownVector: own, members: [bob, carol], acknowledgements: acks,
                                            nowMillis: now, memberSilenceMaxMillis: 7 * day)
            #expect(own.covers(horizon.logHorizon))
            #expect(horizon.logHorizon.covers(horizon.collectionHorizon))
            #expect(horizon.join.covers(own))
            for (member, ack) in acks {
                #expect(ack.vector.covers(horizon.collectionHorizon))
                #expect(horizon.join.covers(ack.vector))
                if !horizon.silentMembers.contains(member) { #expect(ack.vector.covers(horizon.logHorizon)) }
            }
        }
    }
}

