import Foundation
import Logging
import Replica
import Security
import Storage
import Testing
@testable import Node

/// The rebuild transfer without sockets: the exporter on its own thread behind the
/// credit gate, the receiver's flow control, every part through the envelope codec.
@Suite struct SnapshotTransferTests {
    static let logger = Logger(label: "transfer-test")

    /// A one-slot-per-part mailbox between the export thread and the test.
    final class Mailbox: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [[UInt8]] = []
        private var done = false
        func put(_ bytes: [UInt8]) { condition.withLock { queue.append(bytes); condition.broadcast() } }
        func close() { condition.withLock { done = true; condition.broadcast() } }
        func take() -> [UInt8]? {
            condition.withLock {
                while queue.isEmpty && !done { condition.wait() }
                return queue.isEmpty ? nil : queue.removeFirst()
            }
        }
        var inFlight: Int { condition.withLock { queue.count } }
    }

    @Test func aSnapshotStreamsUnderCreditAndInstallsToTheSameDigest() throws {
        let source = SigningIdentity()
        let target = SigningIdentity()
        let ring = KeyRing([source.publicKey, target.publicKey])
        let a = try ReplicaStore.inMemory(schema: NodeSchema.current, signer: source, verifier: ring, hasher: Blake2b(),
                                          clock: SystemClock(), logger: Self.logger)
        // Enough rows for many parts: each note is a few hundred bytes.
        _ = try DutyLogLoad.write(into: a, campus: "EAST", count: 30_000, perBatch: 500,
                                  text: { String(repeating: "x", count: 400) + "\($0)" })
        let mailbox = Mailbox()
        var flow = SnapshotReceiveFlow()
        let gate = SnapshotCreditGate(initial: flow.initialCredit)
        let exported = Thread {
            _ = try? a.exportSnapshot { part in
                try gate.take()
                mailbox.put(NodeEnvelope.snapshotPart(part).encoded())
            }
            mailbox.close()
        }
        exported.start()
        var received: [[UInt8]] = []
        var maxInFlight = 0
        while let bytes = mailbox.take() {
            maxInFlight = max(maxInFlight, mailbox.inFlight + 1)
            guard case let .snapshotPart(part) = try NodeEnvelope.decode(bytes) else { Issue.record("not a part"); return }
            try flow.received(part)
            received.append(part)
            if let grant = flow.stored() {
                // Through the codec, as the credit message would travel.
                guard case let .snapshotCredit(n) = try NodeEnvelope.decode(NodeEnvelope.snapshotCredit(grant).encoded()) else { return }
                gate.grant(n)
            }
            if flow.finished { break }
        }
        #expect(flow.finished)
        #expect(received.count > Int(SnapshotTransfer.windowParts), "the test must need more than one window")
        #expect(maxInFlight <= Int(SnapshotTransfer.windowParts))
        let b = try ReplicaStore.inMemory(schema: NodeSchema.current, signer: target, verifier: ring, hasher: Blake2b(),
                                          clock: SystemClock(), logger: Self.logger)
        var iterator = received.makeIterator()
        try b.installSnapshot(expectedSource: source.site) { iterator.next() }
        #expect(try b.stateDigest() == a.stateDigest())
        #expect(try b.logFloor() == a.versionVector())
    }

    @Test func aPartBeyondTheCreditIsAViolation() throws {
        var flow = SnapshotReceiveFlow()
        for _ in 0..<flow.initialCredit { try flow.received([2, 0, 0]) }
        #expect(throws: SnapshotReceiveFlow.Violation.beyondCredit) { try flow.received([2, 0, 0]) }
        var finished = SnapshotReceiveFlow()
        try finished.received([3])
        #expect(throws: SnapshotReceiveFlow.Violation.afterTrailer) { try finished.received([2, 0, 0]) }
    }

    @Test func snapshotEnvelopesRoundTripAndBadOnesAreTypedErrors() throws {
        for envelope in [NodeEnvelope.snapshotRequest(credit: 16), .snapshotCredit(8), .snapshotPart([1, 2, 3]), .snapshotRefused("busy")] {
            #expect(try NodeEnvelope.decode(envelope.encoded()).encoded() == envelope.encoded())
        }
        #expect(throws: NodeEnvelope.Failure.self) { try NodeEnvelope.decode([NodeEnvelope.snapshotCreditKind, 1, 2]) }
        #expect(throws: NodeEnvelope.Failure.self) { try NodeEnvelope.decode([NodeEnvelope.snapshotPartKind]) }
        #expect(throws: NodeEnvelope.Failure.self) {
            try NodeEnvelope.decode([NodeEnvelope.snapshotPartKind] + [UInt8](repeating: 0, count: SnapshotFormat.partBytesMax + 1))
        }
    }

    @Test func aServingNodeRefusesUnrequestedPartsFromAPeer() throws {
        let harness = try NodeHarness()
        try harness.deliverRaw(NodeEnvelope.snapshotPart([2, 0, 0]).encoded(), from: harness.peer.site)
        #expect(harness.refusals["protocol_violation"] == 1)
    }
}
