import Testing
import Replica
@testable import Sync

@Suite struct SyncMessageCodecTests {
    static let origin = Origin(site: site(7), epoch: 2)
    static let updates = [
        MemberUpdate(site: site(1), address: "10.0.0.1:7000", incarnation: 3, status: .alive),
        MemberUpdate(site: site(2), address: "分院.example:7000", incarnation: 0, status: .suspect),
        MemberUpdate(site: site(3), address: "", incarnation: .max, status: .dead),
    ]

    static let everyCase: [SyncMessage] = [
        .ping(Ping(seq: 1, incarnation: 9, address: "main.campus:7000", updates: updates)),
        .ping(Ping(seq: .max, incarnation: 0, address: "", updates: [])),
        .ack(Ack(seq: 42, target: site(5), incarnation: 2, updates: updates)),
        .pingRequest(PingRequest(seq: 7, target: site(9), address: "east:7000", updates: [])),
        .vectorDigest(VectorDigest(digest: 0xDEAD_BEEF_0123_4567)),
        .vectorRequest(VersionVector([origin: 12, Origin(site: site(1), epoch: 0): 3])),
        .vector(VersionVector()),
        .batchRequest(BatchRequest(ranges: [SeqRange(origin: origin, from: 1, through: 64)],
                                   creditBatches: 256, creditBytes: 4 << 20)),
        .batches(BatchChunk(batches: [makeBatch(origin: origin, seq: 1, bodyBytes: 10),
                                      makeBatch(origin: origin, seq: 2, bodyBytes: 0)])),
        .credit(Credit(batches: 16, bytes: .max)),
        .snapshotNeeded(SnapshotNeeded(origin: origin, floor: 1_000_000)),
        .stateDigestRequest,
        .stateDigestReply(StateDigestReply(vectorDigest: 77, stateDigest: [UInt8](repeating: 1, count: 32))),
        .push(makeBatch(origin: origin, seq: 3, bodyBytes: 100)),
    ]

    @Test(arguments: everyCase)
    func everyMessageRoundTrips(_ message: SyncMessage) throws {
        let bytes = message.encoded()
        #expect(bytes[0] == SyncModule.wireVersion)
        #expect(try SyncMessage.decode(bytes) == message)
    }

    @Test func everyTypeCodeIsCovered() {
        #expect(Set(Self.everyCase.map(\.typeCode.rawValue)).count == 13)
    }

    @Test func anUnknownMessageTypeIsATypedError() {
        #expect(throws: SyncMessageError.unknownMessageType(200)) { try SyncMessage.decode([SyncModule.wireVersion, 200, 0]) }
    }

    @Test func anotherWireVersionIsATypedError() {
        var bytes = SyncMessage.stateDigestRequest.encoded()
        bytes[0] = 9
        #expect(throws: SyncMessageError.unsupportedWireVersion(9)) { try SyncMessage.decode(bytes) }
    }

    @Test func fieldsAppendedByANewerPeerAreSkipped() throws {
        let message = SyncMessage.credit(Credit(batches: 3, bytes: 4))
        let bytes = message.encoded()
        // Rebuild the frame with two extra body bytes and a correspondingly longer prefix.
        let body = Array(bytes[3...]) + [0xFF, 0x01]
        let extended = [bytes[0], bytes[1], UInt8(body.count)] + body
        #expect(try SyncMessage.decode(extended) == message)
    }

    @Test func bytesAfterTheBodyAreRefused() {
        let bytes = SyncMessage.stateDigestRequest.encoded() + [0]
        #expect(throws: SyncMessageError.self) { try SyncMessage.decode(bytes) }
    }

    @Test func countsBeyondTheirBoundAreRefusedBeforeAllocating() {
        var body = ByteWriter()
        body.varint(UInt64(SyncMessage.chunkBatchesMax + 1))
        var frame = ByteWriter()
        frame.u8(SyncModule.wireVersion)
        frame.u8(SyncMessage.TypeCode.batches.rawValue)
        frame.lengthPrefixed(body.bytes)
        #expect(throws: SyncMessageError.malformed(.limitExceeded("\(SyncMessage.chunkBatchesMax + 1) batches in a chunk, at most \(SyncMessage.chunkBatchesMax)"))) {
            try SyncMessage.decode(frame.bytes)
        }
    }

    @Test func anInvalidRangeIsRefused() {
        var body = ByteWriter()
        body.varint(1)
        body.u64(1); body.u32(0); body.varint(5); body.varint(4) // from > through
        body.varint(1); body.varint(1)
        var frame = ByteWriter()
        frame.u8(SyncModule.wireVersion)
        frame.u8(SyncMessage.TypeCode.batchRequest.rawValue)
        frame.lengthPrefixed(body.bytes)
        #expect(throws: SyncMessageError.malformed(.invalid("range 5...4"))) { try SyncMessage.decode(frame.bytes) }
    }

    /// Random bytes and mutated valid messages must only ever throw a typed error.
    @Test func fuzzedBytesNeverCrash() {
        let seed: UInt64 = 0x5EED_0001
        print("fuzzedBytesNeverCrash seed \(seed)")
        var random = SplitMix64(seed: seed)
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if !bytes.isEmpty && round % 4 == 0 { bytes[0] = SyncModule.wireVersion }
            } else {
                bytes = Self.everyCase[Int.random(in: 0..<Self.everyCase.count, using: &random)].encoded()
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                if round % 3 == 0 { bytes.removeLast(Int.random(in: 0...bytes.count, using: &random)) }
            }
            do {
                let message = try SyncMessage.decode(bytes)
                // Whatever decodes must re-encode to something that decodes the same.
                #expect(try SyncMessage.decode(message.encoded()) == message)
                decoded += 1
            } catch {
                _ = error.description // typed: SyncMessageError
            }
        }
        print("fuzzedBytesNeverCrash decoded \(decoded) of 20000 inputs")
    }
}
