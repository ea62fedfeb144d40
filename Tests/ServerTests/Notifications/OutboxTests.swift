import Testing
@testable import Domain
@testable import Server

/// The outbox alone: backoff, dead letters, aggregation and bounds, with `now` by hand.
@Suite struct OutboxTests {
    let mail = ChannelAddress.email("zhao@hospital.example")

    func item(_ n: Int, urgent: Bool = false) -> OutgoingItem {
        OutgoingItem(key: "ticket:\(n)/step:0/to:E001", number: "E-\(n)", title: "工单 \(n)", urgent: urgent, link: nil)
    }

    @Test func failuresBackOffFromTwoSecondsDoublingToFiveMinutesAndTheSixthIsADeadLetter() {
        #expect((1...9).map { Outbox.backoff(attempts: $0) } == [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000])
        var box = Outbox()
        box.enqueue(key: "k", address: mail, recipientName: "赵科长", item: item(1), notBefore: 0)
        var now: Int64 = 0
        for attempt in 1...Outbox.attemptsMax {
            let taken = box.take(channel: "email", now: now, messagesMax: 4)
            #expect(taken.count == 1, "attempt \(attempt)")
            let twice = box.take(channel: "email", now: now, messagesMax: 4)
            #expect(twice.isEmpty, "in flight is not taken twice")
            box.failed(taken[0], error: "451 try again later", now: now)
            if attempt < Outbox.attemptsMax {
                let early = box.take(channel: "email", now: now + Outbox.backoff(attempts: attempt) - 1, messagesMax: 4)
                #expect(early.isEmpty)
                now += Outbox.backoff(attempts: attempt)
            }
        }
        #expect(box.pending.isEmpty && box.dead.count == 1 && box.dead[0].lastError == "451 try again later")
        #expect(box.retried == Outbox.attemptsMax - 1)
        // A dead letter is not taken on again for the same key and address.
        let again = box.enqueue(key: "k", address: mail, recipientName: "赵科长", item: item(1), notBefore: now)
        #expect(!again)
    }

    @Test func aFloodToOneAddressBecomesDigestsSpacedAMinuteApartUnlessOneIsUrgent() {
        var box = Outbox()
        for n in 0..<45 { box.enqueue(key: "k\(n)", address: mail, recipientName: "赵科长", item: item(n), notBefore: 0) }
        let first = box.take(channel: "email", now: 0, messagesMax: 4)
        #expect(first.count == 1 && first[0].items.count == Outbox.digestItemsMax)
        box.succeeded(first[0], now: 0)
        let soon = box.take(channel: "email", now: 59_999, messagesMax: 4)
        #expect(soon.isEmpty)
        box.enqueue(key: "p1", address: mail, recipientName: "赵科长", item: item(99, urgent: true), notBefore: 0)
        let urgent = box.take(channel: "email", now: 1_000, messagesMax: 4)
        #expect(urgent.count == 1 && urgent[0].items.count == Outbox.digestItemsMax)
        box.succeeded(urgent[0], now: 1_000)
        let rest = box.take(channel: "email", now: 61_000, messagesMax: 4)
        #expect(rest.map(\.items.count) == [6] && box.sent == 40)
        // Other channels are not touched by taking email.
        let wecom = box.take(channel: "wecom", now: 61_000, messagesMax: 4)
        #expect(wecom.isEmpty)
    }

    @Test func aFullOutboxRefusesNewEntriesAndCountsThem() {
        var box = Outbox()
        for n in 0..<Outbox.pendingMax { box.enqueue(key: "k\(n)", address: mail, recipientName: "", item: item(n), notBefore: 0) }
        let oneMore = box.enqueue(key: "one-more", address: mail, recipientName: "", item: item(0), notBefore: 0)
        #expect(!oneMore)
        #expect(box.refused == 1 && box.pending.count == Outbox.pendingMax)
    }
}
