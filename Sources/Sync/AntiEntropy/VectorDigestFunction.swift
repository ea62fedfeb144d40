import Replica

extension VectorDigest {
    /// FNV-1a (64-bit) over the canonical encoding of the vector. Not collision-proof,
    /// and it need not be: a false "equal" only delays repair until the vectors differ
    /// again or the state-digest layer notices; it never lets wrong data in, because
    /// every batch is verified by its origin's signature.
    public static func of(_ vector: VersionVector) -> UInt64 {
        var w = ByteWriter()
        vector.encode(into: &w)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in w.bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
