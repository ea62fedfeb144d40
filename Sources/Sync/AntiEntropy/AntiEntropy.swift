import Replica

/// Anti-entropy and eager push, as an I/O-free state machine (DESIGN §4, §5).
///
/// Every `roundIntervalMillis` a random live peer gets our vector digest. When the
/// digests differ the two sides exchange full vectors and each pulls what it lacks,
/// in chunks bounded by `chunkBatchesMax`/`chunkBytesMax` and a credit window of
/// `inflightChunksMax` chunks. Fresh local batches are pushed at once to `pushFanout`
/// random live peers; anti-entropy repairs whatever push missed. More rarely, a peer
/// is asked for its materialised-state digest to catch data that differ while the
/// vectors agree. Loading and applying batches is the store's job, requested by
/// directives and answered by events.
public struct AntiEntropy: Sendable {
    public let config: AntiEntropyConfig
    private let isOnRoster: RosterCheck
    private var random: SplitMix64

    /// What the local store holds, as last reported.
    public private(set) var localVector: VersionVector
    private var livePeers: Set<SiteID> = []
    private var pulls: [SiteID: PullSession] = [:]
    private var serves: [SiteID: ServeSession] = [:]
    private var pendingApplies: [ApplyTicket: PendingApply] = [:]
    private var pushAppliesInflight = 0
    private var localStateDigest: StateDigestReply?
    private var nextRoundAt = Instant.zero
    private var nextStateRoundAt = Instant.zero
    private var nextTicket: UInt64 = 1
    private var nextLoadID: UInt64 = 1
    private var started = false

    enum PendingApply: Hashable, Sendable {
        case pulled(peer: SiteID, batches: UInt32, bytes: UInt32)
        case pushed
    }

    public init(config: AntiEntropyConfig, localVector: VersionVector, isOnRoster: @escaping RosterCheck,
                random: SplitMix64) {
        config.validate()
        self.config = config
        self.localVector = localVector
        self.isOnRoster = isOnRoster
        self.random = random
    }

    // MARK: - Queries

    public var pullingFrom: [SiteID] { pulls.keys.sorted() }
    public var servingTo: [SiteID] { serves.keys.sorted() }

    // MARK: - Events

    public mutating func start(now: Instant) -> [AntiEntropyDirective] {
        precondition(!started, "anti-entropy started twice")
        started = true
        nextRoundAt = now.advanced(byMillis: config.roundIntervalMillis)
        nextStateRoundAt = now.advanced(byMillis: config.stateDigestIntervalMillis)
        return [.scheduleTick(at: nextRoundAt)]
    }

    /// Runs whichever rounds are due and drops sessions that stopped making progress.
    public mutating func onTick(now: Instant) -> [AntiEntropyDirective] {
        precondition(started, "anti-entropy not started")
        expireIdleSessions(now: now)
        var out: [AntiEntropyDirective] = []
        if now >= nextRoundAt {
            nextRoundAt = now.advanced(byMillis: config.roundIntervalMillis)
            if let peer = randomLivePeer() {
                out.append(.send(.vectorDigest(VectorDigest(digest: VectorDigest.of(localVector))), to: peer))
            }
        }
        if now >= nextStateRoundAt {
            nextStateRoundAt = now.advanced(byMillis: config.stateDigestIntervalMillis)
            if localStateDigest != nil, let peer = randomLivePeer() {
                out.append(.send(.stateDigestRequest, to: peer))
            }
        }
        out.append(.scheduleTick(at: min(nextRoundAt, nextStateRoundAt)))
        return out
    }

    /// Fed from `MembershipDirective.memberStatusChanged`: only alive members are chosen
    /// for rounds and pushes; a dead member's sessions are dropped.
    public mutating func onMemberStatusChanged(_ site: SiteID, status: MemberStatus) {
        guard site != config.site else { return }
        switch status {
        case .alive:
            livePeers.insert(site)
        case .suspect:
            livePeers.remove(site)
        case .dead:
            livePeers.remove(site)
            pulls[site] = nil
            serves[site] = nil
        }
    }

