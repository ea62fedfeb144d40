import Replica
import Security
import Storage
import Sync

/// The byzantine campus: on the roster, with a valid key, syncing honestly otherwise,
/// but in a burst it sends
/// - forged batches: another origin's name, its own signature (invalid for that origin);
/// - tampered batches: a real batch of another origin with one body byte changed;
/// - forked batches: two different batches, both validly signed by itself, under one
///   `(origin, seq)`, to the same victim.
/// It writes no data of its own, so its forks sit beyond a gap that never fills: a
/// victim must detect the pair, keep both as evidence and quarantine it, and no replica
/// may ever apply either (the log audit checks that).
extension Simulation {
    func byzantineBurst(from node: SimulatedNode) {
        guard let store = node.store, let core = node.core else { return }
        let victims = nodes.filter { $0.index != node.index && $0.isUp }
        guard let victim = victims.randomElement(using: &random) else { return }
        stats.byzantineBursts += 1
        let now = node.clock.nowMillis()
        let vector = core.antiEntropy.localVector

        // Forged: claims an honest origin, signed with the byzantine key.
        if let origin = vector.origins.randomElement(using: &random) {
            let forged = seal([change("forged")], origin: origin, seq: vector[origin] + 1, time: now, signer: node.identity)
            send(.push(forged), from: node.index, to: victim.index)
        }
        // Tampered: a real batch with one body byte changed.
        if let origin = vector.origins.randomElement(using: &random),
           let real = try? store.batches(of: origin, from: max(1, vector[origin]), limit: ChunkLimit(batchesMax: 1)).first,
           !real.body.isEmpty {
            var body = real.body
            body[Int.random(in: 0..<body.count, using: &random)] ^= 0x20
            send(.push(SealedBatch(header: real.header, body: body, signature: real.signature)), from: node.index, to: victim.index)
        }
        // Forked: two validly signed batches under one (origin, seq).
        if let origin = try? store.currentOrigin() {
            byzantineSeq += 2
            let a = seal([change("fork a")], origin: origin, seq: byzantineSeq, time: now, signer: node.identity)
            let b = seal([change("fork b")], origin: origin, seq: byzantineSeq, time: now, signer: node.identity)
            send(.push(a), from: node.index, to: victim.index)
            send(.push(b), from: node.index, to: victim.index)
        }
    }

    private func change(_ title: String) -> Change {
        Change(entity: SimulationSchema.ticket.id, row: RowID(high: random.next(), low: random.next()),
               operation: .assign([FieldAssignment(field: 1, value: .text(title))]))
    }

    private func seal(_ changes: [Change], origin: Origin, seq: UInt64, time: UInt64, signer: SigningIdentity) -> SealedBatch {
        let prev = BatchHash(bytes: (0..<BatchHash.byteCount).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        let header = BatchHeader(origin: origin, seq: seq, prevHash: prev, time: Timestamp(millis: time), schemaVersion: 1)
        let body = ChangeCodec.encodeBody(changes)
        var message = ByteWriter()
        header.encode(into: &message)
        message.raw(body)
        return SealedBatch(header: header, body: body, signature: signer.sign(message.bytes))
    }
}
