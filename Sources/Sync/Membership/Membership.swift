import Replica

/// SWIM failure detection and membership (Das, Gupta & Motivala 2002), as an I/O-free
/// state machine: events in, `MembershipDirective`s out. Unlike the usual shells around
/// SWIM it reads neither a clock nor the system random source, so a run replays from
/// its seed.
///
/// Each protocol period one member is probed, in a freshly shuffled round-robin order.
/// A silent member is probed indirectly through `indirectProbeCount` peers, then
/// suspected, then declared dead after `suspicionTimeoutMillis` unless it refutes by
/// raising its incarnation. Updates spread by piggybacking on pings and acks, topped up
/// with random known members (peer exchange) so a joiner learns the whole cluster.
public struct Membership: Sendable {
    public let config: MembershipConfig
    private let isOnRoster: RosterCheck
    private var random: SplitMix64

    /// This node's incarnation: raised only to refute a suspicion about itself.
    public private(set) var incarnation: UInt64 = 0
    private var table: [SiteID: Member] = [:]
    /// Pending dissemination: member → how often its current record has been sent.
    private var transmissions: [SiteID: Int] = [:]
    private var probeOrder: [SiteID] = []
    private var probe: ProbeState = .idle
    private var relays: [UInt64: Relay] = [:]
    private var nextSeq: UInt64 = 1
    private var periodsSinceGreeting = 0
    private var started = false

    enum ProbeState: Hashable, Sendable {
        case idle
        case awaitingAck(target: SiteID, seq: UInt64)
        case awaitingIndirectAck(target: SiteID, seq: UInt64)
    }

    /// An indirect probe this node runs on behalf of `requester`.
    struct Relay: Hashable, Sendable {
        let requester: SiteID
        let requesterSeq: UInt64
        let target: SiteID
    }

    public init(config: MembershipConfig, isOnRoster: @escaping RosterCheck, random: SplitMix64) {
        config.validate()
        self.config = config
        self.isOnRoster = isOnRoster
        self.random = random
    }

    // MARK: - Queries

    public var members: [Member] { table.values.sorted { $0.site < $1.site } }
    public func member(_ site: SiteID) -> Member? { table[site] }
    /// Members currently believed reachable (alive only; suspects are not chosen for work).
    public var aliveMembers: [SiteID] { table.values.filter { $0.status == .alive }.map(\.site).sorted() }

    // MARK: - Events

    /// Admits the seed peers, greets them with a ping each, and starts the protocol period.
    public mutating func start(now: Instant) -> [MembershipDirective] {
        precondition(!started, "membership started twice")
        started = true
        var out: [MembershipDirective] = []
        transmissions[config.site] = 0
        for seed in config.seeds where seed.site != config.site {
            out += apply(MemberUpdate(site: seed.site, address: seed.address, incarnation: 0, status: .alive), now: now)
        }
        for site in table.keys.sorted() { out += sendPing(to: site, seq: takeSeq()) }
        out.append(.scheduleTimer(.protocolPeriod, at: now.advanced(byMillis: config.probeIntervalMillis)))
        return out
    }

    /// The protocol period: finish any probe that overran, then probe the next member.
    public mutating func onTick(now: Instant) -> [MembershipDirective] {
        precondition(started, "membership not started")
        var out: [MembershipDirective] = []
        switch probe {
        case .idle: break
        case let .awaitingAck(target, _), let .awaitingIndirectAck(target, _):
            probe = .idle
            out += suspect(target, now: now)
        }
        if let target = nextProbeTarget() {
            let seq = takeSeq()
            probe = .awaitingAck(target: target, seq: seq)
            out += sendPing(to: target, seq: seq)
            out.append(.scheduleTimer(.directProbeTimeout(seq: seq), at: now.advanced(byMillis: config.pingTimeoutMillis)))
        } else {
            out += rejoinThroughASeed()
        }
        periodsSinceGreeting += 1
        if periodsSinceGreeting >= config.deadMemberGreetingPeriods {
            periodsSinceGreeting = 0
            out += greetADeadMember()
        }
        out.append(.scheduleTimer(.protocolPeriod, at: now.advanced(byMillis: config.probeIntervalMillis)))
        return out
    }

    public mutating func onTimeout(_ timer: MembershipTimer, now: Instant) -> [MembershipDirective] {
        switch timer {
        case .protocolPeriod:
            return onTick(now: now)
        case let .directProbeTimeout(seq):
            guard case let .awaitingAck(target, current) = probe, current == seq else { return [] }
            return probeIndirectly(target, seq: seq, now: now)
        case let .indirectProbeTimeout(seq):
            guard case let .awaitingIndirectAck(target, current) = probe, current == seq else { return [] }
            probe = .idle
            return suspect(target, now: now)
        case let .suspicionTimeout(site, incarnation):
            guard let held = table[site], held.status == .suspect, held.incarnation == incarnation else { return [] }
            return apply(MemberUpdate(site: site, address: held.address, incarnation: incarnation, status: .dead), now: now)
        case let .relayTimeout(seq):
            // SWIM sends no negative answer: the requester's own timeout covers it.
            relays[seq] = nil
            return []
        }
    }

