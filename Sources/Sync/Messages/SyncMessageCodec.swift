import Replica

/// The canonical binary form of a `SyncMessage`:
///
///     wireVersion:u8 ‖ type:u8 ‖ varint(body length) ‖ body
///
/// The body is length-prefixed so a newer peer may append fields to any message: a
/// decoder reads the fields it knows and skips the rest of the body. Nothing may follow
/// the body. Every count is checked against a named bound before anything is allocated.
extension SyncMessage {
    /// Largest encoded message accepted: a chunk may carry one batch of up to
    /// `SealedBatch.bodyBytesMax`, plus headroom for the rest of the chunk.
    public static let encodedBytesMax = 2 * SealedBatch.bodyBytesMax

    enum TypeCode: UInt8 {
        case ping = 1, ack = 2, pingRequest = 3
        case vectorDigest = 10, vectorRequest = 11, vector = 12, batchRequest = 13, batches = 14, credit = 15, snapshotNeeded = 16
        case stateDigestRequest = 20, stateDigestReply = 21
        case push = 30
    }

    var typeCode: TypeCode {
        switch self {
        case .ping: .ping
        case .ack: .ack
        case .pingRequest: .pingRequest
        case .vectorDigest: .vectorDigest
        case .vectorRequest: .vectorRequest
        case .vector: .vector
        case .batchRequest: .batchRequest
        case .batches: .batches
        case .credit: .credit
        case .snapshotNeeded: .snapshotNeeded
        case .stateDigestRequest: .stateDigestRequest
        case .stateDigestReply: .stateDigestReply
        case .push: .push
        }
    }

    public func encoded() -> [UInt8] {
        var body = ByteWriter()
        encodeBody(into: &body)
        var w = ByteWriter(capacity: body.bytes.count + 12)
        w.u8(SyncModule.wireVersion)
        w.u8(typeCode.rawValue)
        w.lengthPrefixed(body.bytes)
        precondition(w.bytes.count <= Self.encodedBytesMax, "message of \(w.bytes.count) bytes exceeds the wire bound")
        return w.bytes
    }

    private func encodeBody(into w: inout ByteWriter) {
        switch self {
        case let .ping(p):
            w.varint(p.seq)
            w.varint(p.incarnation)
            w.lengthPrefixed(Array(p.address.utf8))
            Self.encode(p.updates, into: &w)
        case let .ack(a):
            w.varint(a.seq)
            w.u64(a.target.rawValue)
            w.varint(a.incarnation)
            Self.encode(a.updates, into: &w)
        case let .pingRequest(p):
            w.varint(p.seq)
            w.u64(p.target.rawValue)
            w.lengthPrefixed(Array(p.address.utf8))
            Self.encode(p.updates, into: &w)
        case let .vectorDigest(d):
            w.u64(d.digest)
        case let .vectorRequest(v), let .vector(v):
            v.encode(into: &w)
        case let .batchRequest(b):
            w.varint(UInt64(b.ranges.count))
            for range in b.ranges {
                w.u64(range.origin.site.rawValue)
                w.u32(range.origin.epoch)
                w.varint(range.from)
                w.varint(range.through)
            }
            w.varint(UInt64(b.creditBatches))
            w.varint(UInt64(b.creditBytes))
        case let .batches(chunk):
            w.varint(UInt64(chunk.batches.count))
            for batch in chunk.batches { batch.encode(into: &w) }
        case let .credit(c):
            w.varint(UInt64(c.batches))
            w.varint(UInt64(c.bytes))
        case let .snapshotNeeded(n):
            w.u64(n.origin.site.rawValue)
            w.u32(n.origin.epoch)
            w.varint(n.floor)
        case .stateDigestRequest:
            break
        case let .stateDigestReply(s):
            w.u64(s.vectorDigest)
            w.lengthPrefixed(s.stateDigest)
        case let .push(batch):
            batch.encode(into: &w)
        }
    }

