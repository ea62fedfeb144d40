/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, statistically sound generator
/// whose whole state is one word. Every random choice in the deterministic layers
/// (which peer to probe, which peers get an eager push, the roster search) comes from
/// one of these, seeded by the caller, so a run replays exactly from its seed. Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for a sub-component, derived so that two machines seeded from one
    /// run seed do not draw the same sequence.
    public mutating func split() -> SplitMix64 { SplitMix64(seed: next()) }
}