    public mutating func onPing(_ ping: Ping, from sender: SiteID, now: Instant) -> [MembershipDirective] {
        guard isOnRoster(sender), sender != config.site else { return [.refused(sender, .notOnRoster)] }
        var out = apply(MemberUpdate(site: sender, address: ping.address, incarnation: ping.incarnation, status: .alive),
                        now: now)
        out += apply(ping.updates, now: now)
        guard let address = table[sender]?.address else { return out } // refused at peersMax
        let ack = Ack(seq: ping.seq, target: config.site, incarnation: incarnation, updates: piggyback(about: sender))
        out.append(.send(.ack(ack), to: sender, address: address))
        return out
    }

    public mutating func onAck(_ ack: Ack, from sender: SiteID, now: Instant) -> [MembershipDirective] {
        guard isOnRoster(sender), sender != config.site else { return [.refused(sender, .notOnRoster)] }
        var out = apply(ack.updates, now: now)
        if let held = table[ack.target] {
            out += apply(MemberUpdate(site: ack.target, address: held.address, incarnation: ack.incarnation, status: .alive),
                         now: now)
        }
        switch probe {
        case let .awaitingAck(target, seq), let .awaitingIndirectAck(target, seq):
            if seq == ack.seq && target == ack.target { probe = .idle }
        case .idle: break
        }
        if let relay = relays.removeValue(forKey: ack.seq), relay.target == ack.target,
           let requester = table[relay.requester] {
            let forwarded = Ack(seq: relay.requesterSeq, target: relay.target, incarnation: ack.incarnation,
                                updates: piggyback(about: relay.requester))
            out.append(.send(.ack(forwarded), to: relay.requester, address: requester.address))
        }
        return out
    }

    public mutating func onPingRequest(_ request: PingRequest, from requester: SiteID, now: Instant) -> [MembershipDirective] {
        guard isOnRoster(requester), requester != config.site else { return [.refused(requester, .notOnRoster)] }
        guard isOnRoster(request.target) else { return [.refused(request.target, .notOnRoster)] }
        var out = apply(request.updates, now: now)
        guard table[requester] != nil else { return out + [.refused(requester, .unknownRequester)] }
        guard relays.count < config.relayedProbesMax else { return out + [.refused(requester, .relayedProbesMax)] }
        let seq = takeSeq()
        relays[seq] = Relay(requester: requester, requesterSeq: request.seq, target: request.target)
        let address = table[request.target]?.address ?? request.address
        let ping = Ping(seq: seq, incarnation: incarnation, address: config.address, updates: piggyback(about: request.target))
        out.append(.send(.ping(ping), to: request.target, address: address))
        out.append(.scheduleTimer(.relayTimeout(seq: seq), at: now.advanced(byMillis: config.pingTimeoutMillis)))
        return out
    }

    // MARK: - Probing

    private mutating func takeSeq() -> UInt64 {
        defer { nextSeq += 1 }
        return nextSeq
    }

    /// SWIM's randomised round-robin: every live member is probed once per shuffled
    /// round, which bounds the time to first detection.
    private mutating func nextProbeTarget() -> SiteID? {
        while true {
            if probeOrder.isEmpty {
                let candidates = table.values.filter { $0.status != .dead }.map(\.site).sorted()
                guard !candidates.isEmpty else { return nil }
                probeOrder = candidates.randomSample(candidates.count, using: &random)
            }
            let site = probeOrder.removeFirst()
            if let member = table[site], member.status != .dead { return site }
        }
    }

    /// With no member left to probe (all dead, e.g. after a long partition) this node
    /// would never speak again; greeting a seed lets either side learn that it is held
    /// dead and refute, so the cluster heals. The ping is not a probe: no timeout.
    private mutating func rejoinThroughASeed() -> [MembershipDirective] {
        let seeds = config.seeds.map(\.site).filter { $0 != config.site && table[$0] != nil }.sorted()
        guard let seed = seeds.randomSample(1, using: &random).first else { return [] }
        return sendPing(to: seed, seq: takeSeq())
    }

    /// Two sides of a healed partition that each still have live members hold each other
    /// dead and never probe the dead, so neither the probe nor the all-dead rejoin above
    /// reaches across. A ping to a dead member carries its record first ("you are dead"):
    /// it refutes, its ack revives it here, and the refutations spread by piggyback.
    private mutating func greetADeadMember() -> [MembershipDirective] {
        let dead = table.values.filter { $0.status == .dead }.map(\.site).sorted()
        guard let site = dead.randomSample(1, using: &random).first else { return [] }
        return sendPing(to: site, seq: takeSeq())
    }