    public mutating func onMessage(_ message: SyncMessage, from peer: SiteID, now: Instant) -> [AntiEntropyDirective] {
        guard isOnRoster(peer), peer != config.site else { return [.refused(peer, .notOnRoster)] }
        switch message {
        case .ping, .ack, .pingRequest:
            preconditionFailure("SWIM message \(message) routed to anti-entropy")
        case let .vectorDigest(d):
            guard d.digest != VectorDigest.of(localVector) else { return [] }
            return [.send(.vectorRequest(localVector), to: peer)]
        case let .vectorRequest(theirs):
            return [.send(.vector(localVector), to: peer)] + startPull(from: peer, theirs: theirs, now: now)
        case let .vector(theirs):
            return startPull(from: peer, theirs: theirs, now: now)
        case let .batchRequest(request):
            return startServing(peer, request: request, now: now)
        case let .batches(chunk):
            return receive(chunk, from: peer, now: now)
        case let .snapshotNeeded(needed):
            // Only an answer to our own request counts; anything else is noise.
            guard let session = pulls[peer], let through = session.wanted[needed.origin],
                  localVector[needed.origin] < needed.floor, through >= 1 else { return [] }
            pulls[peer] = nil
            return [.snapshotNeeded(peer: peer, origin: needed.origin, floor: needed.floor)]
        case let .credit(credit):
            guard var session = serves[peer] else { return [] }
            session.creditBatches = session.creditBatches.addingSaturating(credit.batches)
            session.creditBytes = session.creditBytes.addingSaturating(credit.bytes)
            session.lastActivity = now
            serves[peer] = session
            return pump(peer)
        case .stateDigestRequest:
            guard let localStateDigest else { return [] }
            return [.send(.stateDigestReply(localStateDigest), to: peer)]
        case let .stateDigestReply(theirs):
            guard let ours = localStateDigest, ours.vectorDigest == theirs.vectorDigest,
                  ours.stateDigest != theirs.stateDigest else { return [] }
            return [.stateDivergence(peer: peer)]
        case let .push(batch):
            return receivePush(batch, from: peer)
        }
    }

    /// The store answers a `loadBatches` directive.
    public mutating func onBatchesLoaded(_ batches: [SealedBatch], for id: UInt64, now: Instant) -> [AntiEntropyDirective] {
        guard let peer = serves.first(where: { $0.value.loading?.id == id })?.key,
              var session = serves[peer], let load = session.loading else { return [] } // session gone: stale
        session.loading = nil
        precondition(batches.count <= load.maxCount, "store returned \(batches.count) batches, asked \(load.maxCount)")
        for (i, batch) in batches.enumerated() {
            precondition(batch.header.origin == load.origin && batch.header.seq == load.fromSeq + UInt64(i),
                         "store returned batches out of the requested run")
        }
        guard let range = session.ranges.first, range.origin == load.origin, range.from == load.fromSeq else {
            preconditionFailure("load \(id) does not match the session's first range")
        }
        let chunk = fittingPrefix(of: batches, session: session)
        if batches.isEmpty {
            session.ranges.removeFirst() // the log has no more of this range (compacted or never held)
        } else if !chunk.isEmpty {
            let last = chunk[chunk.count - 1].header.seq
            session.ranges.removeFirst()
            if last < range.through {
                session.ranges.insert(SeqRange(origin: range.origin, from: last + 1, through: range.through), at: 0)
            }
            session.creditBatches -= UInt32(chunk.count)
            session.creditBytes -= chargedBytes(chunk)
            session.lastActivity = now
        }
        serves[peer] = session
        var out: [AntiEntropyDirective] = chunk.isEmpty ? [] : [.send(.batches(BatchChunk(batches: chunk)), to: peer)]
        // When nothing fitted, wait for credit: `pump` restarts on the next `Credit`.
        if !(chunk.isEmpty && !batches.isEmpty) { out += pump(peer) }
        return out
    }

    /// The store answers a `loadBatches` directive with "compacted": its log no longer
    /// holds the range's start. The peer is told so — never silently sent nothing — and
    /// the session ends (nothing after a gap could apply anyway).
    public mutating func onBatchesCompacted(for id: UInt64, floor: UInt64, now: Instant) -> [AntiEntropyDirective] {
        guard let peer = serves.first(where: { $0.value.loading?.id == id })?.key,
              let load = serves[peer]?.loading else { return [] } // session gone: stale
        serves[peer] = nil
        return [.send(.snapshotNeeded(SnapshotNeeded(origin: load.origin, floor: floor)), to: peer)]
    }

