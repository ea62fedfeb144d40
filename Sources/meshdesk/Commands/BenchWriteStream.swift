import Domain
import Foundation
import Logging
import Node
import Replica
import Security
import Storage
import Synchronization

/// The writes `meshdesk bench http` lands while it measures, as a busy morning does:
/// tickets opened at MAIN and moved through their steps (assign, start, resolve, close),
/// each step one local batch; and tickets opened at EAST on a second replica, whose
/// batches arrive here through intake as a peer's would. Steps alternate between the
/// two at `batchesPerSecond`; the time each commit returned is kept by the batch count
/// it produced, so the event fan-out can tell commit-to-event latency.
final class BenchWriteStream: Sendable {
    /// Everything measured, for the figures.
    struct Outcome: Sendable {
        var localBatches = 0
        var remoteBatches = 0
        var failures = 0
        var seconds = 0.0
        /// batch count of the replica after a commit → when the commit returned.
        var committedAt: [UInt64: ContinuousClock.Instant] = [:]
    }

    let department: Department
    let peer: Department
    let peerOrigin: Origin
    let now: LocalDateTime
    let batchesPerSecond: Double
    private let outcome = Mutex(Outcome())

    /// A second replica, with its own signing identity, holding the demo department (the
    /// local origin's batches up to `upTo`), so it can open tickets as EAST's node would.
    /// The peer's identity: the bench's replica must hold its key to accept its batches.
    static func peerIdentity() throws -> SigningIdentity { try SigningIdentity(seed: [UInt8](repeating: 8, count: 32)) }

    init(department: Department, localKey: PublicKey, demoUpTo upTo: UInt64, now: LocalDateTime, batchesPerSecond: Double,
         logger: Logger) throws {
        let local = department.store
        let localOrigin = try local.currentOrigin()
        let peerIdentity = try Self.peerIdentity()
        let peerStore = try ReplicaStore.inMemory(schema: NodeSchema.current, signer: peerIdentity,
                                                  verifier: KeyRing([peerIdentity.publicKey, localKey]), hasher: Blake2b(),
                                                  clock: SystemClock(), logger: logger)
        var seq: UInt64 = 1
        while seq <= upTo {
            let chunk = try local.batches(of: localOrigin, from: seq).filter { $0.header.seq <= upTo }
            guard !chunk.isEmpty else { break }
            for batch in chunk { _ = try peerStore.receive(batch) }
            seq = chunk[chunk.count - 1].header.seq + 1
        }
        self.department = department
        self.peer = Department(store: peerStore)
        self.peerOrigin = try peerStore.currentOrigin()
        self.now = now
        self.batchesPerSecond = batchesPerSecond
    }

    var result: Outcome { outcome.withLock { $0 } }

    /// Writes until `stop` or cancellation; each failure is counted (and the run says so), none ends it.
    func run(until stop: ContinuousClock.Instant) async throws {
        let start = ContinuousClock.now
        defer { outcome.withLock { $0.seconds = BenchDomain.millis(ContinuousClock.now - start) / 1_000 } }
        let interval = Duration.seconds(1 / batchesPerSecond)
        var next = start
        var step = 0
        var moving: [String] = []
        var peerSent: UInt64 = try peer.store.versionVector()[peerOrigin]
        while ContinuousClock.now < stop {
            do {
                if step % 2 == 0 {
                    try writeLocal(step: step / 2, moving: &moving)
                } else {
                    try writeRemote(step: step / 2, sent: &peerSent)
                }
            } catch {
                outcome.withLock { $0.failures += 1 }
            }
            step += 1
            next += interval
            let wait = next - ContinuousClock.now
            // Cancelled when the load is done: the stream ends there.
            if wait > .zero { do { try await Task.sleep(for: wait) } catch { return } }
        }
    }

    /// One step at MAIN: a new ticket every fifth, else the oldest moving one a step on.
    private func writeLocal(step: Int, moving: inout [String]) throws {
        let acting = Acting("M0004", at: now)
        if step % 5 == 0 || moving.isEmpty {
            let opened = try department.openTicket(BenchDomain.intake(campus: "MAIN", 900_000 + step), by: acting)
            moving.append(opened.number)
        } else {
            let number = moving[0]
            switch try department.ticket(number).state {
            case .new: _ = try department.assignTicket(number, to: "M0101", by: acting)
            case .assigned: _ = try department.startTicket(number, by: Acting("M0101", at: now))
            case .inProgress: _ = try department.resolveTicket(number, rootCause: "基准", improvement: "无", by: Acting("M0101", at: now))
            default:
                _ = try department.closeTicket(number, by: acting)
                moving.removeFirst()
            }
        }
        try noteCommit(local: true)
    }

    /// One step at EAST's replica: a ticket opened there, its batch received here.
    private func writeRemote(step: Int, sent: inout UInt64) throws {
        _ = try peer.openTicket(BenchDomain.intake(campus: "EAST", 950_000 + step), by: Acting("E0004", at: now))
        for batch in try peer.store.batches(of: peerOrigin, from: sent + 1) {
            _ = try department.store.receive(batch)
            sent = batch.header.seq
        }
        try noteCommit(local: false)
    }

    private func noteCommit(local: Bool) throws {
        let batches = try department.store.versionVector().batchCount
        let at = ContinuousClock.now
        outcome.withLock { o in
            if local { o.localBatches += 1 } else { o.remoteBatches += 1 }
            o.committedAt[batches] = at
        }
    }
}

