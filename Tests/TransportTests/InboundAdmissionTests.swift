import Foundation
import InMemoryLogging
import Logging
import NIOCore
import NIOPosix
import Security
import Testing
@testable import Transport

/// The sync listener against connection floods: `InboundAdmission` driven with `now`,
/// then a real listener churned with many connections, its log lines counted.
@Suite struct InboundAdmissionTests {
    @Test func theOpenConnectionCapHoldsAndFreesOnClose() {
        var limits = InboundAdmission.Limits()
        limits.inboundConnectionsMax = 3
        limits.acceptsPerSourceBurst = 100
        var admission = InboundAdmission(limits: limits)
        for i in 0..<3 { #expect(admission.onAccept(source: "10.0.0.\(i)", now: 0).0 == .admit) }
        #expect(admission.onAccept(source: "10.0.0.9", now: 0).0 == .refuse(.inboundConnectionsMax))
        admission.onClose()
        #expect(admission.onAccept(source: "10.0.0.9", now: 1).0 == .admit)
        #expect(admission.open == 3)
    }

    @Test func oneSourceGetsItsBurstThenItsRate() {
        var admission = InboundAdmission(limits: InboundAdmission.Limits())
        var admitted = 0
        // 10,000 connections from one address over 60 s, each closed at once.
        for i in 0..<10_000 {
            let now = UInt64(i) * 6
            if admission.onAccept(source: "192.0.2.7", now: now).0 == .admit { admitted += 1; admission.onClose() }
        }
        // A burst of 8, then 2 a second for 60 s.
        #expect(admitted >= 127 && admitted <= 129, "admitted \(admitted)")
        // Another address is not held up by the flood.
        #expect(admission.onAccept(source: "10.0.0.2", now: 60_000).0 == .admit)
    }

    @Test func refusalsAreSummarisedOncePerWindowWithTheirSources() {
        var admission = InboundAdmission(limits: InboundAdmission.Limits())
        var summaries: [InboundAdmission.RefusalSummary] = []
        var admitted = 0
        for i in 0..<10_000 {
            let source = i % 10 == 0 ? "198.51.100.\(i % 7)" : "192.0.2.7"
            let (decision, summary) = admission.onAccept(source: source, now: UInt64(i) * 6)
            if decision == .admit { admitted += 1; admission.onClose() }
            if let summary { summaries.append(summary) }
        }
        if let last = admission.onTick(now: 70_000) { summaries.append(last) }
        #expect(summaries.count <= 7, "\(summaries.count) lines for 60 s")
        #expect(summaries.first?.topSources.first?.address == "192.0.2.7")
        let refused = summaries.map(\.refused).reduce(0, +)
        #expect(refused == 10_000 - admitted, "every refusal is counted in some summary")
        // The flooding address alone is refused all but about 128 of its 9,000 attempts.
        #expect(refused > 8_800)
        #expect(admission.onTick(now: 90_000) == nil, "nothing more to say")
    }

    @Test func theSourceTableIsBounded() {
        var limits = InboundAdmission.Limits()
        limits.sourcesMax = 50
        var admission = InboundAdmission(limits: limits)
        for i in 0..<1_000 {
            if admission.onAccept(source: "s\(i)", now: UInt64(i)).0 == .admit { admission.onClose() }
        }
        #expect(admission.sourceCount <= 50)
    }

    /// 10,000 TCP connections opened and closed at once against a real listener: the log
    /// holds one summary per window and a warning per admitted (rate-limited) connection,
    /// not one per connection.
    @Test func churnedConnectionsWriteFewLogLines() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let handler = InMemoryLogHandler()
        var limits = InboundAdmission.Limits()
        limits.refusalLogWindowMillis = 1_000
        let endpoint = TransportEndpoint(group: group, identity: SigningIdentity(), networkKey: NetworkKey.generate(),
                                         admissionLimits: limits, logger: Logger(label: "churn", factory: { _ in handler }),
                                         isAllowed: { _ in true }, onEvent: { _ in })
        let server = try await endpoint.listen(host: "127.0.0.1", port: 0)
        let port = try #require(server.localAddress?.port)
        let connections = 3_000  // docs/security.md has the 10,000-connection run
        let started = ContinuousClock.now
        var connected = 0
        for batch in stride(from: 0, to: connections, by: 100) {
            let opened = try await withThrowingTaskGroup(of: Bool.self) { tasks in
                for _ in batch..<min(batch + 100, connections) {
                    tasks.addTask {
                        do {
                            let channel = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
                            try await channel.close()
                            return true
                        } catch {
                            return false  // refused before connect completed: counted, not an error of the test
                        }
                    }
                }
                var n = 0
                for try await ok in tasks where ok { n += 1 }
                return n
            }
            connected += opened
        }
        let seconds = Double(started.duration(to: .now).components.seconds)
        try await Task.sleep(for: .milliseconds(1_500))  // the last window's summary
        let entries = handler.entries
        let warnings = entries.filter { $0.level >= .warning }
        let summaries = warnings.filter { $0.message.description == "inbound connections refused" }
        let refused = summaries.compactMap { $0.metadata["refused"].flatMap { Int($0.description) } }.reduce(0, +)
        print("churn figures: \(connections) connections (\(connected) connected) in \(seconds) s; log lines \(entries.count), warnings \(warnings.count), refusal summaries \(summaries.count) covering \(refused) refusals; open after \(endpoint.inboundOpen)")
        #expect(refused > connections / 2, "most churned connections are refused")
        #expect(summaries.allSatisfy { $0.metadata["top_sources"]?.description.hasPrefix("127.0.0.1=") == true })
        #expect(warnings.count < connections / 20, "\(warnings.count) warning lines for \(connections) connections")
        try await server.close()
        try await group.shutdownGracefully()
    }
}
