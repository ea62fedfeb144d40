/// A small, fast, seeded random source (SplitMix64) for the roster search: the same
/// seed gives the same roster on every platform and every run. Domain code never uses
/// the system generator; callers pass this (or their own) in.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<count` (count > 0), using the stdlib's unbiased method.
    mutating func index(below count: Int) -> Int {
        precondition(count > 0)
        return Int(next(upperBound: UInt64(count)))
    }
}
