import Foundation
import Logging
import Replica
import ReplicaSync
import Security
import Storage
import Sync

/// Test time for the stores, set by the cluster as it steps.
final class LoopbackClock: PhysicalClock, @unchecked Sendable {
    // @unchecked: the cluster runs on one thread; the lock keeps the type honest anyway.
    private let lock = NSLock()
    private var millis: UInt64 = 1_780_000_000_000
    func nowMillis() -> UInt64 { lock.withLock { millis } }
    func set(_ value: UInt64) { lock.withLock { millis = value } }
}

enum LoopbackSchema {
    static let ticket = EntitySchema(id: 1, name: "ticket", fields: [
        FieldSchema(id: 1, name: "title", kind: .register, type: .text),
        FieldSchema(id: 2, name: "assignee", kind: .surfacedRegister, type: .text),
        FieldSchema(id: 3, name: "spares", kind: .counter, type: .integer),
        FieldSchema(id: 4, name: "tags", kind: .addWinsSet, type: .text),
        FieldSchema(id: 5, name: "timeline", kind: .log, type: .text),
    ])
    static let v1 = Schema(version: 1, entities: [ticket])
}

/// SyncCores wired by hand: every message is encoded, delivered after a fixed delay
/// and decoded, timers fire in time order. No sockets, no threads.
final class LoopbackCluster {
    enum Event {
        case deliver(from: SiteID, to: SiteID, bytes: [UInt8])
        case timer(SiteID, SyncTimer)
    }

    static let deliveryDelayMillis: UInt64 = 5
    static let eventsMax = 1_000_000

    let clock = LoopbackClock()
    let base: UInt64 = 1_780_000_000_000
    private(set) var cores: [SiteID: SyncCore] = [:]
    private(set) var sites: [SiteID] = []
    private(set) var now = Instant.zero
    private var events: [(at: Instant, order: UInt64, event: Event)] = []
    private var order: UInt64 = 0
    private var antiEntropyTickAt: [SiteID: Instant] = [:]
    private(set) var divergences = 0
    private(set) var refusedBatches = 0
    /// Every `snapshotNeeded` a core reported: (who, told by whom, origin, floor).
    private(set) var snapshotsNeeded: [(site: SiteID, peer: SiteID, origin: Origin, floor: UInt64)] = []
    /// Links that drop everything (a cut).
    var cut: Set<[SiteID]> = []

    init(count: Int, seed: UInt64) throws {
        let identities = try (0..<count).map { i in
            try SigningIdentity(seed: [UInt8](repeating: UInt8(i + 1), count: 32))
        }
        let ring = KeyRing(identities.map(\.publicKey))
        let roster = Set(identities.map(\.site))
        sites = identities.map(\.site).sorted()
        let logger = Logger(label: "loopback", factory: { _ in SwiftLogNoOpLogHandler() })
        for (i, identity) in identities.enumerated() {
            let store = try ReplicaStore.inMemory(schema: LoopbackSchema.v1, signer: identity, verifier: ring,
                                                  hasher: Blake2b(), clock: clock, logger: logger)
            let seeds = identities.filter { $0.site != identity.site }.map { SeedPeer(site: $0.site, address: "node-\($0.site)") }
            let membership = MembershipConfig(site: identity.site, address: "node-\(identity.site)", seeds: seeds)
            var antiEntropy = AntiEntropyConfig(site: identity.site)
            antiEntropy.stateDigestIntervalMillis = 5_000
            cores[identity.site] = try SyncCore(store: store, membershipConfig: membership, antiEntropyConfig: antiEntropy,
                                                isOnRoster: { roster.contains($0) }, seed: seed &+ UInt64(i),
                                                stateDigestRefreshMillis: 1_000)
        }
        for site in sites { handle(cores[site]!.start(now: now), at: site) }
    }

    func core(_ index: Int) -> SyncCore { cores[sites[index]]! }

    /// A local write at node `index`, committed and pushed.
    func write(at index: Int, _ body: (WriteTransaction) throws -> Void) throws {
        let core = self.core(index)
        guard let receipt = try core.store.write(body).receipt else { return }
        handle(core.onLocalCommit(receipt.batch, now: now), at: core.site)
    }

    func run(forMillis duration: UInt64) {
        let end = now.advanced(byMillis: duration)
        var steps = 0
        while let index = events.indices.min(by: { (events[$0].at, events[$0].order) < (events[$1].at, events[$1].order) }),
              events[index].at <= end {
            steps += 1
            precondition(steps < Self.eventsMax, "event loop did not settle")
            let (at, _, event) = events.remove(at: index)
            now = at
            clock.set(base + at.millis)
            switch event {
            case let .deliver(from, to, bytes):
                guard let message = try? SyncMessage.decode(bytes) else { continue }
                handle(cores[to]!.onMessage(message, from: from, now: now), at: to)
            case let .timer(site, timer):
                if timer == .antiEntropyTick, antiEntropyTickAt[site] != at { continue }
                handle(cores[site]!.onTimer(timer, now: now), at: site)
            }
        }
        now = end
        clock.set(base + end.millis)
    }

    private func handle(_ outputs: [SyncOutput], at site: SiteID) {
        for output in outputs {
            switch output {
            case let .send(message, to, _):
                guard !cut.contains([site, to]) else { continue }
                enqueue(.deliver(from: site, to: to, bytes: message.encoded()),
                        at: now.advanced(byMillis: Self.deliveryDelayMillis))
            case let .schedule(timer, at):
                if timer == .antiEntropyTick { antiEntropyTickAt[site] = at }
                enqueue(.timer(site, timer), at: at)
            case .stateDivergence:
                divergences += 1
            case .batchRefused:
                refusedBatches += 1
            case let .snapshotNeeded(peer, origin, floor):
                snapshotsNeeded.append((site, peer, origin, floor))
            case .memberStatusChanged, .refused, .protocolViolation:
                break
            }
        }
    }

    private func enqueue(_ event: Event, at: Instant) {
        order += 1
        events.append((at, order, event))
    }
}
