/// Splits a byte stream into ciphertext frames, each sent as a 4-byte big-endian length
/// and the ciphertext. The length is in the clear (the traffic shape is visible anyway);
/// a length over `SecretStream.ciphertextBytesMax` is refused before anything is
/// buffered for it. Pure, so the shell just appends what the socket gave and drains.
public struct FrameDecoder: Sendable {
    public static let lengthPrefixBytes = 4
    /// One whole frame plus the start of the next: the shell drains with `next()` after
    /// every `append`, so more than this is a misbehaving peer or shell.
    public static let bufferedBytesMax = 2 * (lengthPrefixBytes + SecretStream.ciphertextBytesMax)

    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Prefixes a sealed frame with its length.
    public static func encode(_ ciphertext: [UInt8]) -> [UInt8] {
        precondition(ciphertext.count <= SecretStream.ciphertextBytesMax, "frame larger than ciphertextBytesMax")
        let n = UInt32(ciphertext.count)
        return [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + ciphertext
    }

    public var bufferedBytes: Int { buffer.count - start }

    public mutating func append(_ bytes: some Collection<UInt8>) throws(SecurityError) {
        guard bufferedBytes + bytes.count <= Self.bufferedBytesMax else {
            throw .frameSize(bytes: bufferedBytes + bytes.count, min: 0, max: Self.bufferedBytesMax)
        }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete ciphertext frame, or `nil` if more bytes are needed.
    public mutating func next() throws(SecurityError) -> [UInt8]? {
        guard bufferedBytes >= Self.lengthPrefixBytes else { return nil }
        let length = buffer[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
        guard (SecretStream.overheadBytes...SecretStream.ciphertextBytesMax).contains(length) else {
            throw .frameSize(bytes: length, min: SecretStream.overheadBytes, max: SecretStream.ciphertextBytesMax)
        }
        guard bufferedBytes >= Self.lengthPrefixBytes + length else { return nil }
        let frameStart = start + Self.lengthPrefixBytes
        start = frameStart + length
        return Array(buffer[frameStart..<start])
    }
}