    private static func encode(_ updates: [MemberUpdate], into w: inout ByteWriter) {
        w.varint(UInt64(updates.count))
        for u in updates {
            w.u64(u.site.rawValue)
            w.lengthPrefixed(Array(u.address.utf8))
            w.varint(u.incarnation)
            w.u8(u.status.rawValue)
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(SyncMessageError) -> SyncMessage {
        guard bytes.count <= encodedBytesMax else {
            throw .malformed(.limitExceeded("message of \(bytes.count) bytes, at most \(encodedBytesMax)"))
        }
        var r = ByteReader(bytes)
        let version: UInt8
        do throws(DecodingError) { version = try r.u8() } catch { throw .malformed(error) }
        guard version == SyncModule.wireVersion else { throw .unsupportedWireVersion(version) }
        let typeByte: UInt8, body: [UInt8]
        do throws(DecodingError) {
            typeByte = try r.u8()
            body = Array(try r.lengthPrefixed(max: encodedBytesMax))
            try r.expectEnd()
        } catch {
            throw .malformed(error)
        }
        guard let type = TypeCode(rawValue: typeByte) else { throw .unknownMessageType(typeByte) }
        do throws(DecodingError) {
            var b = ByteReader(body)
            // Trailing bytes in `b` are fields from a newer version: skipped on purpose.
            return try decodeBody(type, from: &b)
        } catch {
            throw .malformed(error)
        }
    }

    private static func decodeBody(_ type: TypeCode, from r: inout ByteReader) throws(DecodingError) -> SyncMessage {
        switch type {
        case .ping:
            let seq = try r.varint(), incarnation = try r.varint(), address = try decodeAddress(from: &r)
            return .ping(Ping(seq: seq, incarnation: incarnation, address: address, updates: try decodeUpdates(from: &r)))
        case .ack:
            let seq = try r.varint(), target = SiteID(rawValue: try r.u64()), incarnation = try r.varint()
            return .ack(Ack(seq: seq, target: target, incarnation: incarnation, updates: try decodeUpdates(from: &r)))
        case .pingRequest:
            let seq = try r.varint(), target = SiteID(rawValue: try r.u64()), address = try decodeAddress(from: &r)
            return .pingRequest(PingRequest(seq: seq, target: target, address: address,
                                            updates: try decodeUpdates(from: &r)))
        case .vectorDigest:
            return .vectorDigest(VectorDigest(digest: try r.u64()))
        case .vectorRequest:
            return .vectorRequest(try VersionVector.decode(from: &r))
        case .vector:
            return .vector(try VersionVector.decode(from: &r))
        case .batchRequest:
            return .batchRequest(try decodeBatchRequest(from: &r))
        case .batches:
            let count = try r.count(max: chunkBatchesMax, of: "batches in a chunk")
            guard count > 0 else { throw .invalid("empty chunk") }
            var batches: [SealedBatch] = []
            batches.reserveCapacity(count)
            for _ in 0..<count { batches.append(try SealedBatch.decode(from: &r)) }
            return .batches(BatchChunk(batches: batches))
        case .credit:
            return .credit(Credit(batches: try decodeU32(from: &r), bytes: try decodeU32(from: &r)))
        case .snapshotNeeded:
            let origin = Origin(site: SiteID(rawValue: try r.u64()), epoch: try r.u32())
            return .snapshotNeeded(SnapshotNeeded(origin: origin, floor: try r.varint()))
        case .stateDigestRequest:
            return .stateDigestRequest
        case .stateDigestReply:
            let vectorDigest = try r.u64()
            let state = Array(try r.lengthPrefixed(max: stateDigestBytesMax))
            return .stateDigestReply(StateDigestReply(vectorDigest: vectorDigest, stateDigest: state))
        case .push:
            return .push(try SealedBatch.decode(from: &r))
        }
    }

    private static func decodeBatchRequest(from r: inout ByteReader) throws(DecodingError) -> BatchRequest {
        let count = try r.count(max: rangesMax, of: "ranges")
        var ranges: [SeqRange] = []
        ranges.reserveCapacity(count)
        for _ in 0..<count {
            let origin = Origin(site: SiteID(rawValue: try r.u64()), epoch: try r.u32())
            let from = try r.varint(), through = try r.varint()
            guard from >= 1, from <= through else { throw .invalid("range \(from)...\(through)") }
            ranges.append(SeqRange(origin: origin, from: from, through: through))
        }
        return BatchRequest(ranges: ranges, creditBatches: try decodeU32(from: &r), creditBytes: try decodeU32(from: &r))
    }

    private static func decodeUpdates(from r: inout ByteReader) throws(DecodingError) -> [MemberUpdate] {
        let count = try r.count(max: updatesMax, of: "membership updates")
        var updates: [MemberUpdate] = []
        updates.reserveCapacity(count)
        for _ in 0..<count {
            let site = SiteID(rawValue: try r.u64())
            let address = try decodeAddress(from: &r)
            let incarnation = try r.varint()
            let statusByte = try r.u8()
            guard let status = MemberStatus(rawValue: statusByte) else { throw .invalid("member status \(statusByte)") }
            updates.append(MemberUpdate(site: site, address: address, incarnation: incarnation, status: status))
        }
        return updates
    }

    private static func decodeAddress(from r: inout ByteReader) throws(DecodingError) -> String {
        let bytes = try r.lengthPrefixed(max: MemberUpdate.addressBytesMax)
        guard let address = String(validating: bytes, as: UTF8.self) else { throw .invalid("address is not UTF-8") }
        return address
    }

    private static func decodeU32(from r: inout ByteReader) throws(DecodingError) -> UInt32 {
        let v = try r.varint()
        guard let narrow = UInt32(exactly: v) else { throw .limitExceeded("credit \(v) beyond 32 bits") }
        return narrow
    }
}