    private mutating func sendPing(to site: SiteID, seq: UInt64) -> [MembershipDirective] {
        guard let member = table[site] else { return [] }
        let ping = Ping(seq: seq, incarnation: incarnation, address: config.address, updates: piggyback(about: site))
        return [.send(.ping(ping), to: site, address: member.address)]
    }

    private mutating func probeIndirectly(_ target: SiteID, seq: UInt64, now: Instant) -> [MembershipDirective] {
        let helpers = aliveMembers.filter { $0 != target }.randomSample(config.indirectProbeCount, using: &random)
        guard !helpers.isEmpty, let held = table[target] else {
            probe = .idle
            return suspect(target, now: now)
        }
        probe = .awaitingIndirectAck(target: target, seq: seq)
        var out: [MembershipDirective] = []
        for helper in helpers {
            guard let address = table[helper]?.address else { continue }
            let request = PingRequest(seq: seq, target: target, address: held.address, updates: piggyback(about: helper))
            out.append(.send(.pingRequest(request), to: helper, address: address))
        }
        out.append(.scheduleTimer(.indirectProbeTimeout(seq: seq),
                                  at: now.advanced(byMillis: config.indirectPingTimeoutMillis)))
        return out
    }

    private mutating func suspect(_ site: SiteID, now: Instant) -> [MembershipDirective] {
        guard let held = table[site], held.status == .alive else { return [] }
        return apply(MemberUpdate(site: site, address: held.address, incarnation: held.incarnation, status: .suspect),
                     now: now)
    }

    // MARK: - Applying claims

    private mutating func apply(_ updates: [MemberUpdate], now: Instant) -> [MembershipDirective] {
        updates.flatMap { apply($0, now: now) }
    }

    /// Applies one claim under SWIM's precedence; the single place the table changes.
    private mutating func apply(_ update: MemberUpdate, now: Instant) -> [MembershipDirective] {
        if update.site == config.site { return refuteIfNeeded(update) }
        guard isOnRoster(update.site) else { return [.refused(update.site, .notOnRoster)] }
        let previous = table[update.site]
        if let previous, !update.overrides(previous) { return [] }
        if previous == nil, !makeRoom(for: update) { return [.refused(update.site, .peersMax)] }

        table[update.site] = Member(site: update.site, address: update.address, incarnation: update.incarnation,
                                    status: update.status, suspectedAt: update.status == .suspect ? now : nil)
        transmissions[update.site] = 0
        var out: [MembershipDirective] = []
        if previous?.status != update.status {
            out.append(.memberStatusChanged(MemberStatusChange(
                site: update.site, address: update.address, incarnation: update.incarnation,
                previous: previous?.status, current: update.status)))
        }
        if update.status == .suspect {
            out.append(.scheduleTimer(.suspicionTimeout(update.site, incarnation: update.incarnation),
                                      at: now.advanced(byMillis: config.suspicionTimeoutMillis)))
        }
        return out
    }

    /// A claim that this node is suspect or dead is refuted by incarnating above it.
    private mutating func refuteIfNeeded(_ update: MemberUpdate) -> [MembershipDirective] {
        let refutes = update.status != .alive ? update.incarnation >= incarnation : update.incarnation > incarnation
        if refutes {
            incarnation = update.incarnation + 1
            transmissions[config.site] = 0
        }
        return []
    }

    /// At `peersMax`, a dead member (the lowest id, for determinism) makes way for a new
    /// one; a table full of live members refuses newcomers.
    private mutating func makeRoom(for update: MemberUpdate) -> Bool {
        if table.count < config.peersMax { return true }
        guard update.status != .dead,
              let evict = table.values.filter({ $0.status == .dead }).map(\.site).min() else { return false }
        table[evict] = nil
        transmissions[evict] = nil
        return true
    }

    // MARK: - Dissemination

    /// Up to `piggybackUpdatesMax` updates: first the least-sent fresh ones (with the
    /// recipient's own record first when we hold it suspect or dead, so it can refute at
    /// once), then random known members as peer exchange.
    private mutating func piggyback(about recipient: SiteID) -> [MemberUpdate] {
        var chosen: [SiteID] = []
        if let held = table[recipient], held.status != .alive { chosen.append(recipient) }
        let fresh = transmissions.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
        for site in fresh where chosen.count < config.piggybackUpdatesMax && !chosen.contains(site) {
            chosen.append(site)
        }
        for site in chosen {
            guard let sent = transmissions[site] else { continue }
            transmissions[site] = sent + 1 >= config.updateTransmissionsMax ? nil : sent + 1
        }
        if chosen.count < config.piggybackUpdatesMax {
            let known = ([config.site] + table.keys.sorted()).filter { !chosen.contains($0) && $0 != recipient }
            chosen += known.randomSample(config.piggybackUpdatesMax - chosen.count, using: &random)
        }
        return chosen.compactMap(record)
    }

    private func record(_ site: SiteID) -> MemberUpdate? {
        if site == config.site {
            return MemberUpdate(site: site, address: config.address, incarnation: incarnation, status: .alive)
        }
        return table[site]?.update
    }
}
