/// Appends the primitives of the canonical encoding: fixed-width big-endian integers,
/// minimal LEB128 varints, length-prefixed bytes. One encoding, so one content has
/// exactly one byte string — what signatures and hashes are computed over.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    public mutating func u64(_ v: UInt64) { appendBigEndian(v, to: &bytes) }

    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Zig-zag, so small negative numbers stay small.
    public mutating func signedVarint(_ v: Int64) {
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    public mutating func raw(_ v: some Collection<UInt8>) { bytes.append(contentsOf: v) }

    public mutating func lengthPrefixed(_ v: some Collection<UInt8>) {
        varint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }
}

/// Why bytes could not be decoded. Bad input from the network or a file, never a crash.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(needed: Int, remaining: Int)
    case nonCanonical(String)
    case invalid(String)
    case limitExceeded(String)

    public var description: String {
        switch self {
        case let .truncated(needed, remaining): "truncated: needed \(needed) bytes, \(remaining) left"
        case let .nonCanonical(what): "not in canonical form: \(what)"
        case let .invalid(what): "invalid: \(what)"
        case let .limitExceeded(what): "limit exceeded: \(what)"
        }
    }
}

/// Reads what `ByteWriter` wrote, refusing every non-canonical form (overlong
/// varints, trailing bytes) so that decode-then-encode is the identity.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    mutating func need(_ n: Int) throws(DecodingError) {
        if n < 0 || remaining < n { throw .truncated(needed: n, remaining: remaining) }
    }

    public mutating func u8() throws(DecodingError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() throws(DecodingError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func u32() throws(DecodingError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }

    public mutating func u64() throws(DecodingError) -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return readBigEndian(bytes, at: offset)
    }

    public mutating func varint() throws(DecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            if shift == 63 && byte > 1 { throw .invalid("varint overflows 64 bits") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 { throw .nonCanonical("overlong varint") }
                return result
            }
            shift += 7
        }
    }

    public mutating func signedVarint() throws(DecodingError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func raw(_ count: Int) throws(DecodingError) -> ArraySlice<UInt8> {
        try need(count)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func lengthPrefixed(max: Int) throws(DecodingError) -> ArraySlice<UInt8> {
        let count = try varint()
        guard count <= UInt64(max) else { throw .limitExceeded("field of \(count) bytes, at most \(max)") }
        return try raw(Int(count))
    }

    /// Count prefix of a list, checked against a named bound before anything is allocated.
    public mutating func count(max: Int, of what: String) throws(DecodingError) -> Int {
        let count = try varint()
        guard count <= UInt64(max) else { throw .limitExceeded("\(count) \(what), at most \(max)") }
        return Int(count)
    }

    public func expectEnd() throws(DecodingError) {
        if !isAtEnd { throw .nonCanonical("\(remaining) trailing bytes") }
    }
}
