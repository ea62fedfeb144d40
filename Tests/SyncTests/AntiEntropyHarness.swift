import Testing
import Replica
@testable import Sync

/// Anti-entropy machines wired to in-memory replicas. Messages travel encoded; loads
/// are served at once; applies are deferred until the network is idle, which keeps
/// senders pressing against the credit window. The harness audits credit on the wire
/// independently of the machines.
struct AntiEntropyHarness {
    struct Link: Hashable { let sender: SiteID, receiver: SiteID }

    var nodes: [SiteID: AntiEntropy] = [:]
    var stores: [SiteID: FakeReplica] = [:]
    var now = Instant.zero
    var trace: [String] = []
    var violations: [String] = []
    var divergences: [(at: SiteID, peer: SiteID)] = []
    var chunksSent = 0
    /// The most batches and charged bytes handed to one store and not yet applied.
    var maxUnappliedBatches = 0
    var maxUnappliedBytes = 0
    /// Credit left per sender → receiver, as granted and spent on the wire.
    private(set) var wireCredit: [Link: (batches: Int64, bytes: Int64)] = [:]
    private var messages: [(from: SiteID, to: SiteID, bytes: [UInt8])] = []
    private var applies: [(site: SiteID, batches: [SealedBatch], ticket: ApplyTicket)] = []
    let config: (SiteID) -> AntiEntropyConfig

    init(stores: [SiteID: FakeReplica], seed: UInt64, config: @escaping (SiteID) -> AntiEntropyConfig) {
        self.config = config
        self.stores = stores
        var random = SplitMix64(seed: seed)
        let sites = stores.keys.sorted()
        for s in sites {
            var node = AntiEntropy(config: config(s), localVector: stores[s]!.vector, isOnRoster: { sites.contains($0) },
                                   random: random.split())
            _ = node.start(now: now)
            for other in sites where other != s { node.onMemberStatusChanged(other, status: .alive) }
            nodes[s] = node
        }
    }

    mutating func tickAll(advancingMillis millis: UInt64) {
        now = now.advanced(byMillis: millis)
        for s in nodes.keys.sorted() { handle(s, nodes[s]!.onTick(now: now)) }
        drain()
    }

    mutating func deliver(_ directives: [AntiEntropyDirective], from s: SiteID) {
        handle(s, directives)
        drain()
    }

    mutating func drain() {
        while true {
            if !messages.isEmpty {
                let (from, to, bytes) = messages.removeFirst()
                let message = try! SyncMessage.decode(bytes)
                handle(to, nodes[to]!.onMessage(message, from: from, now: now))
            } else if !applies.isEmpty {
                let (s, batches, ticket) = applies.removeFirst()
                for batch in batches { stores[s]!.append(batch) }
                handle(s, nodes[s]!.onApplied(ticket, vector: stores[s]!.vector, now: now))
            } else {
                return
            }
        }
    }

    private mutating func handle(_ s: SiteID, _ directives: [AntiEntropyDirective]) {
        for directive in directives {
            trace.append("\(now) \(s) \(directive)")
            switch directive {
            case let .send(message, to):
                audit(message, from: s, to: to)
                messages.append((s, to, message.encoded()))
            case let .loadBatches(request):
                let loaded = stores[s]!.load(request)
                handle(s, nodes[s]!.onBatchesLoaded(loaded, for: request.id, now: now))
            case let .applyBatches(batches, _, ticket):
                applies.append((s, batches, ticket))
                let waiting = applies.filter { $0.site == s }.flatMap(\.batches)
                let chunkBytesMax = config(s).chunkBytesMax
                maxUnappliedBatches = max(maxUnappliedBatches, waiting.count)
                maxUnappliedBytes = max(maxUnappliedBytes,
                                        waiting.reduce(0) { $0 + Int(BatchCharge.bytes($1, chunkBytesMax: chunkBytesMax)) })
            case let .stateDivergence(peer):
                divergences.append((s, peer))
            case let .protocolViolation(peer, reason):
                violations.append("\(s) ← \(peer): \(reason)")
            case let .snapshotNeeded(peer, origin, floor):
                violations.append("\(s) told by \(peer) that \(origin) is compacted through #\(floor): fake replicas never compact")
            case .refused, .scheduleTick:
                break
            }
        }
    }

    private mutating func audit(_ message: SyncMessage, from sender: SiteID, to receiver: SiteID) {
        switch message {
        case let .batchRequest(request):
            // The requester grants credit to the peer that will send.
            wireCredit[Link(sender: receiver, receiver: sender)] = (Int64(request.creditBatches), Int64(request.creditBytes))
        case let .credit(credit):
            let link = Link(sender: receiver, receiver: sender)
            let held = wireCredit[link] ?? (0, 0)
            wireCredit[link] = (held.batches + Int64(credit.batches), held.bytes + Int64(credit.bytes))
        case let .batches(chunk):
            chunksSent += 1
            let link = Link(sender: sender, receiver: receiver)
            let chunkBytesMax = config(sender).chunkBytesMax
            let charged = chunk.batches.reduce(Int64(0)) { $0 + Int64(BatchCharge.bytes($1, chunkBytesMax: chunkBytesMax)) }
            let held = wireCredit[link] ?? (0, 0)
            let left = (batches: held.batches - Int64(chunk.batches.count), bytes: held.bytes - charged)
            #expect(left.batches >= 0 && left.bytes >= 0, "\(sender) sent beyond credit to \(receiver): \(left)")
            #expect(chunk.batches.count <= config(sender).chunkBatchesMax)
            #expect(charged <= Int64(chunkBytesMax))
            wireCredit[link] = left
        default:
            break
        }
    }
}
