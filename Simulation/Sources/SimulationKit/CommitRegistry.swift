import Replica

/// Every batch an honest node committed (acknowledged), by origin and sequence number:
/// the oracle the checkers compare replicas with. Recording a second, different batch
/// under a key already held is the sequence-reuse trap, caught at the moment it happens.
struct CommitRegistry {
    struct Key: Hashable, Comparable {
        let origin: Origin
        let seq: UInt64
        static func < (a: Key, b: Key) -> Bool { (a.origin, a.seq) < (b.origin, b.seq) }
    }

    private(set) var hashes: [Key: BatchHash] = [:]
    /// Batches that existed only on a node that was then wiped or restored: the fault
    /// may have destroyed them, so they are not required everywhere (but still audited).
    private(set) var possiblyLost: Set<Key> = []
    private(set) var deletes: [(key: Key, entity: String, row: RowID)] = []
    private var epochs: [SiteID: Epoch] = [:]

    /// Returns a violation when the key was already committed with other content.
    mutating func record(_ batch: SealedBatch, hash: BatchHash, deletedRows: [RowID]) -> String? {
        let key = Key(origin: batch.header.origin, seq: batch.header.seq)
        epochs[key.origin.site] = max(epochs[key.origin.site] ?? 0, key.origin.epoch)
        if let held = hashes[key] {
            guard held == hash else {
                return "sequence reuse: origin \(key.origin) committed two different batches #\(key.seq)"
            }
            return nil
        }
        hashes[key] = hash
        for row in deletedRows { deletes.append((key, "ticket", row)) }
        return nil
    }

    func hash(_ origin: Origin, _ seq: UInt64) -> BatchHash? { hashes[Key(origin: origin, seq: seq)] }

    func highestEpoch(of site: SiteID) -> Epoch { epochs[site] ?? 1 }

    mutating func noteEpoch(_ origin: Origin) { epochs[origin.site] = max(epochs[origin.site] ?? 0, origin.epoch) }

    /// Batches of `site` beyond what any other replica holds may die with this node.
    mutating func markPossiblyLost(site: SiteID, beyond others: VersionVector) {
        for key in hashes.keys where key.origin.site == site && key.seq > others[key.origin] {
            possiblyLost.insert(key)
        }
    }

    /// The version vector every replica must reach: every acknowledged batch not lost to a fault.
    var required: VersionVector {
        var entries: [Origin: UInt64] = [:]
        for key in hashes.keys.sorted() where !possiblyLost.contains(key) {
            entries[key.origin] = max(entries[key.origin] ?? 0, key.seq)
        }
        return VersionVector(entries)
    }

    var count: Int { hashes.count }
    func isPossiblyLost(_ key: Key) -> Bool { possiblyLost.contains(key) }
}

/// FNV-1a 64 over everything the run did, in order: two runs of one seed must agree.
struct TraceHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func mix(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { mix(byte: UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    mutating func mix(_ bytes: [UInt8]) {
        mix(UInt64(bytes.count))
        for byte in bytes { mix(byte: byte) }
    }

    private mutating func mix(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }
}
