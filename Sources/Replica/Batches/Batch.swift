/// A 32-byte content hash (BLAKE2b-256 in the default suite). Chains each origin's
/// batches: a gap, a withheld batch or a rewritten history shows as a mismatch.
public struct BatchHash: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public static let zero = BatchHash(bytes: [UInt8](repeating: 0, count: byteCount))

    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a batch hash is \(Self.byteCount) bytes, got \(bytes.count)")
        self.bytes = bytes
    }

    public var description: String { bytes.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined() }
}

/// The cryptographic suite a batch (and a session) was sealed with. Carried in every
/// header so a national-standard suite (SM2/SM3) can be added without a flag day.
public enum CryptoSuite: UInt8, Sendable, Hashable {
    /// Ed25519 signatures over the message, BLAKE2b-256 content hashes (libsodium).
    case ed25519Blake2b = 1
}

/// The fixed-size, signed header of a batch. Sixty-four bytes in canonical form.
public struct BatchHeader: Hashable, Sendable {
    public static let byteCount = 64

    public let suite: CryptoSuite
    public let origin: Origin
    public let seq: UInt64
    public let prevHash: BatchHash
    public let time: Timestamp
    public let schemaVersion: UInt16

    public init(suite: CryptoSuite = .ed25519Blake2b, origin: Origin, seq: UInt64, prevHash: BatchHash,
                time: Timestamp, schemaVersion: UInt16) {
        precondition(seq >= 1, "sequence numbers start at 1")
        self.suite = suite
        self.origin = origin
        self.seq = seq
        self.prevHash = prevHash
        self.time = time
        self.schemaVersion = schemaVersion
    }

    /// The stamp every change of this batch carries.
    public var stamp: Stamp { Stamp(time: time, origin: origin) }

    public func encode(into w: inout ByteWriter) {
        w.u8(ReplicaModule.encodingVersion)
        w.u8(suite.rawValue)
        w.u16(schemaVersion)
        w.u64(origin.site.rawValue)
        w.u32(origin.epoch)
        w.u64(seq)
        w.u64(time.rawValue)
        w.raw(prevHash.bytes)
    }

    public static func decode(from r: inout ByteReader) throws(DecodingError) -> BatchHeader {
        let version = try r.u8()
        guard version == ReplicaModule.encodingVersion else { throw .invalid("batch encoding version \(version)") }
        let suiteByte = try r.u8()
        guard let suite = CryptoSuite(rawValue: suiteByte) else { throw .invalid("crypto suite \(suiteByte)") }
        let schemaVersion = try r.u16()
        let site = SiteID(rawValue: try r.u64())
        let epoch = try r.u32()
        let seq = try r.u64()
        guard seq >= 1 else { throw .invalid("sequence number 0") }
        let time = Timestamp(rawValue: try r.u64())
        let prev = BatchHash(bytes: Array(try r.raw(BatchHash.byteCount)))
        return BatchHeader(suite: suite, origin: Origin(site: site, epoch: epoch), seq: seq, prevHash: prev,
                           time: time, schemaVersion: schemaVersion)
    }
}

/// A batch as it travels and as it is logged: header, the canonical body bytes of its
/// changes, and the origin's signature over `header ‖ body`. The body is kept as the
/// exact bytes signed; it is never re-serialised.
public struct SealedBatch: Hashable, Sendable {
    /// Bounds that keep one batch from exhausting a node's memory.
    public static let bodyBytesMax = 8 << 20
    public static let signatureBytesMax = 128

    public let header: BatchHeader
    public let body: [UInt8]
    public let signature: [UInt8]

    public init(header: BatchHeader, body: [UInt8], signature: [UInt8]) {
        self.header = header
        self.body = body
        self.signature = signature
    }

    /// The message the signature covers and the content hash is computed over.
    public var signedMessage: [UInt8] {
        var w = ByteWriter(capacity: BatchHeader.byteCount + body.count)
        header.encode(into: &w)
        w.raw(body)
        return w.bytes
    }

    public func decodeChanges() throws(DecodingError) -> [Change] {
        try ChangeCodec.decodeBody(body)
    }

    /// `header ‖ varint(body length) ‖ body ‖ varint(signature length) ‖ signature`.
    public func encode(into w: inout ByteWriter) {
        header.encode(into: &w)
        w.lengthPrefixed(body)
        w.lengthPrefixed(signature)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: BatchHeader.byteCount + body.count + 80)
        encode(into: &w)
        return w.bytes
    }

    public static func decode(from r: inout ByteReader) throws(DecodingError) -> SealedBatch {
        let header = try BatchHeader.decode(from: &r)
        let body = Array(try r.lengthPrefixed(max: bodyBytesMax))
        let signature = Array(try r.lengthPrefixed(max: signatureBytesMax))
        return SealedBatch(header: header, body: body, signature: signature)
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> SealedBatch {
        var r = ByteReader(bytes)
        let batch = try decode(from: &r)
        try r.expectEnd()
        return batch
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
