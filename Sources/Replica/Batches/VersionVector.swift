/// For each origin, the highest sequence number up to which a replica holds every
/// batch. Because per-origin sequences are gap-free, this describes exactly what a
/// replica holds, and the difference of two vectors is exactly what one lacks.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [Origin: UInt64]

    public init(_ entries: [Origin: UInt64] = [:]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    public subscript(origin: Origin) -> UInt64 {
        get { entries[origin] ?? 0 }
        set {
            precondition(newValue >= (entries[origin] ?? 0), "a version vector only grows: \(origin)")
            entries[origin] = newValue == 0 ? nil : newValue
        }
    }

    public var origins: [Origin] { entries.keys.sorted() }

    /// Total number of batches the vector covers.
    public var batchCount: UInt64 { entries.values.reduce(0, +) }

    /// True when this vector holds everything `other` holds.
    public func covers(_ other: VersionVector) -> Bool {
        other.entries.allSatisfy { self[$0.key] >= $0.value }
    }

    /// Pointwise maximum.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = self
        for (origin, seq) in other.entries where seq > result[origin] { result.entries[origin] = seq }
        return result
    }

    /// Pointwise minimum over the origins of both (absent counts as 0): the prefix
    /// every holder has, which is what compaction may fold away.
    public func meet(_ other: VersionVector) -> VersionVector {
        var result: [Origin: UInt64] = [:]
        for (origin, seq) in entries { result[origin] = min(seq, other[origin]) }
        return VersionVector(result)
    }

    /// For each origin where `other` is ahead, the range of sequence numbers we lack.
    public func missing(comparedTo other: VersionVector) -> [(origin: Origin, from: UInt64, through: UInt64)] {
        other.origins.compactMap { origin in
            let ours = self[origin], theirs = other[origin]
            return theirs > ours ? (origin, ours + 1, theirs) : nil
        }
    }

    public func encode(into w: inout ByteWriter) {
        let sorted = origins
        w.varint(UInt64(sorted.count))
        for origin in sorted {
            w.u64(origin.site.rawValue)
            w.u32(origin.epoch)
            w.varint(self[origin])
        }
    }

    public static let originsMax = 4_096

    public static func decode(from r: inout ByteReader) throws(DecodingError) -> VersionVector {
        let count = try r.count(max: originsMax, of: "origins")
        var entries: [Origin: UInt64] = [:]
        var previous: Origin?
        for _ in 0..<count {
            let origin = Origin(site: SiteID(rawValue: try r.u64()), epoch: try r.u32())
            if let previous, previous >= origin { throw .nonCanonical("origins not sorted") }
            let seq = try r.varint()
            guard seq > 0 else { throw .nonCanonical("zero entry") }
            entries[origin] = seq
            previous = origin
        }
        return VersionVector(entries)
    }

    public var description: String {
        "{" + origins.map { "\($0): \(self[$0])" }.joined(separator: ", ") + "}"
    }
}
