import Foundation
#if os(Linux)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycleTestKit
import NIOCore
import Synchronization
import Testing
@testable import Domain
@testable import Server

/// The read path: views cached per state must never cross users' scopes, must move
/// with every write, and the event feed is bounded and tells of every commit.
@Suite struct ReadPathTests {
    struct Listed: Decodable { let number: String }

    static func numbers(_ body: String) throws -> Set<String> {
        Set(try JSONDecoder().decode([Listed].self, from: Data(body.utf8)).map(\.number))
    }

    /// A requester who did not just write may be served the previous view for a moment
    /// (`X-MeshDesk-View: previous`) while the newest is computed; this asks until the
    /// answer is current (bounded), and returns every body seen on the way.
    static func current(_ client: some TestClientProtocol, _ uri: String, as session: Session) async throws -> (current: String, previous: [String]) {
        var previous: [String] = []
        for _ in 0..<50 {
            let (isPrevious, body) = try await client.execute(uri: uri, method: .get, headers: session.headers) {
                ($0.headers[HTTPField.Name("X-MeshDesk-View")!] == "previous", String(buffer: $0.body))
            }
            if !isPrevious { return (body, previous) }
            previous.append(body)
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(uri) still answered the previous view after 5 s")
    }

    static func currentPage(_ client: some TestClientProtocol, _ uri: String, as session: Session) async throws -> String {
        for _ in 0..<50 {
            let page = try await client.page(uri, as: session).2
            if !page.contains("data-version=\"previous\"") { return page }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(uri) still showed the previous view after 5 s")
    }

    /// Requests share one state read, but never across a commit of this process: a
    /// write made beside the web (as the node's intake or a test does) is in the very next
    /// state, and a session ended by it is ended at once.
    @Test func theSharedStateMovesWithEveryCommitAndEndsASessionAtOnce() async throws {
        let fixture = try ServerFixture()
        let reads = ReadPath(department: fixture.department)
        let before = try reads.state(for: nil)
        #expect(try reads.state(for: nil).stamp == before.stamp, "shared within its window")
        try fixture.department.setAccountDisabled(username: "eng2", disabled: true, by: Acting("A001", at: ServerFixture.start))
        let after = try reads.state(for: nil)
        #expect(after.stamp != before.stamp)
        #expect(after.touches(ResolvedSessions.entities) != before.touches(ResolvedSessions.entities))
        try await fixture.application().test(.router) { client in
            let eng1 = try await client.signIn("eng1")
            #expect(try await client.call(.get, "/api/me", as: eng1).0 == .ok)
            #expect(try await client.call(.get, "/api/me", as: eng1).0 == .ok, "resolved from what it read before")
            try fixture.department.setAccountDisabled(username: "eng1", disabled: true, by: Acting("A001", at: ServerFixture.start))
            #expect(try await client.call(.get, "/api/me", as: eng1).0 == .unauthorized, "the disable ends the session on the next request")
        }
    }

    #if os(Linux)
    /// The lane's threads run below the request threads, so cheap requests are scheduled
    /// before the next slice of a view being computed.
    @Test func theLaneRunsBelowTheRequestThreads() async throws {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let here = getpriority(which, 0)
        let lane = ReadLane()
        for _ in 0..<8 {
            let there = try await lane.run { getpriority(which, 0) }
            #expect(there == min(19, here + ReadLane.priorityLowering), "lane thread nice \(there), request thread \(here)")
        }
    }
    #endif

    @Test func aCachedListIsNeverServedAcrossScopesAndMovesWithEveryWrite() async throws {
        let fixture = try ServerFixture()
        let at = ServerFixture.start
        let engTicket = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "护士长", department: "病房", category: .network,
                                                                       description: "病房断网"), by: Acting("E101", at: at))
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let eng1 = try await client.signIn("eng1")
            let ward = try await client.signIn("ward")
            // The chief fills the cache first; every other scope must get its own view.
            #expect(try Self.numbers(try await client.call(.get, "/api/tickets?open=true", as: chief).1) == [engTicket.number])
            #expect(try Self.numbers(try await client.call(.get, "/api/tickets?open=true", as: ward).1) == [],
                    "a requester never sees a view computed for a chief")
            let own = createdID(try await client.call(.post, "/api/tickets", as: ward, json: TicketAPITests.openJSON).1,
                                key: "number")
            #expect(!own.isEmpty)
            let wardRead = try await client.execute(uri: "/api/tickets?open=true", method: .get, headers: ward.headers) {
                ($0.headers[HTTPField.Name("X-MeshDesk-View")!], String(buffer: $0.body))
            }
            #expect(wardRead.0 == nil, "the writer is never served the view from before their write")
            #expect(try Self.numbers(wardRead.1) == [own], "a write is in the next read of the writer")
            let chiefRead = try await Self.current(client, "/api/tickets?open=true", as: chief)
            #expect(try Self.numbers(chiefRead.current) == [engTicket.number, own])
            for earlier in chiefRead.previous {
                #expect(try Self.numbers(earlier) == [engTicket.number], "a previous view is the chief's own previous view")
            }
            #expect(try Self.numbers(try await Self.current(client, "/api/tickets?open=true", as: eng1).current) == [engTicket.number, own])
            // The same for the page: the requester's list never shows the engineer's ticket.
            let chiefPage = try await Self.currentPage(client, "/tickets", as: chief)
            #expect(chiefPage.contains(engTicket.number) && chiefPage.contains(own))
            let wardPage = try await client.page("/tickets", as: ward)
            #expect(wardPage.0 == .ok)
            #expect(wardPage.2.contains(own) && !wardPage.2.contains(engTicket.number))
            // Each framed page carries its own user's CSRF token, never a cached one.
            #expect(wardPage.2.contains(ward.csrf) && !wardPage.2.contains(chief.csrf))
        }
    }

    @Test func theHomePageShowsANewTicketAtOnceAndKeepsTheTimeMoving() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let before = try await client.page("/", as: chief)
            #expect(before.0 == .ok)
            #expect(before.2.contains(ServerFixture.start.description))
            let opened = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .network,
                                                                        description: "挂号机断网"), by: Acting("E101", at: ServerFixture.start))
            let after = try await ReadPathTests.currentPage(client, "/", as: chief)
            #expect(after.contains(opened.number), "a commit outside the web server is seen once its view is computed")
            fixture.clock.advance(minutes: 61)
            let later = try await ReadPathTests.currentPage(client, "/", as: chief)
            #expect(later.contains(ServerFixture.start.adding(minutes: 61).description))
        }
    }

    @Test func theEventStreamTellsTheCurrentStateUnlessTheClientHasIt() async throws {
        var fixture = try ServerFixture()
        fixture.configuration.eventStreamLifetime = .milliseconds(300)
        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let version = try JSONDecoder().decode(ChangesView.self, from: Data(try await client.call(.get, "/api/changes", as: chief).1.utf8)).version
            let fresh = try await client.execute(uri: "/api/events", method: .get, headers: chief.headers) { ($0.status, $0.headers, String(buffer: $0.body)) }
            #expect(fresh.0 == .ok)
            #expect(fresh.1[.contentType]?.hasPrefix("text/event-stream") == true)
            #expect(fresh.2.contains("id: \(version)\nevent: state\n"), "\(fresh.2)")
            var seen = chief.headers
            seen[HTTPField.Name("Last-Event-ID")!] = version
            let resumed = try await client.execute(uri: "/api/events", method: .get, headers: seen) { String(buffer: $0.body) }
            #expect(resumed.hasPrefix("retry: "))
            #expect(!resumed.contains("event: state"), "a client that has the state is not told it again: \(resumed)")
            let anonymous = try await client.execute(uri: "/api/events", method: .get, headers: [:]) { $0.status }
            #expect(anonymous == .unauthorized)
        }
    }

    @Test func theFeedIsBoundedPerSessionAndPerNodeAndFreesTheSlotOfAClientThatLeft() async throws {
        let fixture = try ServerFixture()
        var limits = ChangeFeed.Limits()
        limits.streamsMax = 10
        limits.streamsPerSessionMax = 3
        let feed = ChangeFeed(store: fixture.department.store, limits: limits)
        var held: [ChangeFeed.Listener] = []
        for _ in 0..<3 { held.append(try feed.listen(session: "a")) }
        #expect(throws: ChangeFeed.Refusal.sessionFull) { try feed.listen(session: "a") }
        for n in 0..<7 { held.append(try feed.listen(session: "s\(n)")) }
        #expect(throws: ChangeFeed.Refusal.nodeFull) { try feed.listen(session: "b") }
        #expect(feed.counts.open == 10 && feed.counts.refused == 2)
        // A client that drops mid-stream: its reader is cancelled, and the slot comes back.
        let dropped = held.removeFirst()
        let reader = Task { for await _ in dropped.wakes {} }
        reader.cancel()
        _ = await reader.value
        #expect(feed.counts.open == 9)
        _ = try feed.listen(session: "a")
        for listener in held { feed.close(listener.id) }
    }

    /// A client that stops reading: its socket buffers fill and a write never completes.
    /// The stream's watchdog closes the connection after `writeStallMax`, which fails the
    /// write, ends the stream and frees the slot.
    @Test(.timeLimit(.minutes(5))) func aStreamWhoseClientNeverReadsIsClosedAfterTheStallLimit() async throws {
        let fixture = try ServerFixture()
        var limits = ChangeFeed.Limits()
        limits.pollInterval = .milliseconds(5)
        limits.writeStallMax = .milliseconds(300)
        limits.writeStallCheckInterval = .milliseconds(20)
        let feed = ChangeFeed(store: fixture.department.store, limits: limits)
        let listener = try feed.listen(session: "a")
        let connection = StalledConnection()
        let started = ContinuousClock.now
        await #expect(throws: StalledConnection.Closed.self) {
            try await APIRoutes.streamEvents(listener, feed: feed, lastSeen: nil, write: { _ in try await connection.write() },
                                             close: { connection.close() }, logger: Logger(label: "test"))
        }
        let waited = ContinuousClock.now - started
        // No upper bound: under the whole suite on 2 cores the watchdog's task may wait
        // long for a thread; that it closes at all is the point (a hang ends the test at its time limit).
        #expect(connection.closes == 1 && waited >= .milliseconds(300), "closed after \(waited)")
        #expect(feed.counts.open == 0, "the slot is free again")

        // A client that reads is never cut off, however long it listens.
        let reading = try feed.listen(session: "b")
        let written = Mutex(0)
        let stream = Task {
            try await APIRoutes.streamEvents(reading, feed: feed, lastSeen: nil, write: { _ in written.withLock { $0 += 1 } },
                                             close: { Issue.record("a reading client was closed") }, logger: Logger(label: "test"))
        }
        try await Task.sleep(for: .milliseconds(600))
        #expect(written.withLock { $0 } >= 1)
        feed.close(reading.id)
        try await stream.value
    }

    /// Graceful shutdown (SIGTERM) ends an open stream at once and frees its slot, so an
    /// open page never holds the node up until it is killed.
    @Test(.timeLimit(.minutes(2))) func aGracefulShutdownEndsAnOpenStream() async throws {
        let fixture = try ServerFixture()
        var limits = ChangeFeed.Limits()
        limits.pollInterval = .milliseconds(5)
        let feed = ChangeFeed(store: fixture.department.store, limits: limits)
        let listener = try feed.listen(session: "a")
        let written = WriteCount()
        try await testGracefulShutdown { shutdown in
            let stream = Task {
                try await APIRoutes.streamEventsUntilShutdown(listener, feed: feed, lastSeen: nil, write: { _ in written.count.withLock { $0 += 1 } },
                                                              close: {}, logger: Logger(label: "test"))
            }
            while written.count.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(feed.counts.open == 1)
            shutdown.triggerGracefulShutdown()
            try await stream.value
            #expect(feed.counts.open == 0, "the slot is free")
        }
    }

    @Test func everyCommitWakesAListenerWithTheNewState() async throws {
        let fixture = try ServerFixture()
        var limits = ChangeFeed.Limits()
        limits.pollInterval = .milliseconds(5)
        let feed = ChangeFeed(store: fixture.department.store, limits: limits)
        let listener = try feed.listen(session: "a")
        var wakes = listener.wakes.makeAsyncIterator()
        _ = await wakes.next()
        let first = try #require(feed.latest)
        _ = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .network,
                                                           description: "断网"), by: Acting("E101", at: ServerFixture.start))
        let wake = await wakes.next()
        #expect(wake == .moved)
        let second = try #require(feed.latest)
        #expect(second.batches == first.batches + 1 && second.digest != first.digest)
        feed.close(listener.id)
    }
}

