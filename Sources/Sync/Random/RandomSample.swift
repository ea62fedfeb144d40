import Replica

extension Array {
    /// Up to `count` distinct elements in random order (a partial Fisher–Yates shuffle).
    /// The input order must itself be deterministic (sorted) for the choice to replay.
    func randomSample(_ count: Int, using random: inout SplitMix64) -> [Element] {
        precondition(count >= 0, "sample size \(count)")
        var pool = self
        let taken = Swift.min(count, pool.count)
        for i in 0..<taken {
            let j = Int.random(in: i..<pool.count, using: &random)
            pool.swapAt(i, j)
        }
        return Array(pool.prefix(taken))
    }
}
