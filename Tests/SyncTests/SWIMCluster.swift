import Replica
@testable import Sync

/// Several `Membership` machines on one simulated network and clock, stepped on one
/// thread in time order. Messages travel encoded (so the codec is exercised), take
/// `delayMillis`, and vanish across a cut link or to a crashed node.
struct SWIMCluster {
    struct Link: Hashable { let from: SiteID, to: SiteID }
    enum Event { case deliver(from: SiteID, to: SiteID, bytes: [UInt8]), timer(SiteID, MembershipTimer) }

    var nodes: [SiteID: Membership] = [:]
    var crashed: Set<SiteID> = []
    var cutLinks: Set<Link> = []
    var now = Instant.zero
    var delayMillis: UInt64 = 10
    /// Every directive, in order, as text: the replay trace.
    var trace: [String] = []
    var sent: [(from: SiteID, to: SiteID, message: SyncMessage)] = []
    private var queue: [(at: Instant, order: Int, event: Event)] = []
    private var order = 0

    init(sites: [SiteID], seedsOf: (SiteID) -> [SiteID], roster: Set<SiteID>, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for s in sites {
            let config = MembershipConfig(site: s, address: "node-\(s.rawValue)",
                                          seeds: seedsOf(s).map { SeedPeer(site: $0, address: "node-\($0.rawValue)") })
            nodes[s] = Membership(config: config, isOnRoster: { roster.contains($0) }, random: random.split())
        }
        for s in sites.sorted() { handle(s, nodes[s]!.start(now: now)) }
    }

    func status(of target: SiteID, seenBy observer: SiteID) -> MemberStatus? { nodes[observer]?.member(target)?.status }

    mutating func cut(_ a: SiteID, _ b: SiteID) {
        cutLinks.insert(Link(from: a, to: b))
        cutLinks.insert(Link(from: b, to: a))
    }

    mutating func run(forMillis millis: UInt64) {
        let end = now.advanced(byMillis: millis)
        while let next = queue.indices.min(by: { (queue[$0].at, queue[$0].order) < (queue[$1].at, queue[$1].order) }),
              queue[next].at <= end {
            let (at, _, event) = queue.remove(at: next)
            now = at
            switch event {
            case let .deliver(from, to, bytes):
                guard !crashed.contains(to), var node = nodes[to] else { continue }
                let message = try! SyncMessage.decode(bytes)
                let out: [MembershipDirective]
                switch message {
                case let .ping(p): out = node.onPing(p, from: from, now: now)
                case let .ack(a): out = node.onAck(a, from: from, now: now)
                case let .pingRequest(r): out = node.onPingRequest(r, from: from, now: now)
                default: preconditionFailure("not a membership message")
                }
                nodes[to] = node
                handle(to, out)
            case let .timer(s, timer):
                guard !crashed.contains(s) else { continue }
                let out = nodes[s]!.onTimeout(timer, now: now)
                handle(s, out)
            }
        }
        now = end
    }

    private mutating func handle(_ s: SiteID, _ directives: [MembershipDirective]) {
        for directive in directives {
            trace.append("\(now) \(s) \(directive)")
            switch directive {
            case let .send(message, to, _):
                sent.append((s, to, message))
                guard !cutLinks.contains(Link(from: s, to: to)) else { continue }
                enqueue(at: now.advanced(byMillis: delayMillis), .deliver(from: s, to: to, bytes: message.encoded()))
            case let .scheduleTimer(timer, at):
                enqueue(at: at, .timer(s, timer))
            case .memberStatusChanged, .refused:
                break
            }
        }
    }

    private mutating func enqueue(at: Instant, _ event: Event) {
        queue.append((at, order, event))
        order += 1
    }
}