/// Views are cached by the entities they read: a ticket leaves the roster's view alone,
/// a roster change recomputes it.
@Suite struct ViewInvalidationTests {
    @Test func aTicketTouchesTicketsOnlyAndARosterPublishShowsOnTheNextRosterPage() async throws {
        let fixture = try ServerFixture()
        let store = fixture.department.store
        let before = try store.readState()
        _ = try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .network,
                                                           description: "断网"), by: Acting("E101", at: ServerFixture.start))
        let after = try store.readState()
        #expect(after.touches(of: ViewReads.duty) == before.touches(of: ViewReads.duty), "a ticket does not touch the roster's entities")
        #expect(after.touches(of: ViewReads.assets) == before.touches(of: ViewReads.assets))
        #expect(after.touches(of: [DomainSchema.ticket.id])[0] == before.touches(of: [DomainSchema.ticket.id])[0] + 1)

        try await fixture.application().test(.router) { client in
            let chief = try await client.signIn("chief")
            let empty = try await client.page("/roster?campus=EAST&month=2026-03", as: chief)
            #expect(empty.0 == .ok)
            _ = try fixture.department.publishRoster(campus: "EAST", month: LocalMonth(year: 2026, month: 3)!, seed: 7,
                                                     by: Acting("E001", at: ServerFixture.start))
            let published = try await client.page("/roster?campus=EAST&month=2026-03", as: chief)
            #expect(published.2 != empty.2, "the roster view moved with the publish")
            let seats = try fixture.department.roster(campus: "EAST", month: LocalMonth(year: 2026, month: 3)!)
            let someone = try #require(seats.compactMap(\.assignee).first)
            let name = try #require(try fixture.department.person(someone)).name
            #expect(published.2.contains(name))
        }
    }
}

/// A connection whose writes never complete until it is closed (the client stopped
/// reading; the kernel's buffers are full), as NIO fails a pending write on close.
final class StalledConnection: Sendable {
    struct Closed: Error {}
    private let state = Mutex<(waiting: [CheckedContinuation<Void, any Error>], closed: Bool, closes: Int)>(([], false, 0))

    var closes: Int { state.withLock { $0.closes } }

    func write() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let closed = state.withLock { s -> Bool in
                if !s.closed { s.waiting.append(continuation) }
                return s.closed
            }
            if closed { continuation.resume(throwing: Closed()) }
        }
    }

    func close() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.closed = true
            s.closes += 1
            defer { s.waiting = [] }
            return s.waiting
        }
        for continuation in waiting { continuation.resume(throwing: Closed()) }
    }
}

/// How many writes a stream made.
final class WriteCount: Sendable {
    let count = Mutex(0)
}
