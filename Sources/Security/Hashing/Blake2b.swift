import CSodium
import Replica

/// BLAKE2b-256 (`crypto_generichash`): batch chains, state digests, site ids.
public struct Blake2b: ContentHasher {
    public init() { _ = Sodium.ready }

    public func hash(_ bytes: [UInt8]) -> BatchHash {
        BatchHash(bytes: Self.digest(bytes, length: BatchHash.byteCount))
    }

    public static func digest(_ bytes: [UInt8], length: Int = 32) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: length)
        let rc = bytes.withUnsafeBufferPointer { input in
            crypto_generichash(&out, length, input.baseAddress, UInt64(input.count), nil, 0)
        }
        precondition(rc == 0, "crypto_generichash failed")
        return out
    }
}