    /// The store reports the result of an `applyBatches` directive.
    public mutating func onApplied(_ ticket: ApplyTicket, vector: VersionVector, now: Instant) -> [AntiEntropyDirective] {
        guard let pending = pendingApplies.removeValue(forKey: ticket) else {
            preconditionFailure("unknown apply ticket \(ticket.rawValue)")
        }
        localVector = localVector.merged(with: vector)
        var out: [AntiEntropyDirective] = []
        switch pending {
        case .pushed:
            pushAppliesInflight -= 1
        case let .pulled(peer, batches, bytes):
            if var session = pulls[peer], !session.isComplete(given: localVector) {
                session.availableBatches += batches
                session.availableBytes += bytes
                session.lastActivity = now
                pulls[peer] = session
                out.append(.send(.credit(Credit(batches: batches, bytes: bytes)), to: peer))
            }
        }
        for peer in pulls.keys.sorted() where pulls[peer]!.isComplete(given: localVector) { pulls[peer] = nil }
        return out
    }

    /// A local transaction committed a batch: record it and push it to a few peers.
    public mutating func onLocalBatchCommitted(_ batch: SealedBatch, now: Instant) -> [AntiEntropyDirective] {
        let origin = batch.header.origin
        precondition(origin.site == config.site, "a local batch must be of this site")
        if batch.header.seq > localVector[origin] { localVector[origin] = batch.header.seq }
        // Large batches go by anti-entropy chunks, where their bytes are flow-controlled.
        guard BatchCharge.encodedByteCount(batch) <= config.chunkBytesMax else { return [] }
        return livePeers.sorted().randomSample(config.pushFanout, using: &random).map { .send(.push(batch), to: $0) }
    }

    /// The store's digest of its materialised state, computed at `vector`.
    public mutating func onLocalStateDigest(_ digest: [UInt8], at vector: VersionVector) {
        precondition(digest.count <= SyncMessage.stateDigestBytesMax, "state digest too long")
        localStateDigest = StateDigestReply(vectorDigest: VectorDigest.of(vector), stateDigest: digest)
    }

    // MARK: - Pulling

    private mutating func startPull(from peer: SiteID, theirs: VersionVector, now: Instant) -> [AntiEntropyDirective] {
        guard pulls[peer] == nil else { return [] } // one stream per peer; the next round asks again
        // Origins already streaming from another peer are left to that stream, so no
        // batch is fetched twice and no gap opens in any origin's sequence.
        let busy = Set(pulls.values.flatMap(\.wanted.keys))
        let ranges = localVector.missing(comparedTo: theirs)
            .filter { !busy.contains($0.origin) }
            .map { SeqRange(origin: $0.origin, from: $0.from, through: $0.through) }
        guard !ranges.isEmpty else { return [] }
        guard pulls.count < config.pullSessionsMax else { return [.refused(peer, .pullSessionsMax)] }
        pulls[peer] = PullSession(
            wanted: Dictionary(uniqueKeysWithValues: ranges.map { ($0.origin, $0.through) }),
            availableBatches: config.windowBatches, availableBytes: config.windowBytes, lastActivity: now)
        let request = BatchRequest(ranges: ranges, creditBatches: config.windowBatches, creditBytes: config.windowBytes)
        return [.send(.batchRequest(request), to: peer)]
    }

    private mutating func receive(_ chunk: BatchChunk, from peer: SiteID, now: Instant) -> [AntiEntropyDirective] {
        guard var session = pulls[peer] else { return [] } // expired or completed: late chunk
        let charged = chargedBytes(chunk.batches)
        if let violation = session.violation(in: chunk, charged: charged, chunkBatchesMax: config.chunkBatchesMax,
                                             chunkBytesMax: config.chunkBytesMax) {
            pulls[peer] = nil
            return [.protocolViolation(peer, violation)]
        }
        session.availableBatches -= UInt32(chunk.batches.count)
        session.availableBytes -= charged
        session.lastActivity = now
        pulls[peer] = session
        let ticket = takeTicket()
        pendingApplies[ticket] = .pulled(peer: peer, batches: UInt32(chunk.batches.count), bytes: charged)
        return [.applyBatches(chunk.batches, from: peer, ticket: ticket)]
    }

