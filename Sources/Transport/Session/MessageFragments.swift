import Security

/// Sync messages reach 16 MiB (`SyncMessage.encodedBytesMax`) while one sealed frame
/// holds at most `SecretStream.frameBytesMax`, so a message travels as one or more
/// fragments. Each plaintext frame is `u8 flag ‖ payload`; flag 1 marks the last
/// fragment of a message, 0 a fragment with more to follow. Since the secretstream
/// already rejects reordered, dropped or replayed frames, fragments need no numbers.
public enum MessageFragments {
    public static let moreFollows: UInt8 = 0
    public static let last: UInt8 = 1
    public static let payloadBytesMax = SecretStream.frameBytesMax - 1

    public static func split(_ message: [UInt8]) -> [[UInt8]] {
        guard message.count > payloadBytesMax else { return [[last] + message] }
        var out: [[UInt8]] = []
        var start = 0
        while start < message.count {
            let end = min(start + payloadBytesMax, message.count)
            out.append([end == message.count ? last : moreFollows] + message[start..<end])
            start = end
        }
        return out
    }
}

/// Reassembles fragments into messages, holding at most `messageBytesMax` bytes.
public struct FragmentReassembler: Sendable {
    public let messageBytesMax: Int
    private var partial: [UInt8] = []

    public init(messageBytesMax: Int) { self.messageBytesMax = messageBytesMax }

    /// A complete message, `nil` if more fragments are needed, or a throw for a bad one.
    public mutating func append(_ fragment: [UInt8]) throws(TransportError) -> [UInt8]? {
        guard let flag = fragment.first else { throw .malformedFragment("empty fragment") }
        guard flag == MessageFragments.last || flag == MessageFragments.moreFollows else {
            throw .malformedFragment("fragment flag \(flag)")
        }
        guard partial.count + fragment.count - 1 <= messageBytesMax else {
            throw .malformedFragment("message over \(messageBytesMax) bytes")
        }
        partial.append(contentsOf: fragment.dropFirst())
        guard flag == MessageFragments.last else { return nil }
        defer { partial = [] }
        guard !partial.isEmpty else { throw .malformedFragment("empty message") }
        return partial
    }
}