    private mutating func receivePush(_ batch: SealedBatch, from peer: SiteID) -> [AntiEntropyDirective] {
        guard batch.header.seq > localVector[batch.header.origin] else { return [] } // already held
        guard pushAppliesInflight < config.pushAppliesInflightMax else { return [.refused(peer, .pushAppliesInflightMax)] }
        pushAppliesInflight += 1
        let ticket = takeTicket()
        pendingApplies[ticket] = .pushed
        return [.applyBatches([batch], from: peer, ticket: ticket)]
    }

    // MARK: - Serving

    private mutating func startServing(_ peer: SiteID, request: BatchRequest, now: Instant) -> [AntiEntropyDirective] {
        guard serves[peer] != nil || serves.count < config.serveSessionsMax else {
            return [.refused(peer, .serveSessionsMax)]
        }
        // Never promise more than we hold: clamp each range to our own vector.
        let ranges = request.ranges.compactMap { range -> SeqRange? in
            let through = min(range.through, localVector[range.origin])
            return range.from <= through ? SeqRange(origin: range.origin, from: range.from, through: through) : nil
        }
        // A new request replaces the old session; a load still outstanding turns stale.
        serves[peer] = ServeSession(ranges: ranges, creditBatches: request.creditBatches,
                                    creditBytes: request.creditBytes, loading: nil, lastActivity: now)
        return pump(peer)
    }

    /// Starts the next load when none is outstanding, there is credit and work left.
    private mutating func pump(_ peer: SiteID) -> [AntiEntropyDirective] {
        guard var session = serves[peer] else { return [] }
        guard let range = session.ranges.first else {
            serves[peer] = nil // everything sent
            return []
        }
        guard session.loading == nil, session.creditBatches > 0, session.creditBytes > 0 else { return [] }
        let load = LoadRequest(
            id: takeLoadID(), peer: peer, origin: range.origin, fromSeq: range.from,
            maxCount: Int(min(UInt64(config.chunkBatchesMax), UInt64(session.creditBatches), range.count)),
            maxBytes: Int(min(UInt32(config.chunkBytesMax), session.creditBytes)))
        session.loading = load
        serves[peer] = session
        return [.loadBatches(load)]
    }

    /// The longest prefix of loaded batches that fits one chunk and the credit left.
    private func fittingPrefix(of batches: [SealedBatch], session: ServeSession) -> [SealedBatch] {
        let bytesAllowed = min(UInt32(config.chunkBytesMax), session.creditBytes)
        var taken = 0
        var bytes: UInt32 = 0
        for batch in batches {
            let charge = BatchCharge.bytes(batch, chunkBytesMax: config.chunkBytesMax)
            guard taken < config.chunkBatchesMax, UInt32(taken) < session.creditBatches,
                  bytes + charge <= bytesAllowed else { break }
            taken += 1
            bytes += charge
        }
        return Array(batches.prefix(taken))
    }

    // MARK: - Helpers

    private func chargedBytes(_ batches: [SealedBatch]) -> UInt32 {
        batches.reduce(0) { $0.addingSaturating(BatchCharge.bytes($1, chunkBytesMax: config.chunkBytesMax)) }
    }

    private mutating func randomLivePeer() -> SiteID? {
        livePeers.sorted().randomSample(1, using: &random).first
    }

    private mutating func expireIdleSessions(now: Instant) {
        let timeout = config.sessionIdleTimeoutMillis
        let idle = { (last: Instant) in now > last.advanced(byMillis: timeout) }
        for peer in pulls.keys.sorted() where idle(pulls[peer]!.lastActivity) { pulls[peer] = nil }
        for peer in serves.keys.sorted() where idle(serves[peer]!.lastActivity) { serves[peer] = nil }
    }

    private mutating func takeTicket() -> ApplyTicket {
        defer { nextTicket += 1 }
        return ApplyTicket(rawValue: nextTicket)
    }

    private mutating func takeLoadID() -> UInt64 {
        defer { nextLoadID += 1 }
        return nextLoadID
    }
}

extension UInt32 {
    func addingSaturating(_ other: UInt32) -> UInt32 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
